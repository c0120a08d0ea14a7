import { afterEach, describe, expect, it } from "vitest";
import { ConfigMap, Namespace, Secret } from "../../../generated/k8s/core/v1/index.ts";
import { controller } from "../../../src/controller/controller.ts";
import type { ControllerOptions, ReconcileContext, Reconciler } from "../../../src/controller/controller-types.ts";
import { itemExponentialRateLimiter } from "../../../src/controller/rate-limiters.ts";
import { METADATA_LIST_ACCEPT } from "../../../src/request/metadata.ts";
import { FakeCluster, type Obj } from "./fake-cluster.ts";

const CM = "/api/v1/configmaps";
const SECRETS = "/api/v1/secrets";
const stops: AbortController[] = [];
afterEach(() => stops.splice(0).forEach((s) => s.abort()));

const cm = (name: string, data: Record<string, string> = {}, namespace = "ns"): Obj => ({ apiVersion: "v1", kind: "ConfigMap", metadata: { name, namespace }, data });
const quick = { rateLimiter: itemExponentialRateLimiter<string>(5, 40), informers: { streamingList: false } };

async function until(what: string, predicate: () => boolean, timeoutMs = 3000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 2));
  }
}

function start(cluster: FakeCluster, reconcile: Reconciler<ConfigMap>, options: ControllerOptions<ConfigMap> = {}) {
  const stop = new AbortController();
  stops.push(stop);
  const ctl = controller(cluster, ConfigMap, reconcile, { ...quick, ...options });
  return { ctl, stop, run: (drainTimeoutMs?: number) => ctl.run(stop.signal, drainTimeoutMs === undefined ? {} : { drainTimeoutMs }) };
}

describe("controller", () => {
  it("reconciles every object after the sync, and each change; a key queued while it runs runs once more after", async () => {
    const cluster = new FakeCluster();
    cluster.seed(CM, cm("a"));
    cluster.seed(CM, cm("b"));
    const calls: string[] = [];
    let release: (() => void) | undefined;
    const { ctl, stop, run } = start(cluster, async (o, ctx) => {
      calls.push(`${ctx.key} ${JSON.stringify(o.data)}`);
      if (ctx.key === "ns/a" && o.data?.v === "1") await new Promise<void>((r) => (release = r));
    });
    const running = run();
    await until("both keys", () => calls.length === 2);
    expect(calls.sort()).toEqual(["ns/a {}", "ns/b {}"]);
    // Three changes to a while it is not running: one reconcile with the last state.
    await cluster.send({ method: "PATCH", path: "/api/v1/namespaces/ns/configmaps/a", headers: { "Content-Type": "application/merge-patch+json" }, body: '{"data":{"v":"1"}}' });
    await until("a blocked", () => release !== undefined);
    for (const v of ["2", "3", "4"]) {
      await cluster.send({ method: "PATCH", path: "/api/v1/namespaces/ns/configmaps/a", headers: { "Content-Type": "application/merge-patch+json" }, body: `{"data":{"v":"${v}"}}` });
    }
    await new Promise((r) => setTimeout(r, 30));
    // Never twice at once: a stays blocked and queued (dirty), not handed to a second worker.
    expect(calls.filter((c) => c.startsWith("ns/a"))).toEqual(["ns/a {}", 'ns/a {"v":"1"}']);
    expect(ctl.stats.inFlight).toBe(1);
    release!();
    await until("a again", () => calls.length === 4);
    expect(calls[3]).toBe('ns/a {"v":"4"}');
    await new Promise((r) => setTimeout(r, 30));
    expect(calls).toHaveLength(4);
    stop.abort();
    await running;
    expect(ctl.stats).toMatchObject({ reconciles: 4, successes: 4, errors: 0, queueDepth: 0, inFlight: 0 });
  });

  it("backs off per key after errors, reports them, and forgets on success", async () => {
    const cluster = new FakeCluster();
    cluster.seed(CM, cm("flaky"));
    cluster.seed(CM, cm("fine"));
    const seen: { key: string; retries: number; at: number }[] = [];
    const errors: string[] = [];
    const { ctl, stop, run } = start(
      cluster,
      (_o, ctx) => {
        seen.push({ key: ctx.key, retries: ctx.retries, at: performance.now() });
        if (ctx.key === "ns/flaky" && ctx.retries < 3) throw new Error(`boom ${ctx.retries}`);
      },
      { onError: (e, key) => errors.push(`${key}: ${e.message}`) },
    );
    const running = run();
    await until("flaky settles", () => seen.filter((s) => s.key === "ns/flaky").length === 4);
    const flaky = seen.filter((s) => s.key === "ns/flaky");
    expect(flaky.map((s) => s.retries)).toEqual([0, 1, 2, 3]);
    // 5, 10, 20 ms between attempts (at least).
    expect(flaky[1]!.at - flaky[0]!.at).toBeGreaterThanOrEqual(4);
    expect(flaky[3]!.at - flaky[2]!.at).toBeGreaterThanOrEqual(19);
    expect(errors).toEqual(["ns/flaky: boom 0", "ns/flaky: boom 1", "ns/flaky: boom 2"]);
    expect(seen.filter((s) => s.key === "ns/fine")).toHaveLength(1);
    // Success forgot the failures: the next failure starts at retry 0 again.
    await cluster.send({ method: "PATCH", path: "/api/v1/namespaces/ns/configmaps/flaky", headers: { "Content-Type": "application/merge-patch+json" }, body: '{"data":{"x":"y"}}' });
    await until("flaky again", () => seen.filter((s) => s.key === "ns/flaky").length === 5);
    expect(seen.at(-1)!.retries).toBe(0);
    stop.abort();
    await running;
    // fine once, flaky once; the fifth attempt (retries 0 again) failed as the first did.
    expect(ctl.stats).toMatchObject({ errors: 4, successes: 2 });
  });

  it("requeueAfterMs runs a key again without a change", async () => {
    const cluster = new FakeCluster();
    cluster.seed(CM, cm("tick"));
    let n = 0;
    const { ctl, stop, run } = start(cluster, () => (++n < 3 ? { requeueAfterMs: 10 } : undefined));
    const running = run();
    await until("three runs", () => n === 3);
    await new Promise((r) => setTimeout(r, 40));
    expect(n).toBe(3);
    stop.abort();
    await running;
    expect(ctl.stats).toMatchObject({ requeues: 2, successes: 3 });
  });

  it("deletions reach reconcile with the last state, once; a failed one is retried", async () => {
    const cluster = new FakeCluster();
    cluster.seed(CM, cm("doomed", { last: "words" }));
    const calls: string[] = [];
    let failOnce = true;
    const { stop, run } = start(cluster, (o, ctx: ReconcileContext<ConfigMap>) => {
      calls.push(`${ctx.key} deleted=${ctx.deleted} ${o.data?.last}`);
      if (ctx.deleted && failOnce) {
        failOnce = false;
        throw new Error("cleanup failed");
      }
    });
    const running = run();
    await until("first", () => calls.length === 1);
    await cluster.send({ method: "DELETE", path: "/api/v1/namespaces/ns/configmaps/doomed" });
    await until("deleted twice", () => calls.length === 3);
    await new Promise((r) => setTimeout(r, 60));
    expect(calls).toEqual(["ns/doomed deleted=false words", "ns/doomed deleted=true words", "ns/doomed deleted=true words"]);
    stop.abort();
    await running;
  });

  it("owns(Kind) maps owned objects to their controller owner, watched as metadata only", async () => {
    const cluster = new FakeCluster();
    const owner = cluster.seed(CM, cm("owner"));
    const ownerRef = { apiVersion: "v1", kind: "ConfigMap", name: "owner", uid: owner.metadata!.uid!, controller: true };
    cluster.seed(SECRETS, { apiVersion: "v1", kind: "Secret", metadata: { name: "s1", namespace: "ns", ownerReferences: [ownerRef] } });
    const keys: string[] = [];
    const { stop, run } = start(cluster, (_o, ctx) => void keys.push(ctx.key));
    const ctl = controller(cluster, ConfigMap, (_o, ctx) => void keys.push(ctx.key), quick).owns(Secret);
    const running = ctl.run(stop.signal);
    void run;
    await until("owner", () => keys.length === 1);
    // A change to an owned object, a new owned object, and one owned by someone else (not a controller ref).
    await cluster.send({ method: "PATCH", path: "/api/v1/namespaces/ns/secrets/s1", headers: { "Content-Type": "application/merge-patch+json" }, body: '{"data":{"k":"dg=="}}' });
    await until("owner again", () => keys.length === 2);
    await cluster.send({ method: "POST", path: "/api/v1/namespaces/ns/secrets", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ metadata: { name: "other", ownerReferences: [{ ...ownerRef, controller: false }] } }) });
    await cluster.send({ method: "DELETE", path: "/api/v1/namespaces/ns/secrets/s1" });
    await until("owner a third time", () => keys.length === 3);
    await new Promise((r) => setTimeout(r, 30));
    expect(keys).toEqual(["ns/owner", "ns/owner", "ns/owner"]);
    const secretLists = cluster.requests.filter((r) => r.path === "/api/v1/secrets" && !r.query?.watch);
    expect(secretLists.length).toBeGreaterThan(0);
    stop.abort();
    await running;
    void METADATA_LIST_ACCEPT;
  });

  it("watches(Kind, mapper) maps any object to keys; a throwing mapper is reported, not fatal", async () => {
    const cluster = new FakeCluster();
    cluster.seed(CM, cm("x", {}, "team-a"));
    cluster.seed(CM, cm("y", {}, "team-b"));
    cluster.seed("/api/v1/namespaces", { apiVersion: "v1", kind: "Namespace", metadata: { name: "team-a", labels: { mirror: "yes" } } });
    const keys: string[] = [];
    const errors: string[] = [];
    const stop = new AbortController();
    stops.push(stop);
    const ctl = controller(cluster, ConfigMap, (_o, ctx) => void keys.push(ctx.key), { ...quick, onError: (e) => errors.push(e.message) }).watches(Namespace, (ns, configMaps) => {
      if (ns.metadata?.labels?.explode) throw new Error("mapper exploded");
      // The controller's own cache, to find what refers to the namespace: here its ConfigMaps, plus a fixed key.
      return [...configMaps.list({ namespace: ns.metadata!.name! }).map((c) => ({ name: c.metadata!.name!, namespace: c.metadata!.namespace })), "team-b/y"];
    });
    const running = ctl.run(stop.signal);
    await until("initial", () => keys.length >= 2);
    keys.length = 0;
    await cluster.send({ method: "PATCH", path: "/api/v1/namespaces/team-a", headers: { "Content-Type": "application/merge-patch+json" }, body: '{"metadata":{"labels":{"mirror":"no"}}}' });
    await until("mapped", () => keys.length === 2);
    expect(keys.sort()).toEqual(["team-a/x", "team-b/y"]);
    await cluster.send({ method: "PATCH", path: "/api/v1/namespaces/team-a", headers: { "Content-Type": "application/merge-patch+json" }, body: '{"metadata":{"labels":{"explode":"1"}}}' });
    await until("error", () => errors.length > 0);
    expect(errors[0]).toBe("mapper exploded");
    stop.abort();
    await running;
  });

  it("reconciles different keys concurrently up to `concurrency`", async () => {
    const cluster = new FakeCluster();
    for (const n of ["a", "b", "c", "d", "e"]) cluster.seed(CM, cm(n));
    let active = 0;
    let peak = 0;
    const { stop, run } = start(
      cluster,
      async () => {
        peak = Math.max(peak, ++active);
        await new Promise((r) => setTimeout(r, 20));
        active--;
      },
      { concurrency: 3 },
    );
    const running = run();
    await new Promise((r) => setTimeout(r, 150));
    expect(peak).toBe(3);
    stop.abort();
    await running;
  });

  it("on abort: takes no new keys, drains in-flight within the deadline, then aborts them and stops its watches", async () => {
    const cluster = new FakeCluster();
    for (const n of ["slow", "slower", "queued"]) cluster.seed(CM, cm(n));
    const events: string[] = [];
    const { ctl, stop, run } = start(
      cluster,
      async (_o, ctx) => {
        events.push(`start ${ctx.key}`);
        const ms = ctx.key === "ns/slow" ? 30 : 5_000;
        await new Promise<void>((resolve) => {
          const onAbort = (): void => (clearTimeout(t), events.push(`aborted ${ctx.key}`), resolve());
          const t = setTimeout(() => (ctx.signal.removeEventListener("abort", onAbort), resolve()), ms);
          ctx.signal.addEventListener("abort", onAbort, { once: true });
        });
        events.push(`end ${ctx.key}`);
      },
      { concurrency: 2 },
    );
    const running = run(100);
    await until("two started", () => events.length === 2);
    const t0 = performance.now();
    stop.abort();
    await running;
    const took = performance.now() - t0;
    expect(events.slice(0, 2).sort()).toEqual(["start ns/slow", "start ns/slower"]);
    expect(events.slice(2)).toEqual(["end ns/slow", "aborted ns/slower", "end ns/slower"]);
    expect(took).toBeGreaterThanOrEqual(90);
    expect(events).not.toContain("start ns/queued");
    expect(ctl.stats.inFlight).toBe(0);
    // The watches are closed: a change now reaches nobody.
    const before = events.length;
    await cluster.send({ method: "PATCH", path: "/api/v1/namespaces/ns/configmaps/queued", headers: { "Content-Type": "application/merge-patch+json" }, body: '{"data":{"a":"b"}}' });
    await new Promise((r) => setTimeout(r, 20));
    expect(events.length).toBe(before);
  });

  it("stats as an object and as OpenMetrics text", async () => {
    const cluster = new FakeCluster();
    cluster.seed(CM, cm("a"));
    cluster.seed(CM, cm("bad"));
    const { ctl, stop, run } = start(cluster, (_o, ctx) => {
      if (ctx.key === "ns/bad" && ctx.retries === 0) throw new Error("once");
      return ctx.key === "ns/a" && ctx.retries === 0 ? undefined : undefined;
    }, { name: 'my "ctl"' });
    const running = run();
    await until("three reconciles", () => ctl.stats.reconciles === 3);
    stop.abort();
    await running;
    const stats = ctl.stats;
    expect(stats).toMatchObject({ reconciles: 3, successes: 2, errors: 1, requeues: 0, queueDepth: 0, delayed: 0, inFlight: 0 });
    expect(stats.adds).toBeGreaterThanOrEqual(3);
    expect(stats.duration.count).toBe(3);
    expect(stats.duration.buckets.at(-1)!.count).toBe(3);
    const text = ctl.metrics();
    const lines = text.trimEnd().split("\n");
    expect(lines.at(-1)).toBe("# EOF");
    expect(lines).toContain('bun_k8s_controller_reconcile_total{controller="my \\"ctl\\"",result="error"} 1');
    expect(lines).toContain('bun_k8s_controller_reconcile_total{controller="my \\"ctl\\"",result="success"} 2');
    expect(lines).toContain('bun_k8s_controller_reconcile_time_seconds_count{controller="my \\"ctl\\""} 3');
    expect(lines).toContain('bun_k8s_workqueue_depth{controller="my \\"ctl\\""} 0');
    // Every sample belongs to a family declared before it, counters end in _total, buckets are cumulative.
    const declared = new Map<string, string>();
    let lastBucket = -1;
    for (const line of lines.slice(0, -1)) {
      const type = /^# TYPE (\S+) (\S+)$/.exec(line);
      if (type) {
        declared.set(type[1]!, type[2]!);
        lastBucket = -1;
        continue;
      }
      if (line.startsWith("# HELP ")) continue;
      const sample = /^([a-z0-9_]+)\{[^}]*\} (\S+)$/.exec(line);
      expect(sample, line).not.toBeNull();
      const name = sample![1]!;
      const family = [...declared.keys()].filter((f) => name === f || name.startsWith(`${f}_`)).sort((a, b) => b.length - a.length)[0];
      expect(family, line).toBeDefined();
      if (declared.get(family!) === "counter") expect(name, line).toBe(`${family}_total`);
      if (name.endsWith("_bucket")) {
        expect(Number(sample![2])).toBeGreaterThanOrEqual(lastBucket);
        lastBucket = Number(sample![2]);
      }
    }
  });

  it("refuses a bad concurrency and a namespace for a cluster-scoped kind", () => {
    const cluster = new FakeCluster();
    expect(() => controller(cluster, ConfigMap, () => undefined, { concurrency: 0 })).toThrow(/concurrency/);
    expect(() => controller(cluster, Namespace, () => undefined, { namespace: "x" })).toThrow(/cluster-scoped/);
  });
});
