/**
 * The operator toolkit against the real kube-apiserver: metadata-only reads, watches and
 * informers (PartialObjectMetadata, never a Secret's data), the transform hook, the controller
 * loop with owns() and deletions, finalizer() with the server's own JSON patch `test`
 * semantics, conditions and status by server-side apply on a CRD's status subresource, and the
 * event recorder's series and rate limit as the server stores them.
 */
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { api } from "../../src/api/client.ts";
import { metadataOnly } from "../../src/api/metadata-client.ts";
import { dropManagedFields } from "../../src/base/object.ts";
import { isInvalid, isNotFound } from "../../src/base/errors.ts";
import type { Connection } from "../../src/connection/types.ts";
import { informer } from "../../src/runtime/informer.ts";
import { controller, eventRecorder, finalizer, applyStatus, setCondition, findCondition } from "../../src/controller/index.ts";
import { ConfigMap, Secret } from "../../generated/k8s/core/v1/index.ts";
import { Event } from "../../generated/k8s/events/v1/index.ts";
import { SecretMirror } from "../../examples/operator/secret-mirror.ts";
import { installSecretMirrorCrd } from "../support/secret-mirror-crd.ts";
import { pollUntil } from "../support/poll-until.ts";
import { connect, scratchNamespace } from "./api-connection.ts";

let conn: Connection;
let ns: string;
let removeNamespace: () => Promise<void>;
const stop = new AbortController();

beforeAll(async () => {
  conn = await connect();
  ({ name: ns, remove: removeNamespace } = await scratchNamespace(conn, "toolkit"));
});
afterAll(async () => {
  stop.abort();
  await removeNamespace?.();
  conn?.close();
});

describe("metadata-only reads and the transform hook", () => {
  test("get, list and watch return PartialObjectMetadata; an informer over them never holds a Secret's data", async () => {
    const secrets = api(conn, Secret, { namespace: ns });
    await secrets.create({ metadata: { name: "meta-a", labels: { t: "meta" } }, stringData: { password: "not-in-metadata" } });
    const meta = metadataOnly(secrets);
    const one = await meta.get("meta-a");
    expect(one.kind).toBe("PartialObjectMetadata");
    expect(one.apiVersion).toBe("meta.k8s.io/v1");
    expect(one.metadata?.labels).toEqual({ t: "meta" });
    // managedFields name the data keys ("f:password"); the values are nowhere.
    expect(Object.keys(one).sort()).toEqual(["apiVersion", "kind", "metadata"]);
    expect(JSON.stringify(one)).not.toContain(btoa("not-in-metadata"));
    const listed = await meta.list({ labelSelector: { t: "meta" } });
    expect(listed.kind).toBe("PartialObjectMetadataList");
    expect(listed.items.map((i) => `${i.kind} ${i.metadata?.name}`)).toEqual(["PartialObjectMetadata meta-a"]);
    expect(await meta.getOpt("absent")).toBeUndefined();

    const inf = informer(meta, { labelSelector: { t: "meta" }, signal: stop.signal });
    await inf.waitForSync({ timeoutMs: 20_000 });
    expect(inf.mode).toBe("streaming");
    await secrets.create({ metadata: { name: "meta-b", labels: { t: "meta" } }, stringData: { password: "also-not" } });
    const b = await inf.waitFor("meta-b", () => true, { timeoutMs: 20_000 });
    expect(b.kind).toBe("PartialObjectMetadata");
    expect(inf.store.keys().sort()).toEqual([`${ns}/meta-a`, `${ns}/meta-b`]);
    const cached = JSON.stringify(inf.store.list());
    expect(cached).not.toContain(btoa("not-in-metadata"));
    expect(cached).not.toContain(btoa("also-not"));
    inf.stop();
    // The list + watch path too (no streaming list).
    const paged = informer(meta, { labelSelector: { t: "meta" }, streamingList: false, limit: 1, signal: stop.signal });
    await paged.waitForSync({ timeoutMs: 20_000 });
    expect(paged.mode).toBe("list-watch");
    expect(paged.store.size).toBe(2);
    paged.stop();
  });

  test("dropManagedFields as a transform: the cache holds no managedFields, whatever the server sends", async () => {
    const configMaps = api(conn, ConfigMap, { namespace: ns });
    await configMaps.apply({ apiVersion: "v1", kind: "ConfigMap", metadata: { name: "tf", labels: { t: "tf" } }, data: { a: "1" } }, { fieldManager: "toolkit-test" });
    expect((await configMaps.get("tf")).metadata?.managedFields?.length).toBeGreaterThan(0);
    const inf = informer(configMaps, { labelSelector: { t: "tf" }, transform: dropManagedFields, signal: stop.signal });
    await inf.waitForSync({ timeoutMs: 20_000 });
    await configMaps.patch("tf", { type: "merge", patch: { data: { a: "2" } } });
    const changed = await inf.waitFor("tf", (c) => c.data?.a === "2", { timeoutMs: 20_000 });
    expect(changed.metadata?.managedFields).toBeUndefined();
    expect(changed.metadata?.resourceVersion).toBeDefined();
    inf.stop();
  });
});

describe("controller", () => {
  test("reconciles ConfigMaps, is woken by Secrets they own (metadata-only), and hands deletions over with the last state", async () => {
    const configMaps = api(conn, ConfigMap, { namespace: ns });
    const owner = await configMaps.create({ metadata: { name: "owner", labels: { t: "ctl" } }, data: { v: "1" } });
    const seen: string[] = [];
    const ctl = controller(conn, ConfigMap, (cm, ctx) => void seen.push(`${ctx.deleted ? "deleted" : "live"} ${cm.metadata?.name} v=${cm.data?.v}`), {
      namespace: ns,
      labelSelector: { t: "ctl" },
    }).owns(Secret);
    const run = new AbortController();
    const running = ctl.run(run.signal);
    await pollUntil("first reconcile", () => seen.length === 1, 20_000);
    await api(conn, Secret, { namespace: ns }).create({
      metadata: { name: "owned", ownerReferences: [{ apiVersion: "v1", kind: "ConfigMap", name: "owner", uid: owner.metadata!.uid!, controller: true }] },
      stringData: { k: "v" },
    });
    await pollUntil("woken by the owned Secret", () => seen.length === 2, 20_000);
    await configMaps.delete("owner");
    await pollUntil("the deletion", () => seen.length === 3, 20_000);
    expect(seen).toEqual(["live owner v=1", "live owner v=1", "deleted owner v=1"]);
    run.abort();
    await running;
    expect(ctl.stats).toMatchObject({ reconciles: 3, errors: 0, inFlight: 0 });
    expect(ctl.metrics()).toContain('bun_k8s_controller_reconcile_total{controller="configmaps",result="success"} 3');
  });

  test("finalizer(): added with a test-null patch, kept by a failed cleanup, removed alone beside another's", async () => {
    const configMaps = api(conn, ConfigMap, { namespace: ns });
    const NAME = "toolkit.bun-k8s.dev/cleanup";
    let cm = await configMaps.create({ metadata: { name: "fin" }, data: {} });
    await finalizer(configMaps, NAME, cm, { apply: () => undefined, cleanup: () => undefined });
    cm = await configMaps.get("fin");
    expect(cm.metadata?.finalizers).toEqual([NAME]);
    // Someone else adds theirs; a stale read of ours then fails its `test` (the server rejects the patch).
    const stale = cm;
    cm = await configMaps.patch("fin", { type: "json", patch: [{ op: "add", path: "/metadata/finalizers/-", value: "other.io/keep" }] });
    const refused = await finalizer(configMaps, "third.io/x", stale, { apply: () => undefined, cleanup: () => undefined }).catch((e: unknown) => e);
    expect(isInvalid(refused)).toBe(true);
    expect((await configMaps.get("fin")).metadata?.finalizers).toEqual([NAME, "other.io/keep"]);

    await configMaps.delete("fin");
    cm = await configMaps.get("fin");
    expect(cm.metadata?.deletionTimestamp).toBeDefined();
    await expect(finalizer(configMaps, NAME, cm, { apply: () => "no", cleanup: () => Promise.reject(new Error("cleanup failed")) })).rejects.toThrow("cleanup failed");
    expect((await configMaps.get("fin")).metadata?.finalizers).toEqual([NAME, "other.io/keep"]);
    expect(await finalizer(configMaps, NAME, cm, { apply: () => "no", cleanup: () => "cleaned" })).toBe("cleaned");
    expect((await configMaps.get("fin")).metadata?.finalizers).toEqual(["other.io/keep"]);
    await configMaps.patch("fin", { type: "merge", patch: { metadata: { finalizers: null } } });
    await pollUntil("gone", async () => (await configMaps.getOpt("fin")) === undefined, 20_000);
  });
});

describe("conditions, status and events", () => {
  test("applyStatus writes conditions by server-side apply on the status subresource; the spec is untouched", async () => {
    await installSecretMirrorCrd(conn);
    const mirrors = api(conn, SecretMirror, { namespace: ns });
    const m = await mirrors.create({ metadata: { name: "status" }, spec: { secretName: "s", namespaceSelector: {} } });
    const c1 = setCondition(undefined, { type: "Ready", status: "False", reason: "Waiting", observedGeneration: m.metadata?.generation });
    await applyStatus(mirrors, m, { observedGeneration: 1, copies: [], conditions: c1 }, { fieldManager: "toolkit-status" });
    let got = await mirrors.get("status");
    expect(findCondition(got.status?.conditions, "Ready")).toMatchObject({ status: "False", reason: "Waiting", observedGeneration: 1 });
    expect(got.metadata?.managedFields?.find((f) => f.manager === "toolkit-status")).toMatchObject({ operation: "Apply", subresource: "status" });
    // Same status, new reason: the transition time stays. A status change moves it.
    await new Promise((r) => setTimeout(r, 1100));
    const c2 = setCondition(got.status?.conditions, { type: "Ready", status: "False", reason: "StillWaiting", observedGeneration: 1 });
    await applyStatus(mirrors, got, { observedGeneration: 1, copies: [], conditions: c2 }, { fieldManager: "toolkit-status" });
    got = await mirrors.get("status");
    expect(findCondition(got.status?.conditions, "Ready")?.lastTransitionTime).toBe(c1[0]!.lastTransitionTime);
    const c3 = setCondition(got.status?.conditions, { type: "Ready", status: "True", reason: "Mirrored", observedGeneration: 1 });
    await applyStatus(mirrors, got, { observedGeneration: 1, copies: ["a"], conditions: c3 }, { fieldManager: "toolkit-status" });
    got = await mirrors.get("status");
    expect(findCondition(got.status?.conditions, "Ready")?.lastTransitionTime).not.toBe(c1[0]!.lastTransitionTime);
    expect(got.status?.copies).toEqual(["a"]);
    expect(got.spec).toEqual({ secretName: "s", namespaceSelector: {} });
  });

  test("events: created on events.k8s.io/v1, repeats become a series on the server, a hot loop is rate-limited", async () => {
    const regarding = await api(conn, ConfigMap, { namespace: ns }).create({ metadata: { name: "noisy" } });
    const errors: string[] = [];
    const recorder = eventRecorder(conn, { reportingController: "bun-k8s.dev/toolkit-test", reportingInstance: "test-0", rateLimit: { burst: 5, qps: 1 / 300 }, onError: (e) => errors.push(e.message) });
    for (let i = 0; i < 4; i++) await recorder.record(regarding, { type: "Warning", reason: "Flapping", action: "Probe", note: `try ${i}` });
    for (let i = 0; i < 30; i++) await recorder.record(regarding, { type: "Normal", reason: `Hot${i}`, action: "Loop" });
    await recorder.close();
    expect(errors).toEqual([]);
    const events = (await api(conn, Event, { namespace: ns }).list()).items.filter((e) => e.regarding?.name === "noisy");
    const flapping = events.filter((e) => e.reason === "Flapping");
    expect(flapping).toHaveLength(1);
    expect(flapping[0]).toMatchObject({ type: "Warning", action: "Probe", note: "try 0", reportingController: "bun-k8s.dev/toolkit-test", reportingInstance: "test-0" });
    expect(flapping[0]!.regarding).toMatchObject({ kind: "ConfigMap", name: "noisy", uid: regarding.metadata!.uid });
    // The fourth occurrence reached the server when the recorder closed.
    expect(flapping[0]!.series?.count).toBe(4);
    // Burst 5: the Flapping create and its series patch took 2, leaving 3 Hot events; the flush bypasses the limit.
    expect(events.filter((e) => e.reason?.startsWith("Hot"))).toHaveLength(3);
    expect(recorder.stats).toMatchObject({ created: 4, dropped: 27, aggregated: 2 });
    expect(isNotFound(await api(conn, Event, { namespace: ns }).get("absent").catch((e: unknown) => e))).toBe(true);
  });
});
