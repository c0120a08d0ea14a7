/**
 * One watch fault drill: an informer and a plain watcher follow a namespace of ConfigMaps
 * while a writer creates, updates and deletes N of them and the test injects its fault.
 * The informer gets its state by streaming list and the watcher by paged list + watch, so
 * both ways go through every fault.
 * When the writer is done, a marker object is written; once both consumers have seen it,
 * their state is compared with a fresh list:
 * - the informer's cache holds exactly the listed objects, same uids and resourceVersions;
 * - for every object, the last event the watcher delivered is its final state (DELETED for
 *   objects that are gone);
 * - no event was duplicated, replayed or orphaned (see WatchLedger's anomalies).
 */
import type { ConfigMap } from "../../generated/k8s/core/v1/index.ts";
import type { Connection } from "../../src/connection/types.ts";
import { ExponentialBackoff, ResetTimerBackoff } from "../../src/base/backoff.ts";
import { informer, type Informer } from "../../src/runtime/informer.ts";
import { watcher, type WatcherOptions } from "../../src/runtime/watcher.ts";
import type { Watcher, WatcherStats } from "../../src/runtime/watcher-events.ts";
import { startWriter, untilProgress, type WriterProgress, type WriterReport } from "./configmap-writer.ts";
import { call, configMapsIn, listTruth, runtime } from "./watch-cluster.ts";
import { verify, WatchLedger, type Anomalies, type Verdict } from "./watch-ledger.ts";

export interface DrillContext {
  path: string;
  namespace: string;
  progress: WriterProgress;
  writer: Promise<WriterReport>;
  /** Resolves when the writer has finished this share (0..1) of its objects. */
  at(share: number): Promise<void>;
  watcher: Watcher<ConfigMap>;
  informer: Informer<ConfigMap>;
}

export interface DrillOptions {
  name: string;
  /** The writer's connection (direct to the API server). */
  writerConn: Connection;
  /** The consumers' connection (direct, or through a fault proxy). */
  watchConn: Connection;
  namespace: string;
  objects: number;
  opsPerSecond: number;
  watcherOptions?: Partial<WatcherOptions>;
  /** Injects the faults while the writer runs; resolves with how many it injected. */
  inject: (ctx: DrillContext) => Promise<{ faults: number; detail: string }>;
}

export interface DrillResult {
  summary: string;
  faults: number;
  writer: WriterReport;
  watcherStats: WatcherStats;
  informerStats: WatcherStats;
  anomalies: Anomalies;
  verdict: Verdict;
  /** Keys where the informer's cache and the fresh list disagree. */
  cacheMismatches: string[];
  /** Events lost: wrong or missing final states, in the watcher's events or the informer's cache. */
  lost: number;
  resyncDeletes: { watcher: number; informer: number };
  errorKinds: Record<string, number>;
  /** What the plain watcher's consumer saw. */
  ledger: WatchLedger<ConfigMap>;
}

/**
 * Runs one drill and prints one summary line.
 *
 * @example const r = await runDrill({ name: "random resets", ..., inject: async (ctx) => { ...; return { faults: 3, detail: "3 resets" }; } });
 */
export async function runDrill(options: DrillOptions): Promise<DrillResult> {
  const started = performance.now();
  const path = `/api/v1/namespaces/${options.namespace}/configmaps`;
  // Names are unique per drill, so drills can share a namespace without meeting old objects.
  const prefix = `d${Date.now().toString(36)}`;
  const run = `${options.name.replace(/[^a-z0-9]+/gi, "-").toLowerCase().slice(0, 40)}-${prefix}`;
  const labels = { "bun-k8s.test/drill": run };
  const labelSelector = `bun-k8s.test/drill=${run}`;
  const stop = new AbortController();
  // Quick retries, so that a drill with many faults spends its time on faults, not on waiting.
  const backoff = () => new ResetTimerBackoff(new ExponentialBackoff({ initialMs: 100, maxMs: 1000 }), 5_000);
  const common = { labelSelector, signal: stop.signal, ...options.watcherOptions };
  const w = watcher(configMapsIn(options.watchConn, options.namespace), { streamingList: false, limit: 250, ...common, backoff: backoff() });
  const ledger = new WatchLedger(w);
  const inf = informer(configMapsIn(options.watchConn, options.namespace), { ...common, backoff: backoff() });
  const resyncDeletes = { watcher: 0, informer: 0 };
  inf.on("delete", (_cm, info) => info.resync && resyncDeletes.informer++);
  try {
    await ledger.until(() => ledger.counts.synced > 0, 30_000, "the watcher's first list");
    await inf.waitForSync({ timeoutMs: 30_000 });

    const { progress, done: writer } = startWriter({
      conn: options.writerConn,
      namespace: options.namespace,
      count: options.objects,
      opsPerSecond: options.opsPerSecond,
      labels,
      prefix,
      signal: stop.signal,
      seed: Number.parseInt(process.env.BUN_K8S_DRILL_SEED ?? "7", 10),
    });
    const ctx: DrillContext = {
      path,
      namespace: options.namespace,
      progress,
      writer,
      at: (share) => untilProgress(progress, Math.floor(share * options.objects), writer),
      watcher: w,
      informer: inf,
    };
    const [report, injected] = await Promise.all([writer, options.inject(ctx)]);

    // Everything written before the marker reaches a consumer before the marker does.
    const marker = await call<ConfigMap>(options.writerConn, "POST", path, { apiVersion: "v1", kind: "ConfigMap", metadata: { name: `${prefix}-marker`, labels } });
    const markerKey = `${options.namespace}/${prefix}-marker`;
    await inf.waitFor(markerKey, (cm) => cm.metadata?.resourceVersion === marker.metadata?.resourceVersion, { timeoutMs: 60_000 });
    await ledger.until(() => ledger.replica.get(markerKey)?.resourceVersion === marker.metadata?.resourceVersion, 60_000, "the marker");
    const truth = await listTruth(configMapsIn(options.writerConn, options.namespace), labelSelector);

    const cacheMismatches: string[] = [];
    for (const [key, final] of truth.objects) {
      const cached = inf.store.getByKey(key);
      if (cached?.metadata?.uid !== final.uid || cached.metadata?.resourceVersion !== final.resourceVersion) cacheMismatches.push(key);
    }
    for (const key of inf.store.keys()) if (!truth.objects.has(key)) cacheMismatches.push(key);
    const touched = [...report.names.map((n) => `${options.namespace}/${n}`), markerKey];
    const verdict = verify(ledger, truth.objects, touched);
    resyncDeletes.watcher = ledger.counts.resyncDeleted;
    const lost = verdict.lost.length + cacheMismatches.length;
    const ws = { ...w.stats };
    const is = { ...inf.stats };
    const pair = (k: keyof WatcherStats) => `${ws[k]}/${is[k]}`;
    const summary =
      `[watch-faults:${runtime}] ${options.name}: objects ${report.created} (${report.updated} updates, ${report.deleted} deletes, ` +
      `${report.retries} writer retries, ${report.seconds.toFixed(1)} s), faults ${injected.faults} (${injected.detail}), ` +
      `watcher/informer: mode ${w.mode}/${inf.mode}, reconnects ${pair("reconnects")}, relists ${pair("relists")}, 410s ${pair("gone")}, ` +
      `idle ${pair("idleTimeouts")}, errors ${pair("errors")}, events ${pair("events")}, resync deletes ${resyncDeletes.watcher}/${resyncDeletes.informer}, ` +
      `events lost ${lost}, final objects ${truth.objects.size}, ${((performance.now() - started) / 1000).toFixed(1)} s`;
    console.log(summary);
    return {
      summary,
      faults: injected.faults,
      writer: report,
      watcherStats: ws,
      informerStats: is,
      anomalies: { ...ledger.anomalies },
      verdict,
      cacheMismatches,
      lost,
      resyncDeletes,
      errorKinds: Object.fromEntries(ledger.errorKinds),
      ledger,
    };
  } finally {
    stop.abort();
    inf.stop();
    await ledger.done.catch(() => undefined);
  }
}
