import { describe, expect, it } from "vitest";
import { ConfigMap, Namespace } from "../../../generated/k8s/core/v1/index.ts";
import { api } from "../../../src/api/client.ts";
import { metadataOnly } from "../../../src/api/metadata-client.ts";
import {
  METADATA_LIST_ACCEPT,
  METADATA_OBJECT_ACCEPT,
  metadataGetRequest,
  metadataListRequest,
  metadataWatchRequest,
} from "../../../src/request/metadata.ts";
import { json, RecordingConnection } from "./recording-connection.ts";

const partial = (name: string, rv: string) => ({
  kind: "PartialObjectMetadata",
  apiVersion: "meta.k8s.io/v1",
  metadata: { name, namespace: "ns", resourceVersion: rv, labels: { a: "b" } },
});

describe("metadata-only requests", () => {
  it("are the plain requests with the PartialObjectMetadata Accept header", () => {
    expect(metadataListRequest(ConfigMap, "ns", { limit: 5, labelSelector: { app: "web" } })).toEqual({
      method: "GET",
      path: "/api/v1/namespaces/ns/configmaps",
      query: { limit: 5, labelSelector: "app=web" },
      headers: { Accept: "application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1" },
    });
    // A watch event carries one object, so a watch asks for PartialObjectMetadata (the List form gets 406).
    expect(metadataWatchRequest(ConfigMap, undefined, { resourceVersion: "7" }).headers).toEqual({ Accept: METADATA_OBJECT_ACCEPT });
    expect(metadataWatchRequest(ConfigMap, undefined, { resourceVersion: "7" }).path).toBe("/api/v1/configmaps");
    expect(metadataGetRequest(Namespace, undefined, "kube-system")).toEqual({
      method: "GET",
      path: "/api/v1/namespaces/kube-system",
      headers: { Accept: METADATA_OBJECT_ACCEPT },
    });
    expect(METADATA_LIST_ACCEPT).toContain("as=PartialObjectMetadataList");
  });
});

describe("metadataOnly(client)", () => {
  it("lists, pages, gets and watches PartialObjectMetadata on the client's resource and namespace", async () => {
    const conn = new RecordingConnection([
      json({ kind: "PartialObjectMetadataList", apiVersion: "meta.k8s.io/v1", metadata: { resourceVersion: "9", continue: "c1" }, items: [partial("a", "3")] }),
      // Items without identity get PartialObjectMetadata's, never the resource's own kind.
      json({ kind: "PartialObjectMetadataList", apiVersion: "meta.k8s.io/v1", metadata: { resourceVersion: "9" }, items: [{ metadata: { name: "b" } }] }),
      json(partial("a", "3")),
      { error: { code: 404, reason: "NotFound", message: "configmaps \"zz\" not found" } },
      { body: `${JSON.stringify({ type: "ADDED", object: partial("c", "10") })}\n` },
    ]);
    const client = metadataOnly(api(conn, ConfigMap, { namespace: "ns" }));
    expect(client.view).toBe("metadata");
    expect(client.namespace).toBe("ns");
    expect(client.resource.plural).toBe("configmaps");

    const names: string[] = [];
    for await (const item of client.items({ limit: 1 })) names.push(`${item.kind} ${item.apiVersion} ${item.metadata?.name}`);
    expect(names).toEqual(["PartialObjectMetadata meta.k8s.io/v1 a", "PartialObjectMetadata meta.k8s.io/v1 b"]);
    expect((await client.get("a")).metadata?.labels).toEqual({ a: "b" });
    expect(await client.getOpt("zz")).toBeUndefined();
    const events: string[] = [];
    for await (const ev of client.watch({ resourceVersion: "9" })) if (ev.type !== "BOOKMARK") events.push(`${ev.type} ${ev.object.metadata?.name}`);
    expect(events).toEqual(["ADDED c"]);

    expect(conn.sent.map((s) => [s.request.path, s.request.query?.continue ?? "", s.request.headers?.Accept])).toEqual([
      ["/api/v1/namespaces/ns/configmaps", "", METADATA_LIST_ACCEPT],
      ["/api/v1/namespaces/ns/configmaps", "c1", METADATA_LIST_ACCEPT],
      ["/api/v1/namespaces/ns/configmaps/a", "", METADATA_OBJECT_ACCEPT],
      ["/api/v1/namespaces/ns/configmaps/zz", "", METADATA_OBJECT_ACCEPT],
      ["/api/v1/namespaces/ns/configmaps", "", METADATA_OBJECT_ACCEPT],
    ]);
    expect(conn.sent[4]!.options?.stream).toBe(true);
  });
});
