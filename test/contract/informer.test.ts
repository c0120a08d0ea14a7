/**
 * The watcher, informers and polling against the real kube-apiserver and
 * kube-controller-manager: which list mode the watcher used (the v1.37 server supports
 * streaming lists), the informer's cache, indexes and waits on things the controllers
 * really do, shared informers, and polling emitting the watcher's events.
 */
import { afterAll, beforeAll, describe, expect, inject, test } from "vitest";
import { ConfigMap, Namespace } from "../../generated/k8s/core/v1/index.ts";
import { Deployment, ReplicaSet } from "../../generated/k8s/apps/v1/index.ts";
import { api } from "../../src/api/client.ts";
import type { Connection } from "../../src/connection/types.ts";
import { ExponentialBackoff } from "../../src/base/backoff.ts";
import { informer } from "../../src/runtime/informer.ts";
import { SharedInformerFactory } from "../../src/runtime/shared-informers.ts";
import { watcher } from "../../src/runtime/watcher.ts";
import { WatchLedger } from "../support/watch-ledger.ts";
import { call, connectAs, listTruth, pause, removeNamespace, scratchNamespace } from "../support/watch-cluster.ts";

const cluster = inject("cluster");
let conn: Connection;
let ns: string;
let path: string;
const stop = new AbortController();
const backoff = () => new ExponentialBackoff({ initialMs: 100, maxMs: 1000 });
const configMaps = () => api(conn, ConfigMap, { namespace: ns });

beforeAll(async () => {
  conn = await connectAs("admin");
  ns = await scratchNamespace(conn, "informer");
  path = `/api/v1/namespaces/${ns}/configmaps`;
});

afterAll(async () => {
  stop.abort();
  await removeNamespace(conn, ns);
  conn.close();
});

const configMap = (name: string, labels: Record<string, string>, data: Record<string, string> = {}) => ({
  apiVersion: "v1",
  kind: "ConfigMap",
  metadata: { name, labels },
  data,
});

/** The events of a ledger's keys as "TYPE name" lines, resync flags left out. */
const keysOf = (ledger: WatchLedger<ConfigMap>) => [...ledger.replica.entries()].map(([k, s]) => `${k}@${s.resourceVersion}`).sort();

describe(`watcher, informer and polling on ${cluster.mode} cluster`, () => {
  test("the watcher reports its list mode: streaming list on this server, list + watch when asked", async () => {
    for (let i = 0; i < 7; i++) await call(conn, "POST", path, configMap(`mode-${i}`, { t: "mode" }));
    const streaming = watcher(configMaps(), { labelSelector: "t=mode", signal: stop.signal, backoff: backoff() });
    const paged = watcher(configMaps(), { labelSelector: "t=mode", streamingList: false, limit: 3, signal: stop.signal, backoff: backoff() });
    const a = new WatchLedger(streaming);
    const b = new WatchLedger(paged);
    await a.until(() => a.counts.synced > 0, 20_000, "the streaming list");
    await b.until(() => b.counts.synced > 0, 20_000, "the paged list");

    expect(streaming.mode).toBe("streaming");
    expect(streaming.stats).toMatchObject({ listRequests: 0, streamingFallbacks: 0, syncs: 1, errors: 0 });
    expect(paged.mode).toBe("list-watch");
    expect(paged.stats).toMatchObject({ listRequests: 3, syncs: 1, errors: 0 });
    const truth = await listTruth(configMaps(), "t=mode");
    const expected = [...truth.objects].map(([k, t]) => `${k}@${t.resourceVersion}`).sort();
    expect(keysOf(a)).toEqual(expected);
    expect(keysOf(b)).toEqual(expected);

    // After the list both go on watching: a change arrives as a watched MODIFIED.
    const changed = await call<ConfigMap>(conn, "PATCH", `${path}/mode-3`, { data: { v: "2" } });
    const key = `${ns}/mode-3`;
    for (const ledger of [a, b]) {
      await ledger.until(() => ledger.last.get(key)?.resourceVersion === changed.metadata?.resourceVersion, 10_000, "the change");
      expect(ledger.last.get(key)).toMatchObject({ type: "MODIFIED", resync: false });
      expect(ledger.anomalies).toEqual({ duplicateAdds: 0, replayed: 0, deletedUnknown: 0, modifiedUnknown: 0 });
    }
  });

  test("informer: cache with namespace, label and custom indexes; waitFor a ConfigMap predicate; waitForDeletion", async () => {
    const inf = informer(configMaps(), {
      labelSelector: "t=inf",
      indexers: { byColour: (cm) => (cm.data?.colour ? [cm.data.colour] : []) },
      signal: stop.signal,
      backoff: backoff(),
    });
    const seen: string[] = [];
    inf.on("add", (cm, info) => seen.push(`add ${cm.metadata?.name}${info.resync ? " resync" : ""}`));
    inf.on("update", (cm, previous) => seen.push(`update ${cm.metadata?.name} ${previous.data?.colour}->${cm.data?.colour}`));
    inf.on("delete", (cm) => seen.push(`delete ${cm.metadata?.name}`));
    await call(conn, "POST", path, configMap("red", { t: "inf", tier: "a" }, { colour: "red" }));
    await inf.waitForSync({ timeoutMs: 20_000 });
    expect(inf.mode).toBe("streaming");

    await call(conn, "POST", path, configMap("blue", { t: "inf", tier: "b" }, { colour: "blue" }));
    const waiting = inf.waitFor("blue", (cm) => cm.data?.colour === "green", { timeoutMs: 10_000 });
    await call(conn, "PATCH", `${path}/blue`, { data: { colour: "green" } });
    const green = await waiting;
    expect(green.data?.colour).toBe("green");
    expect(inf.store.get("blue", ns)?.metadata?.resourceVersion).toBe(green.metadata?.resourceVersion);
    expect(inf.store.byIndex("byColour", "green").map((cm) => cm.metadata?.name)).toEqual(["blue"]);
    expect(inf.store.byIndex("byColour", "blue")).toEqual([]);
    expect(inf.store.list({ namespace: ns }).length).toBe(2);
    expect(inf.store.list({ labels: { tier: "a" } }).map((cm) => cm.metadata?.name)).toEqual(["red"]);

    const deleted = inf.waitForDeletion({ name: "red", namespace: ns }, { timeoutMs: 10_000 });
    await call(conn, "DELETE", `${path}/red`);
    await deleted;
    expect(inf.store.keys()).toEqual([`${ns}/blue`]);
    expect(seen).toEqual(["add red", "add blue", "update blue blue->green", "delete red"]);
    expect(inf.stats.errors).toBe(0);
    inf.stop();
  });

  test("informer: ConfigMaps written alike share one frozen field set; their own fields stay their own", async () => {
    for (const name of ["same-1", "same-2"]) await call(conn, "POST", path, configMap(name, { t: "same" }, { k: name }));
    await call(conn, "POST", path, configMap("other", { t: "same", extra: "x" }, { k: "other", j: "y" }));
    const inf = informer(configMaps(), { labelSelector: "t=same", signal: stop.signal, backoff: backoff() });
    await inf.waitForSync({ timeoutMs: 20_000 });
    const fieldsOf = (name: string) => (inf.store.get(name, ns)?.metadata?.managedFields?.[0] as { fieldsV1?: Record<string, unknown> }).fieldsV1!;
    expect(fieldsOf("same-1")).toBe(fieldsOf("same-2"));
    expect(fieldsOf("other")).not.toBe(fieldsOf("same-1"));
    expect(Object.keys(fieldsOf("other")["f:data"] as object).sort()).toEqual(["f:j", "f:k", "."].sort());
    expect(Object.isFrozen(fieldsOf("same-1"))).toBe(true);
    expect(inf.store.get("same-2", ns)?.data).toEqual({ k: "same-2" });
    inf.stop();
  });

  test("informer waitFor on controller work: a Deployment's controller observes it and its ReplicaSet creates the pods", async () => {
    const deployments = informer(api(conn, Deployment, { namespace: ns }), { signal: stop.signal, backoff: backoff() });
    const replicaSets = informer(api(conn, ReplicaSet, { namespace: ns }), {
      indexers: { owner: (rs) => (rs.metadata?.ownerReferences ?? []).map((o) => o.uid) },
      signal: stop.signal,
      backoff: backoff(),
    });
    const created = await call<Deployment>(conn, "POST", `/apis/apps/v1/namespaces/${ns}/deployments`, {
      apiVersion: "apps/v1",
      kind: "Deployment",
      metadata: { name: "web" },
      spec: {
        replicas: 2,
        selector: { matchLabels: { app: "web" } },
        template: { metadata: { labels: { app: "web" } }, spec: { containers: [{ name: "web", image: "registry.invalid/web:1" }] } },
      },
    });
    // Whether or not a node runs the pods, the controllers do their part.
    const observed = await deployments.waitFor(
      "web",
      (d) => d.status?.observedGeneration === d.metadata?.generation && d.status?.replicas === 2,
      { timeoutMs: 45_000 },
    );
    expect(observed.metadata?.uid).toBe(created.metadata?.uid);
    // The deployment's status sums its ReplicaSet's, so the ReplicaSet exists by now; its
    // informer (a separate watch) may trail by a moment.
    await replicaSets.waitForSync({ timeoutMs: 10_000 });
    const ownedBy = () => replicaSets.store.byIndex("owner", created.metadata!.uid!);
    for (let i = 0; i < 100 && ownedBy().length === 0; i++) await pause(100);
    const owned = ownedBy();
    expect(owned).toHaveLength(1);
    expect(owned[0]!.spec?.replicas).toBe(2);
    deployments.stop();
    replicaSets.stop();
  });

  test("informer waitForDeletion on controller work: a namespace finishes terminating", async () => {
    const doomed = await scratchNamespace(conn, "doomed");
    await call(conn, "POST", `/api/v1/namespaces/${doomed}/configmaps`, configMap("inside", {}));
    const namespaces = informer(api(conn, Namespace), { fieldSelector: `metadata.name=${doomed}`, signal: stop.signal, backoff: backoff() });
    await namespaces.waitForSync({ timeoutMs: 20_000 });
    expect(namespaces.store.keys()).toEqual([doomed]);
    await call(conn, "DELETE", `/api/v1/namespaces/${doomed}`);
    const terminating = await namespaces.waitFor(doomed, (n) => n.status?.phase === "Terminating", { timeoutMs: 10_000 });
    expect(terminating.metadata?.deletionTimestamp).toBeTruthy();
    // The namespace controller empties it, then removes the finalizer.
    await namespaces.waitForDeletion(doomed, { timeoutMs: 45_000 });
    expect(namespaces.store.size).toBe(0);
    namespaces.stop();
  });

  test("shared informers: same collection and selector (as a string or an object) share one watch and one cache", async () => {
    const factory = new SharedInformerFactory({ backoff: backoff() });
    const a = factory.informer(configMaps(), { labelSelector: "t=shared" });
    const b = factory.informer(configMaps(), { labelSelector: { t: "shared" } });
    const other = factory.informer(configMaps(), { labelSelector: "t=other" });
    expect(factory.size).toBe(2);
    await call(conn, "POST", path, configMap("s1", { t: "shared" }));
    await Promise.all([a.waitFor("s1", () => true, { timeoutMs: 10_000 }), b.waitFor("s1", () => true, { timeoutMs: 10_000 }), other.waitForSync({ timeoutMs: 10_000 })]);
    expect(a.store).toBe(b.store);
    expect(a.stats.watchRequests).toBe(1);
    expect(other.store.size).toBe(0);
    a.stop();
    expect(factory.size).toBe(2);
    await call(conn, "POST", path, configMap("s2", { t: "shared" }));
    await b.waitFor("s2", () => true, { timeoutMs: 10_000 });
    b.stop();
    other.stop();
    expect(factory.size).toBe(0);
  });

  test("polling mode emits the watcher's events: same objects, same final versions, one option apart", async () => {
    const watched = new WatchLedger(watcher(configMaps(), { labelSelector: "t=poll", signal: stop.signal, backoff: backoff() }));
    const polling = watcher(configMaps(), { labelSelector: "t=poll", mode: "poll", pollIntervalMs: 200, signal: stop.signal, backoff: backoff() });
    const polled = new WatchLedger(polling);
    const bothSee = (key: string, rv: string | undefined) =>
      Promise.all([watched, polled].map((l) => l.until(() => l.last.get(key)?.resourceVersion === rv, 10_000, `${key}@${rv}`)));
    await Promise.all([watched, polled].map((l) => l.until(() => l.counts.synced > 0, 10_000, "the first list")));
    const key = `${ns}/p1`;
    const a = await call<ConfigMap>(conn, "POST", path, configMap("p1", { t: "poll" }, { v: "1" }));
    await bothSee(key, a.metadata?.resourceVersion);
    const b = await call<ConfigMap>(conn, "PATCH", `${path}/p1`, { data: { v: "2" } });
    await bothSee(key, b.metadata?.resourceVersion);
    await call(conn, "DELETE", `${path}/p1`);
    await Promise.all([watched, polled].map((l) => l.until(() => l.last.get(key)?.type === "DELETED", 10_000, "the deletion")));

    expect(polling.mode).toBe("poll");
    expect(polling.stats.relists).toBeGreaterThan(2);
    expect(polling.stats.watchRequests).toBe(0);
    const history = (l: WatchLedger<ConfigMap>) => [l.counts.events, l.counts.errors, l.last.get(key)?.type, l.last.get(key)?.uid];
    expect(history(polled)).toEqual(history(watched));
    // Every polled change after the first list is derived from a list, and says so.
    expect(polled.counts.resync).toBe(3);
    expect(watched.counts.resync).toBe(0);
  });
});
