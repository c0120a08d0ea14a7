/**
 * The generic client against the real kube-apiserver: full CRUD, every patch type,
 * server-side apply conflicts, deleteCollection, pagination and selectors.
 */
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { api, isStatus } from "../../src/index.ts";
import { ApiError, isAlreadyExists, isConflict, isInvalid, isNotFound } from "../../src/base/errors.ts";
import type { Connection } from "../../src/connection/types.ts";
import { ConfigMap, Namespace, Secret, Service } from "../../generated/k8s/core/v1/index.ts";
import { connect, scratchNamespace } from "./api-connection.ts";

let conn: Connection;
let ns: string;
let removeNamespace: () => Promise<void>;

beforeAll(async () => {
  conn = await connect();
  ({ name: ns, remove: removeNamespace } = await scratchNamespace(conn, "api-crud"));
});
afterAll(async () => {
  await removeNamespace?.();
  conn?.close();
});

describe("Namespace (cluster-scoped)", () => {
  test("get, list by label, merge patch, replace", async () => {
    const namespaces = api(conn, Namespace);
    const got = await namespaces.get(ns);
    expect(got.metadata?.name).toBe(ns);
    expect(got.kind).toBe("Namespace");

    const listed = await namespaces.list({ labelSelector: { "bun-k8s.test/suite": "api" } });
    expect(listed.items.map((n) => n.metadata?.name)).toContain(ns);
    expect(listed.items.every((n) => n.kind === "Namespace" && n.apiVersion === "v1")).toBe(true);

    const patched = await namespaces.patch(ns, { type: "merge", patch: { metadata: { labels: { stage: "patched" } } } });
    expect(patched.metadata?.labels?.stage).toBe("patched");

    const replaced = await namespaces.replace({ ...patched, metadata: { ...patched.metadata, annotations: { note: "replaced" } } });
    expect(replaced.metadata?.annotations?.note).toBe("replaced");
    expect(Number(replaced.metadata?.resourceVersion)).toBeGreaterThan(Number(patched.metadata?.resourceVersion));
  });
});

describe("ConfigMap", () => {
  test("create, get, replace with optimistic concurrency, delete, getOpt", async () => {
    const cms = api(conn, ConfigMap, { namespace: ns });
    const created = await cms.create({ metadata: { name: "crud" }, data: { a: "1" } });
    expect(created.metadata?.namespace).toBe(ns);
    expect(created.data).toEqual({ a: "1" });
    await expect(cms.create({ metadata: { name: "crud" } })).rejects.toSatisfy(isAlreadyExists);

    const replaced = await cms.replace({ ...created, data: { a: "2" } });
    expect(replaced.data).toEqual({ a: "2" });
    // The first version is stale now: replacing it again is a 409 Conflict.
    const stale = await cms.replace({ ...created, data: { a: "3" } }).catch((e: unknown) => e);
    expect(isConflict(stale)).toBe(true);

    const dry = await cms.create({ metadata: { name: "dry" } }, { dryRun: true });
    expect(dry.metadata?.name).toBe("dry");
    expect(await cms.getOpt("dry")).toBeUndefined();

    const deleted = await cms.delete("crud", { preconditions: { uid: created.metadata!.uid! } });
    expect(isStatus(deleted) || deleted.metadata?.name === "crud").toBe(true);
    expect(await cms.getOpt("crud")).toBeUndefined();
    await expect(cms.get("crud")).rejects.toSatisfy(isNotFound);
  });

  test("a delete precondition that no longer holds is a 409", async () => {
    const cms = api(conn, ConfigMap, { namespace: ns });
    await cms.create({ metadata: { name: "precond" } });
    const e = await cms.delete("precond", { preconditions: { uid: "00000000-0000-0000-0000-000000000000" } }).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(ApiError);
    expect((e as ApiError).code).toBe(409);
    await cms.delete("precond");
  });

  test("each patch type", async () => {
    const cms = api(conn, ConfigMap, { namespace: ns });
    await cms.create({ metadata: { name: "patches", labels: { keep: "yes", drop: "yes" } }, data: { a: "1" } });

    const json = await cms.patch("patches", {
      type: "json",
      patch: [
        { op: "add", path: "/data/b", value: "2" },
        { op: "test", path: "/data/a", value: "1" },
      ],
    });
    expect(json.data).toEqual({ a: "1", b: "2" });

    const merge = await cms.patch("patches", { type: "merge", patch: { data: { a: null }, metadata: { labels: { drop: null } } } });
    expect(merge.data).toEqual({ b: "2" });
    expect(merge.metadata?.labels).toEqual({ keep: "yes" });

    const strategic = await cms.patch("patches", { type: "strategic", patch: { data: { c: "3" } } });
    expect(strategic.data).toEqual({ b: "2", c: "3" });

    const applied = await cms.patch(
      "patches",
      { type: "apply", patch: { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "patches" }, data: { d: "4" } } },
      { fieldManager: "patch-test" },
    );
    expect(applied.data).toMatchObject({ d: "4" });

    // A failing JSON patch "test" op is the server's 422, not ours.
    const failed = await cms
      .patch("patches", { type: "json", patch: [{ op: "test", path: "/data/b", value: "nope" }] })
      .catch((e: unknown) => e);
    expect(failed).toBeInstanceOf(ApiError);
    expect([409, 422]).toContain((failed as ApiError).code);
  });

  test("server-side apply: a field conflict is a 409 until forced", async () => {
    const cms = api(conn, ConfigMap, { namespace: ns });
    const cfg = (value: string) => ({ apiVersion: "v1" as const, kind: "ConfigMap" as const, metadata: { name: "ssa" }, data: { owner: value } });
    const first = await cms.apply(cfg("alice"), { fieldManager: "alice" });
    expect(first.data).toEqual({ owner: "alice" });
    expect(first.metadata?.managedFields?.some((f) => f.manager === "alice")).toBe(true);

    const conflict = await cms.apply(cfg("bob"), { fieldManager: "bob" }).catch((e: unknown) => e);
    expect(isConflict(conflict)).toBe(true);
    expect((conflict as ApiError).details?.causes?.[0]?.field).toBe(".data.owner");

    const forced = await cms.apply(cfg("bob"), { fieldManager: "bob", force: true });
    expect(forced.data).toEqual({ owner: "bob" });
    const owners = forced.metadata?.managedFields?.filter((f) => JSON.stringify(f.fieldsV1 ?? {}).includes("f:owner")).map((f) => f.manager);
    expect(owners).toEqual(["bob"]);
  });

  test("pagination over more than one page, with pages() and items()", async () => {
    const cms = api(conn, ConfigMap, { namespace: ns });
    for (let i = 0; i < 7; i++) await cms.create({ metadata: { name: `page-${i}`, labels: { set: "paging" } } });

    const first = await cms.list({ labelSelector: "set=paging", limit: 3 });
    expect(first.items).toHaveLength(3);
    expect(first.metadata.continue).toBeTruthy();

    const sizes: number[] = [];
    for await (const page of cms.pages({ labelSelector: "set=paging", limit: 3 })) sizes.push(page.items.length);
    expect(sizes).toEqual([3, 3, 1]);

    const names: string[] = [];
    for await (const cm of cms.items({ labelSelector: { set: "paging" }, limit: 2 })) names.push(cm.metadata!.name!);
    expect(names.sort()).toEqual(Array.from({ length: 7 }, (_, i) => `page-${i}`));

    // A consistent snapshot across pages, even with resourceVersionMatch on the first page.
    const rv = first.metadata.resourceVersion!;
    const pinned: string[] = [];
    for await (const cm of cms.items({ labelSelector: "set=paging", limit: 3, resourceVersion: rv, resourceVersionMatch: "Exact" })) pinned.push(cm.metadata!.name!);
    expect(pinned).toHaveLength(7);
  });

  test("label and field selectors", async () => {
    const cms = api(conn, ConfigMap, { namespace: ns });
    await cms.create({ metadata: { name: "sel-a", labels: { app: "web", tier: "front" } } });
    await cms.create({ metadata: { name: "sel-b", labels: { app: "web", tier: "back" } } });
    await cms.create({ metadata: { name: "sel-c", labels: { app: "db" } } });
    const names = async (params: Parameters<typeof cms.list>[0]) => (await cms.list(params)).items.map((c) => c.metadata!.name).sort();

    expect(await names({ labelSelector: { app: "web" } })).toEqual(["sel-a", "sel-b"]);
    expect(await names({ labelSelector: { matchExpressions: [{ key: "tier", operator: "In", values: ["back", "middle"] }] } })).toEqual(["sel-b"]);
    expect(await names({ labelSelector: { matchLabels: { app: "web" }, matchExpressions: [{ key: "tier", operator: "NotIn", values: ["back"] }] } })).toEqual(["sel-a"]);
    expect(await names({ labelSelector: { matchExpressions: [{ key: "app", operator: "Exists" }, { key: "tier", operator: "DoesNotExist" }] } })).toEqual(["sel-c"]);
    expect(await names({ fieldSelector: { "metadata.name": "sel-b" } })).toEqual(["sel-b"]);
    expect(await names({ fieldSelector: "metadata.name!=sel-b", labelSelector: "app" })).toEqual(["sel-a", "sel-c"]);

    // An unsupported field is the server's 400, which arrives as ApiError.
    const bad = await cms.list({ fieldSelector: { "data.x": "y" } }).catch((e: unknown) => e);
    expect((bad as ApiError).code).toBe(400);
  });

  test("deleteCollection by label, dry run first", async () => {
    const cms = api(conn, ConfigMap, { namespace: ns });
    for (const n of ["dc-1", "dc-2", "dc-3"]) await cms.create({ metadata: { name: n, labels: { doomed: "true" } } });
    await cms.create({ metadata: { name: "dc-keep" } });

    await cms.deleteCollection({ labelSelector: "doomed=true", dryRun: true });
    expect((await cms.list({ labelSelector: "doomed=true" })).items).toHaveLength(3);

    await cms.deleteCollection({ labelSelector: { doomed: "true" } });
    expect((await cms.list({ labelSelector: "doomed=true" })).items).toHaveLength(0);
    expect(await cms.getOpt("dc-keep")).toBeDefined();
  });
});

describe("Secret", () => {
  test("stringData goes in, base64 data comes out; replace and delete", async () => {
    const secrets = api(conn, Secret, { namespace: ns });
    const created = await secrets.create({ metadata: { name: "creds" }, type: "Opaque", stringData: { password: "s3cret" } });
    expect(created.data?.password).toBe(Buffer.from("s3cret").toString("base64"));

    const replaced = await secrets.replace({ ...created, data: { password: Buffer.from("rotated").toString("base64") } });
    expect(Buffer.from(replaced.data!.password!, "base64").toString()).toBe("rotated");

    // Immutable secrets refuse changes: a server-side 422 Invalid.
    const frozen = await secrets.create({ metadata: { name: "frozen" }, immutable: true, stringData: { k: "v" } });
    const e = await secrets.patch("frozen", { type: "merge", patch: { stringData: { k: "w" } } }).catch((x: unknown) => x);
    expect(isInvalid(e)).toBe(true);
    expect((e as Error).message).not.toContain("dw=="); // no secret material in the message
    expect(frozen.immutable).toBe(true);

    await secrets.delete("creds");
    await secrets.delete("frozen");
    expect(await secrets.getOpt("creds")).toBeUndefined();
  });
});

describe("Service", () => {
  test("gets a cluster IP, is patched and deleted", async () => {
    const services = api(conn, Service, { namespace: ns });
    const svc = await services.create({
      metadata: { name: "web" },
      spec: { selector: { app: "web" }, ports: [{ name: "http", port: 80, targetPort: 8080 }] },
    });
    expect(svc.spec?.clusterIP).toMatch(/^\d+\.\d+\.\d+\.\d+$/);
    const patched = await services.patch("web", {
      type: "strategic",
      patch: { spec: { ports: [{ name: "https", port: 443, targetPort: "https" }] } },
    });
    // Strategic merge merges the ports list by key instead of replacing it.
    expect(patched.spec?.ports?.map((p) => p.port).sort()).toEqual([443, 80]);
    await services.delete("web");
    expect(await services.getOpt("web")).toBeUndefined();
  });
});
