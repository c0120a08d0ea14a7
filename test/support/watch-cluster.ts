/**
 * What the watch and informer contract tests need from the cluster, made with OUR stack
 * (loadConfig + createConnection): connections (direct, or through a fault proxy), a
 * scratch namespace per file, a fresh list as the truth, and the launcher's control
 * endpoint (restart / stop / start kube-apiserver).
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { inject } from "vitest";
import { loadConfig } from "../../src/config/index.ts";
import { createConnection, type ConnectionOptions } from "../../src/connection/connection.ts";
import type { Connection } from "../../src/connection/types.ts";
import { ApiError } from "../../src/base/errors.ts";
import { api } from "../../src/api/client.ts";
import type { ListClient } from "../../src/api/client-types.ts";
import { ConfigMap } from "../../generated/k8s/core/v1/index.ts";
import type { KubeObject } from "../../src/base/object.ts";
import { objectKey } from "../../src/base/object.ts";
import { startFaultProxy, type FaultAction, type FaultProxy, type SeenRequest } from "./fault-proxy.ts";
import type { Truth } from "./watch-ledger.ts";

export const runtime = typeof (globalThis as { Bun?: unknown }).Bun !== "undefined" ? "bun" : "node";

/** A connection as a user makes one. */
export async function connectAs(user: "admin" | "token" = "admin", options: ConnectionOptions = {}): Promise<Connection> {
  const cluster = inject("cluster");
  return createConnection(await loadConfig({ kubeconfigPath: cluster.kubeconfigs[user] }), options);
}

/**
 * Starts a fault proxy in front of the API server and a connection through it (bearer
 * token: client certificates do not cross a TLS-terminating proxy). Local mode only: the
 * proxy serves the local PKI's apiserver certificate.
 */
export async function connectThroughProxy(
  plan: (req: SeenRequest) => FaultAction | undefined,
  options: ConnectionOptions = {},
): Promise<{ proxy: FaultProxy; conn: Connection }> {
  const cluster = inject("cluster");
  if (!cluster.pkiDir) throw new Error("the fault proxy needs the local control plane's PKI");
  const pem = (file: string) => readFileSync(join(cluster.pkiDir!, file), "utf8");
  const proxy = await startFaultProxy({ upstream: cluster.server, ca: pem("ca.crt"), cert: pem("apiserver.crt"), key: pem("apiserver.key"), plan });
  const config = await loadConfig({ kubeconfigPath: cluster.kubeconfigs.token });
  return { proxy, conn: createConnection({ ...config, server: proxy.url }, options) };
}

/** JSON request helper for test set-up (not the code under test). */
export async function call<T = unknown>(conn: Connection, method: "GET" | "POST" | "PATCH" | "DELETE", path: string, body?: unknown): Promise<T> {
  const contentType = method === "PATCH" ? "application/merge-patch+json" : "application/json";
  const res = await conn.send({ method, path, headers: { "content-type": contentType }, ...(body !== undefined ? { body: JSON.stringify(body) } : {}) });
  return JSON.parse(await res.text()) as T;
}

/** Creates a uniquely named namespace. */
export async function scratchNamespace(conn: Connection, prefix: string): Promise<string> {
  const ns = await call<KubeObject>(conn, "POST", "/api/v1/namespaces", {
    apiVersion: "v1",
    kind: "Namespace",
    metadata: { generateName: `${prefix}-`, labels: { "bun-k8s.test/suite": "watch" } },
  });
  return ns.metadata!.name!;
}

/** Deletes a namespace without waiting for it to go. */
export async function removeNamespace(conn: Connection, name: string): Promise<void> {
  await call(conn, "DELETE", `/api/v1/namespaces/${name}`).catch(() => undefined);
}

/** The ConfigMaps of a namespace through a connection: what the watch tests follow. */
export function configMapsIn(conn: Connection, namespace: string) {
  return api(conn, ConfigMap, { namespace });
}

/** A fresh, complete list: key → uid and resourceVersion. */
export async function listTruth(client: ListClient<KubeObject>, labelSelector?: string): Promise<{ objects: Map<string, Truth>; resourceVersion: string | undefined }> {
  const objects = new Map<string, Truth>();
  let resourceVersion: string | undefined;
  let token: string | undefined;
  do {
    const page = await client.list({ limit: 1000, ...(token && { continue: token }), ...(labelSelector && { labelSelector }) });
    for (const item of page.items) objects.set(objectKey(item), { uid: item.metadata!.uid!, resourceVersion: item.metadata!.resourceVersion! });
    token = page.metadata.continue || undefined;
    resourceVersion ??= page.metadata.resourceVersion || undefined;
  } while (token);
  return { objects, resourceVersion };
}

/** True once etcd has compacted past `resourceVersion` (an exact list of it answers 410). */
export async function isCompacted(client: ListClient<KubeObject>, resourceVersion: string): Promise<boolean> {
  try {
    await client.list({ limit: 1, resourceVersion, resourceVersionMatch: "Exact" });
    return false;
  } catch (error) {
    if (error instanceof ApiError && error.code === 410) return true;
    throw error;
  }
}

/** Asks the launcher (the globalSetup process) to restart, stop or start kube-apiserver. */
export async function controlApiserver(action: "restart" | "stop" | "start", query: Record<string, string> = {}): Promise<void> {
  const cluster = inject("cluster");
  if (!cluster.controlUrl) throw new Error("no control endpoint: the suite runs against an external cluster");
  const url = new URL(`/apiserver/${action}`, cluster.controlUrl);
  for (const [k, v] of Object.entries(query)) url.searchParams.set(k, v);
  const res = await fetch(url, { method: "POST" });
  if (!res.ok) throw new Error(`control ${action} failed: ${res.status} ${await res.text()}`);
}

export const pause = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
