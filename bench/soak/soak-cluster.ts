/**
 * The soak's namespaces and its fresh lists, made with the SDK's own connection. Kept apart
 * from test/support/watch-cluster.ts, which needs vitest's inject().
 */
import type { Connection } from "../../src/connection/types.ts";
import { api } from "../../src/api/client.ts";
import { ConfigMap } from "../../generated/k8s/core/v1/index.ts";
import { objectKey, type KubeObject } from "../../src/base/object.ts";
import type { Truth } from "../../test/support/watch-ledger.ts";

export interface SoakNamespaces {
  names: string[];
  /** Writes the namespace's marker ConfigMap; resolves with its resourceVersion. */
  mark(namespace: string): Promise<string>;
  remove(): Promise<void>;
}

async function send<T>(conn: Connection, method: "POST" | "DELETE", path: string, body?: unknown): Promise<T> {
  const res = await conn.send({ method, path, headers: { "content-type": "application/json" }, ...(body !== undefined ? { body: JSON.stringify(body) } : {}) });
  return JSON.parse(await res.text()) as T;
}

/** Creates `count` uniquely named namespaces. @example const spaces = await soakNamespaces(conn, 10); */
export async function soakNamespaces(conn: Connection, count: number): Promise<SoakNamespaces> {
  const names: string[] = [];
  for (let i = 0; i < count; i++) {
    const ns = await send<KubeObject>(conn, "POST", "/api/v1/namespaces", { apiVersion: "v1", kind: "Namespace", metadata: { generateName: "soak-" } });
    names.push(ns.metadata!.name!);
  }
  return {
    names,
    mark: async (namespace) => {
      const marker = await send<KubeObject>(conn, "POST", `/api/v1/namespaces/${namespace}/configmaps`, {
        apiVersion: "v1",
        kind: "ConfigMap",
        metadata: { name: "soak-marker", labels: { soak: "yes" } },
      });
      return marker.metadata!.resourceVersion!;
    },
    remove: async () => {
      await Promise.all(names.map((n) => send(conn, "DELETE", `/api/v1/namespaces/${n}`).catch(() => undefined)));
    },
  };
}

/** Every object of a namespace's ConfigMaps (optionally selected): key → uid and resourceVersion. */
export async function freshList(conn: Connection, namespace: string, labelSelector?: string): Promise<Map<string, Truth>> {
  const out = new Map<string, Truth>();
  for await (const item of api(conn, ConfigMap, { namespace }).items({ limit: 1000, ...(labelSelector && { labelSelector }) })) {
    out.set(objectKey(item), { uid: item.metadata!.uid!, resourceVersion: item.metadata!.resourceVersion! });
  }
  return out;
}
