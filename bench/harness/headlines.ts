/**
 * The headline figures: which metric of which case the table, the ratios and the chart
 * show, and which direction is better.
 */
import type { BenchResults } from "./results-types.ts";
import type { Summary } from "./stats.ts";

export interface Headline {
  case: string;
  metric: string;
  label: string;
  better: "lower" | "higher";
  /** How spread is shown beside the median: the p99 (many samples) or min–max (few). */
  spread: "p99" | "range";
}

export const HEADLINES: Headline[] = [
  { case: "cold-start", metric: "total", label: "Cold start: spawn → namespaces listed", better: "lower", spread: "range" },
  { case: "cold-start", metric: "import", label: "Cold start: import alone", better: "lower", spread: "range" },
  { case: "sequential-get", metric: "latency", label: "Sequential GET: latency", better: "lower", spread: "p99" },
  { case: "sequential-get", metric: "rps", label: "Sequential GET: throughput", better: "higher", spread: "range" },
  { case: "sequential-get", metric: "cpu", label: "Sequential GET: client CPU per request", better: "lower", spread: "range" },
  { case: "concurrent-get", metric: "rps", label: "Concurrent GET (32 in flight)", better: "higher", spread: "range" },
  { case: "concurrent-get", metric: "cpu", label: "Concurrent GET: client CPU per request", better: "lower", spread: "range" },
  { case: "list", metric: "time", label: "LIST ConfigMaps: time", better: "lower", spread: "range" },
  { case: "list", metric: "peakRss", label: "LIST ConfigMaps: peak RSS of the process", better: "lower", spread: "range" },
  { case: "list", metric: "rssBefore", label: "LIST ConfigMaps: RSS before the first LIST", better: "lower", spread: "range" },
  { case: "create-delete", metric: "ops", label: "Create + delete (16 in flight)", better: "higher", spread: "range" },
  { case: "create-delete", metric: "cpu", label: "Create + delete: client CPU per operation", better: "lower", spread: "range" },
  { case: "sequential-get+hog", metric: "latency", label: "Sequential GET, 2 busy loops running: latency", better: "lower", spread: "p99" },
  { case: "sequential-get+hog", metric: "cpu", label: "Sequential GET, 2 busy loops running: client CPU per request", better: "lower", spread: "range" },
  { case: "concurrent-get+hog", metric: "rps", label: "Concurrent GET, 2 busy loops running", better: "higher", spread: "range" },
  { case: "create-delete+hog", metric: "ops", label: "Create + delete, 2 busy loops running", better: "higher", spread: "range" },
  { case: "watch", metric: "rate", label: "Watch: events per second", better: "higher", spread: "range" },
  { case: "informer", metric: "heap", label: "Informer: heap for the cache", better: "lower", spread: "range" },
  { case: "informer", metric: "sync", label: "Informer: time to synced", better: "lower", spread: "range" },
  { case: "informer", metric: "clientCpu", label: "Informer: client CPU to synced", better: "lower", spread: "range" },
  { case: "informer", metric: "serverCpu", label: "Informer: API server CPU while it syncs", better: "lower", spread: "range" },
  { case: "informer-transformed", metric: "heap", label: "Informer, managedFields dropped: heap", better: "lower", spread: "range" },
  { case: "informer-transformed", metric: "sync", label: "Informer, managedFields dropped: time to synced", better: "lower", spread: "range" },
  { case: "informer-metadata", metric: "heap", label: "Informer, metadata only: heap", better: "lower", spread: "range" },
  { case: "informer-metadata", metric: "sync", label: "Informer, metadata only: time to synced", better: "lower", spread: "range" },
  { case: "informer-metadata-transformed", metric: "heap", label: "Informer, metadata only, managedFields dropped: heap", better: "lower", spread: "range" },
  { case: "informer-list", metric: "heap", label: "Informer, one unpaged list then watch: heap", better: "lower", spread: "range" },
  { case: "informer-list", metric: "sync", label: "Informer, one unpaged list then watch: time to synced", better: "lower", spread: "range" },
  { case: "informer-list", metric: "clientCpu", label: "Informer, one unpaged list then watch: client CPU to synced", better: "lower", spread: "range" },
  { case: "informer-list", metric: "serverCpu", label: "Informer, one unpaged list then watch: API server CPU", better: "lower", spread: "range" },
  { case: "reconcile", metric: "noop", label: "Controller: no-op reconciles after sync", better: "higher", spread: "range" },
  { case: "reconcile", metric: "get", label: "Controller: reconciles with one GET each (16 workers)", better: "higher", spread: "range" },
];

/** The summary behind a headline for one contender, or why there is none. */
export function headlineValue(results: BenchResults, h: Headline, contenderId: string): Summary | { error: string; notApplicable: boolean } | undefined {
  const r = results.cases[h.case]?.[contenderId];
  if (!r) return undefined;
  if (!r.ok) return { error: r.error, notApplicable: r.notApplicable === true };
  return r.metrics[h.metric];
}

/** bun-k8s's cost over the other's (time, memory, or inverse throughput): below 1 bun-k8s is cheaper. */
export function costRatio(h: Headline, ours: number, theirs: number): number {
  return h.better === "lower" ? ours / theirs : theirs / ours;
}
