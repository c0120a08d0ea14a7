/**
 * Fault drills for the watcher and the informer against the real control plane (issue 5,
 * "Fault tests"). In each, a writer creates, updates and deletes N ConfigMaps while a fault
 * is injected; afterwards the informer's cache must equal a fresh list (uids and
 * resourceVersions), the last event seen for every object must be its final state, and no
 * event may be duplicated or replayed (see test/support/watch-drill.ts). The watchers'
 * stats must show that the fault really hit them. One summary line per drill is printed.
 *
 * Faults: etcd compaction past the watchers' resourceVersion while they are held off
 * (410 Gone), a kube-apiserver restart mid-watch, random connection resets and mid-line
 * cuts from a loopback proxy, and a stalled stream (the idle window must reconnect).
 *
 * The restarts go through the launcher's control endpoint, so this file needs the local
 * control plane. It leaves kube-apiserver running with its default compaction interval.
 */
import { afterAll, beforeAll, describe, expect, inject, test } from "vitest";
import type { Connection } from "../../src/connection/types.ts";
import { ApiError, isGone } from "../../src/base/errors.ts";
import { lineBatches } from "../../src/transport/line-decoder.ts";
import type { ListWatchClient } from "../../src/api/client-types.ts";
import type { ConfigMap } from "../../generated/k8s/core/v1/index.ts";
import type { WatcherStats } from "../../src/runtime/watcher-events.ts";
import { mulberry32 } from "../support/configmap-writer.ts";
import type { FaultProxy } from "../support/fault-proxy.ts";
import { call, configMapsIn, connectAs, connectThroughProxy, controlApiserver, isCompacted, pause, removeNamespace, scratchNamespace } from "../support/watch-cluster.ts";
import { runDrill, type DrillResult } from "../support/watch-drill.ts";

const cluster = inject("cluster");
const OBJECTS = Number(process.env.BUN_K8S_DRILL_OBJECTS ?? 2000);
/** Writer pace: a drill's writing takes about 10 s, long enough to land faults in the middle. */
const OPS_PER_SECOND = 500;
const DRILL_TIMEOUT = 180_000;

let admin: Connection;
let ns: string;
/** The API server runs with a non-default compaction interval that must be restored. */
let compactionChanged = false;
const closers: (() => unknown)[] = [];

beforeAll(async () => {
  admin = await connectAs("admin");
  ns = await scratchNamespace(admin, "watch-faults");
});

afterAll(async () => {
  for (const close of closers) await close();
  if (compactionChanged) await controlApiserver("restart", { etcdCompactionInterval: "5m" });
  await removeNamespace(admin, ns);
  admin.close();
});

async function proxied(...args: Parameters<typeof connectThroughProxy>): Promise<{ proxy: FaultProxy; conn: Connection }> {
  const made = await connectThroughProxy(...args);
  closers.push(() => made.conn.close(), () => made.proxy.close());
  return made;
}

/** The pass criteria shared by every drill. */
function expectNothingLost(r: DrillResult): void {
  expect(r.writer.created).toBe(OBJECTS);
  expect(r.verdict.lost, "objects whose last event is not their final state").toEqual([]);
  expect(r.cacheMismatches, "informer cache entries that differ from a fresh list").toEqual([]);
  expect(r.anomalies).toEqual({ duplicateAdds: 0, replayed: 0, deletedUnknown: 0, modifiedUnknown: 0 });
  expect(r.lost).toBe(0);
}

const both = (r: DrillResult): WatcherStats[] => [r.watcherStats, r.informerStats];

describe.runIf(cluster.controlUrl !== undefined)(`watch fault drills, ${OBJECTS} objects each`, () => {
  test("410 Gone: etcd compacts past the watchers' resourceVersion while they are held off", { timeout: DRILL_TIMEOUT }, async () => {
    let held = false;
    const { proxy, conn } = await proxied(() => (held ? { kind: "drop" } : undefined));
    let gone: unknown;
    let goneLine: unknown;
    let vanished: string[] = [];
    const result = await runDrill({
      name: "410 Gone after compaction",
      writerConn: admin,
      watchConn: conn,
      namespace: ns,
      objects: OBJECTS,
      opsPerSecond: OPS_PER_SECOND,
      inject: async (ctx) => {
        await ctx.at(0.2);
        held = true;
        proxy.resetAll();
        await pause(300);
        const awayAt = ctx.watcher.resourceVersion!;
        const heldSince = performance.now();
        // A restart also empties the watch cache, which would otherwise serve the old version.
        compactionChanged = true;
        await controlApiserver("restart", { etcdCompactionInterval: "3s" });
        const deadline = Date.now() + 30_000;
        while (!(await isCompacted(configMapsIn(admin, ctx.namespace), awayAt))) {
          if (Date.now() > deadline) throw new Error(`etcd did not compact past ${awayAt} within 30 s`);
          await pause(500);
        }
        gone = await firstWatchError(configMapsIn(admin, ctx.namespace), awayAt);
        goneLine = await firstRawLine(admin, ctx.path, awayAt);
        // Objects the consumers hold and the writer is done with, deleted while they are away:
        // the relist must report each of them as a resync DELETED.
        const known = ctx.progress.settled.filter((name) => ctx.informer.store.get(name, ns) !== undefined);
        vanished = known.slice(0, 100);
        for (const name of vanished) await call(admin, "DELETE", `${ctx.path}/${name}`);
        await ctx.at(0.6);
        held = false;
        const seconds = ((performance.now() - heldSince) / 1000).toFixed(1);
        return {
          faults: 1,
          detail: `watchers held off ${seconds} s across a restart with --etcd-compaction-interval=3s; rv ${awayAt} compacted; ${vanished.length} known objects deleted meanwhile`,
        };
      },
    });
    expect(gone).toBeInstanceOf(ApiError);
    expect(isGone(gone)).toBe(true);
    expect((gone as ApiError).code).toBe(410);
    // On the wire it was an ERROR event inside a 200 stream, which watch() turned into the ApiError.
    expect(goneLine).toMatchObject({ type: "ERROR", object: { kind: "Status", code: 410 } });
    expectNothingLost(result);
    for (const stats of both(result)) {
      expect(stats.gone).toBeGreaterThan(0);
      expect(stats.relists).toBeGreaterThan(0);
    }
    // The relist told the consumers which objects disappeared while they were away.
    expect(vanished).toHaveLength(100);
    for (const name of vanished) expect(result.ledger.last.get(`${ns}/${name}`)).toMatchObject({ type: "DELETED", resync: true });
    expect(result.resyncDeletes.watcher).toBeGreaterThanOrEqual(vanished.length);
    expect(result.resyncDeletes.informer).toBeGreaterThanOrEqual(vanished.length);
  });

  test("kube-apiserver restart mid-watch", { timeout: DRILL_TIMEOUT }, async () => {
    const conn = await connectAs("admin");
    closers.push(() => conn.close());
    const result = await runDrill({
      name: "apiserver restart",
      writerConn: admin,
      watchConn: conn,
      namespace: ns,
      objects: OBJECTS,
      opsPerSecond: OPS_PER_SECOND,
      inject: async (ctx) => {
        await ctx.at(0.3);
        const started = performance.now();
        // This restart also puts the compaction interval back to kube-apiserver's default.
        await controlApiserver("restart", { etcdCompactionInterval: "5m" });
        compactionChanged = false;
        return { faults: 1, detail: `kube-apiserver restarted in ${((performance.now() - started) / 1000).toFixed(1)} s` };
      },
    });
    expectNothingLost(result);
    for (const stats of both(result)) expect(stats.reconnects).toBeGreaterThan(0);
  });

  test("random connection resets, and streams cut mid-line (reset, or ended cleanly)", { timeout: DRILL_TIMEOUT }, async () => {
    const random = mulberry32(42);
    let armed = false;
    let k = 0;
    const { proxy, conn } = await proxied((req) => {
      if (!armed || !req.url.includes("watch=true")) return undefined;
      switch (k++ % 4) {
        case 0:
          return { kind: "forward", resetAfterBytes: 1 + Math.floor(random() * 40_000) };
        case 1:
          return { kind: "forward", cutAfterLines: Math.floor(random() * 60), cutMode: "reset" };
        case 2:
          return { kind: "forward", cutAfterLines: Math.floor(random() * 60), cutMode: "end" };
        default:
          return undefined;
      }
    });
    let blips = 0;
    const result = await runDrill({
      name: "random resets and mid-line cuts",
      writerConn: admin,
      watchConn: conn,
      namespace: ns,
      objects: OBJECTS,
      opsPerSecond: OPS_PER_SECOND,
      inject: async (ctx) => {
        await ctx.at(0.05);
        armed = true;
        let writing = true;
        void ctx.writer.finally(() => (writing = false));
        // Besides the planned faults, whole-connection blips at random moments.
        while (writing) {
          blips += proxy.resetAll();
          await pause(300 + random() * 1200);
        }
        armed = false;
        const f = proxy.faults();
        return { faults: (f.reset ?? 0) + (f["cut-reset"] ?? 0) + (f["cut-end"] ?? 0) + blips, detail: `${JSON.stringify(f)}, ${blips} socket blips` };
      },
    });
    const faults = proxy.faults();
    expect(faults.reset).toBeGreaterThan(0);
    expect(faults["cut-reset"]).toBeGreaterThan(0);
    expect(faults["cut-end"]).toBeGreaterThan(0);
    expectNothingLost(result);
    for (const stats of both(result)) expect(stats.reconnects).toBeGreaterThan(5);
    // A stream that ended inside a line was reported, not half-applied.
    expect(result.errorKinds.DecodeError).toBeGreaterThan(0);
  });

  test("a stalled stream: the idle window gives up on it and reconnects", { timeout: DRILL_TIMEOUT }, async () => {
    let stalls = 0;
    const random = mulberry32(7);
    const { proxy, conn } = await proxied((req) => {
      if (stalls <= 0 || !req.url.includes("watch=true")) return undefined;
      stalls--;
      return { kind: "forward", stallAfterBytes: Math.floor(random() * 3000), stallMs: 6_000 };
    });
    const result = await runDrill({
      name: "stalled streams",
      writerConn: admin,
      watchConn: conn,
      namespace: ns,
      objects: OBJECTS,
      opsPerSecond: OPS_PER_SECOND,
      watcherOptions: { idleTimeoutMs: 2_000 },
      inject: async (ctx) => {
        await ctx.at(0.1);
        stalls = 6;
        // Make both consumers open new watches, which the plan then stalls.
        proxy.resetAll();
        await ctx.writer;
        stalls = 0;
        return { faults: proxy.faults().stalled ?? 0, detail: `stalled 6 s after 0-3 KB, idle window 2 s` };
      },
    });
    expect(proxy.faults().stalled).toBeGreaterThanOrEqual(2);
    expectNothingLost(result);
    for (const stats of both(result)) {
      expect(stats.idleTimeouts).toBeGreaterThan(0);
      expect(stats.reconnects).toBeGreaterThan(0);
    }
  });
});

/** Opens a watch from `resourceVersion` and returns what it throws (undefined if it delivers anything). */
async function firstWatchError(client: ListWatchClient<ConfigMap>, resourceVersion: string): Promise<unknown> {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), 10_000);
  try {
    for await (const _ of client.watch({ resourceVersion, signal: controller.signal })) return undefined;
    return undefined;
  } catch (error) {
    return error;
  } finally {
    clearTimeout(timer);
    controller.abort();
  }
}

/** The first line of a raw watch stream from `resourceVersion`, parsed. */
async function firstRawLine(conn: Connection, path: string, resourceVersion: string): Promise<unknown> {
  const controller = new AbortController();
  const res = await conn.send({ method: "GET", path, query: { watch: true, resourceVersion } }, { stream: true, signal: controller.signal });
  try {
    for await (const lines of lineBatches(res.stream())) return JSON.parse(lines[0]!);
    return undefined;
  } finally {
    controller.abort();
  }
}
