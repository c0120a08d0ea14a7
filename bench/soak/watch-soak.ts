/**
 * Watch soak (issue 5, "Load"): 100 concurrent watchers on ONE client stay healthy for a
 * run of minutes while writers change objects. Not a CI test: a script that reports.
 *
 *   npx bun bench/soak/watch-soak.ts [--minutes 2.5] [--watches 100] [--namespaces 10]
 *                                    [--ops 100] [--timeout-seconds 60] [--kubeconfig FILE]
 *   node (via vitest):  BUN_K8S_SOAK_MINUTES=2.5 npx vitest run --config bench/soak/vitest.config.ts
 *
 * Without --kubeconfig it starts its own local control plane (test/controlplane). Watchers
 * are spread over the namespaces, half with a label selector; each runs server-side timeouts
 * of --timeout-seconds, so every watcher reconnects several times during the run. A line of
 * health figures is printed every 10 s. At the end the writers stop, a marker is written in
 * each namespace, and every watcher's view must equal a fresh list of its namespace.
 *
 * Healthy means: no event lost (every watcher converged to the fresh list), no watcher went
 * silent for a whole report interval while its namespace was being written, no duplicated or
 * replayed events.
 */
import { ConfigMap } from "../../generated/k8s/core/v1/index.ts";
import { api } from "../../src/api/client.ts";
import { loadConfig } from "../../src/config/index.ts";
import { createConnection } from "../../src/connection/connection.ts";
import type { Connection } from "../../src/connection/types.ts";
import { ExponentialBackoff, ResetTimerBackoff } from "../../src/base/backoff.ts";
import { watcher } from "../../src/runtime/watcher.ts";
import type { Watcher, WatcherStats } from "../../src/runtime/watcher-events.ts";
import { ControlPlane } from "../../test/controlplane/launcher.ts";
import { startWriter } from "../../test/support/configmap-writer.ts";
import { verify, WatchLedger } from "../../test/support/watch-ledger.ts";
import { soakNamespaces, freshList, type SoakNamespaces } from "./soak-cluster.ts";

export interface SoakOptions {
  minutes: number;
  watches: number;
  namespaces: number;
  /** Writer requests per second, all namespaces together. */
  ops: number;
  /** Server-side lifetime of each watch request. */
  timeoutSeconds: number;
  kubeconfig?: string;
  log?: (line: string) => void;
}

export interface SoakReport {
  runtime: string;
  minutes: number;
  watches: number;
  events: number;
  eventsPerSecond: number;
  writes: number;
  reconnects: number;
  relists: number;
  errors: number;
  idleTimeouts: number;
  /** Longest stretch (report intervals) any watcher went without an event while writers ran. */
  silentIntervals: number;
  lost: number;
  anomalies: number;
  /** Seconds from writing the markers until all watchers had them. */
  convergeSeconds: number;
  memory: { rssStartMiB: number; rssPeakMiB: number; rssEndMiB: number; heapEndMiB: number };
  healthy: boolean;
}

const REPORT_EVERY_MS = 10_000;
const mib = (bytes: number) => Math.round(bytes / 1048576);

/** Runs the soak and returns its figures. @example const report = await runSoak({ minutes: 2, watches: 100, namespaces: 10, ops: 100, timeoutSeconds: 60 }); */
export async function runSoak(options: SoakOptions): Promise<SoakReport> {
  const log = options.log ?? ((line: string) => console.log(line));
  const runtime = typeof (globalThis as { Bun?: unknown }).Bun !== "undefined" ? "bun" : "node";
  let plane: ControlPlane | undefined;
  let kubeconfig = options.kubeconfig;
  if (!kubeconfig) {
    log("starting a local control plane ...");
    plane = await ControlPlane.start({ installFluxCrds: false, log: (l) => log(`[controlplane] ${l}`) });
    kubeconfig = plane.info.kubeconfigs.admin;
  }
  const conn = createConnection(await loadConfig({ kubeconfigPath: kubeconfig }));
  const stop = new AbortController();
  let spaces: SoakNamespaces | undefined;
  try {
    spaces = await soakNamespaces(conn, options.namespaces);
    const rssStart = process.memoryUsage().rss;
    let rssPeak = rssStart;
    const watchers: { w: Watcher<ConfigMap>; ledger: WatchLedger<ConfigMap>; ns: string; lastEvents: number; silent: number; maxSilent: number }[] = [];
    for (let i = 0; i < options.watches; i++) {
      const ns = spaces.names[i % spaces.names.length]!;
      const w = watcher(api(conn, ConfigMap, { namespace: ns }), {
        ...(i % 2 === 1 ? { labelSelector: "soak=yes" } : {}),
        timeoutSeconds: options.timeoutSeconds,
        backoff: new ResetTimerBackoff(new ExponentialBackoff({ initialMs: 200, maxMs: 5000 }), 30_000),
        signal: stop.signal,
      });
      watchers.push({ w, ledger: new WatchLedger(w), ns, lastEvents: 0, silent: 0, maxSilent: 0 });
    }
    const synced = performance.now();
    await Promise.all(watchers.map((x) => x.ledger.until(() => x.ledger.counts.synced > 0, 120_000, "the first list")));
    log(`${options.watches} watchers on one client synced in ${((performance.now() - synced) / 1000).toFixed(1)} s (mode ${watchers[0]!.w.mode})`);

    const started = performance.now();
    const durationMs = options.minutes * 60_000;
    const writerStop = new AbortController();
    const writers = spaces.names.map((ns, i) =>
      startWriter({
        conn,
        namespace: ns,
        count: 1_000_000,
        concurrency: 2,
        opsPerSecond: options.ops / spaces!.names.length,
        labels: { soak: "yes" },
        seed: i + 1,
        signal: writerStop.signal,
      }),
    );
    const writerEnds = writers.map((w) => w.done.catch((e: unknown) => e));
    const sum = (k: keyof WatcherStats) => watchers.reduce((n, x) => n + x.w.stats[k], 0);
    const events = () => watchers.reduce((n, x) => n + x.ledger.counts.events, 0);
    let lastEvents = 0;
    // The last interval may be short; one under a second is skipped so that silence means silence.
    while (durationMs - (performance.now() - started) >= 1000) {
      await new Promise((r) => setTimeout(r, Math.min(REPORT_EVERY_MS, durationMs - (performance.now() - started))));
      for (const x of watchers) {
        const now = x.ledger.counts.events;
        x.silent = now === x.lastEvents ? x.silent + 1 : 0;
        x.maxSilent = Math.max(x.maxSilent, x.silent);
        x.lastEvents = now;
      }
      const rss = process.memoryUsage().rss;
      rssPeak = Math.max(rssPeak, rss);
      const total = events();
      const seconds = (performance.now() - started) / 1000;
      log(
        `t=${seconds.toFixed(0).padStart(4)} s  events ${total} (+${total - lastEvents})  writes ${writers.reduce((n, w) => n + w.progress.finished, 0)} objects  ` +
          `reconnects ${sum("reconnects")}  relists ${sum("relists")}  errors ${sum("errors")}  silent watchers ${watchers.filter((x) => x.silent > 0).length}  ` +
          `rss ${mib(rss)} MiB  heap ${mib(process.memoryUsage().heapUsed)} MiB`,
      );
      lastEvents = total;
    }
    writerStop.abort();
    await Promise.all(writerEnds);
    const writes = writers.reduce((n, w) => n + w.progress.finished, 0);

    // Converge: a marker per namespace, then every watcher must hold it and match a fresh list.
    const markerAt = performance.now();
    const markers = await Promise.all(spaces.names.map((ns) => spaces!.mark(ns)));
    const markerRv = new Map(spaces.names.map((ns, i) => [ns, markers[i]!]));
    await Promise.all(
      watchers.map((x) => x.ledger.until(() => x.ledger.replica.get(`${x.ns}/soak-marker`)?.resourceVersion === markerRv.get(x.ns), 120_000, "the marker")),
    );
    const convergeSeconds = (performance.now() - markerAt) / 1000;
    let lost = 0;
    let anomalies = 0;
    const truths = new Map(
      await Promise.all(spaces.names.map(async (ns) => [ns, { all: await freshList(conn, ns), labelled: await freshList(conn, ns, "soak=yes") }] as const)),
    );
    for (const [i, x] of watchers.entries()) {
      const truth = truths.get(x.ns)!;
      const expected = i % 2 === 1 ? truth.labelled : truth.all;
      lost += verify(x.ledger, expected, expected.keys()).lost.length;
      anomalies += Object.values(x.ledger.anomalies).reduce((a, b) => a + b, 0);
    }
    const seconds = (performance.now() - started) / 1000;
    const report: SoakReport = {
      runtime,
      minutes: Number((seconds / 60).toFixed(2)),
      watches: options.watches,
      events: events(),
      eventsPerSecond: Math.round(events() / seconds),
      writes,
      reconnects: sum("reconnects"),
      relists: sum("relists"),
      errors: sum("errors"),
      idleTimeouts: sum("idleTimeouts"),
      silentIntervals: Math.max(...watchers.map((x) => x.maxSilent)),
      lost,
      anomalies,
      convergeSeconds: Number(convergeSeconds.toFixed(2)),
      memory: {
        rssStartMiB: mib(rssStart),
        rssPeakMiB: mib(rssPeak),
        rssEndMiB: mib(process.memoryUsage().rss),
        heapEndMiB: mib(process.memoryUsage().heapUsed),
      },
      healthy: false,
    };
    report.healthy = report.lost === 0 && report.anomalies === 0 && report.silentIntervals === 0;
    log(`[watch-soak:${runtime}] ${JSON.stringify(report)}`);
    return report;
  } finally {
    stop.abort();
    if (spaces) await spaces.remove();
    conn.close();
    if (plane) await plane.stop();
  }
}

function parseArgs(argv: string[]): SoakOptions {
  const value = (name: string, fallback: string) => {
    const i = argv.indexOf(`--${name}`);
    return i !== -1 && argv[i + 1] !== undefined ? argv[i + 1]! : fallback;
  };
  const kubeconfig = value("kubeconfig", "");
  return {
    minutes: Number(value("minutes", "2.5")),
    watches: Number(value("watches", "100")),
    namespaces: Number(value("namespaces", "10")),
    ops: Number(value("ops", "100")),
    timeoutSeconds: Number(value("timeout-seconds", "60")),
    ...(kubeconfig ? { kubeconfig } : {}),
  };
}

if (process.argv[1]?.endsWith("watch-soak.ts")) {
  const report = await runSoak(parseArgs(process.argv.slice(2)));
  process.exit(report.healthy ? 0 : 1);
}
