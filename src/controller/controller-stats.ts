/**
 * What a controller counts: queue depth, keys in flight, reconciles by outcome and their
 * duration, as a plain object and as OpenMetrics text for a /metrics endpoint. Names follow
 * controller-runtime's (controller_runtime_reconcile_total, workqueue_depth, ...) with a
 * bun_k8s_ prefix, so dashboards built for Go controllers need only the prefix changed.
 */

/** Upper bounds (seconds) of the reconcile duration histogram. */
export const DURATION_BUCKETS_SECONDS: readonly number[] = [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];

/** Reconcile durations as a cumulative histogram (OpenMetrics buckets in seconds). */
export interface DurationHistogram {
  count: number;
  sumSeconds: number;
  /** Cumulative counts per upper bound (seconds), as OpenMetrics histograms are. */
  buckets: { le: number; count: number }[];
}

/** A controller's counters at one moment: queue depth, reconciles, errors, requeues and their durations. */
export interface ControllerStats {
  /** Keys ready to be reconciled. */
  queueDepth: number;
  /** Keys waiting for a backoff or a requeueAfter delay. */
  delayed: number;
  /** Reconciles running now. */
  inFlight: number;
  /** Keys added to the queue (duplicates included). */
  adds: number;
  /** Reconciles finished, by outcome. */
  reconciles: number;
  successes: number;
  errors: number;
  /** Successful reconciles that asked to run again after a delay. */
  requeues: number;
  /** Keys taken whose object was gone with no last state to hand over (nothing to reconcile). */
  skipped: number;
  duration: DurationHistogram;
}

/** Live queue figures, read at the time stats are taken. */
export interface QueueGauges {
  queueDepth: number;
  delayed: number;
  inFlight: number;
  adds: number;
}

export class StatsCounter {
  reconciles = 0;
  successes = 0;
  errors = 0;
  requeues = 0;
  skipped = 0;
  #durationSum = 0;
  readonly #bucketCounts = DURATION_BUCKETS_SECONDS.map(() => 0);

  observe(seconds: number): void {
    this.#durationSum += seconds;
    DURATION_BUCKETS_SECONDS.forEach((le, i) => {
      if (seconds <= le) this.#bucketCounts[i]!++;
    });
  }

  snapshot(gauges: QueueGauges): ControllerStats {
    return {
      ...gauges,
      reconciles: this.reconciles,
      successes: this.successes,
      errors: this.errors,
      requeues: this.requeues,
      skipped: this.skipped,
      duration: {
        count: this.reconciles,
        sumSeconds: this.#durationSum,
        buckets: DURATION_BUCKETS_SECONDS.map((le, i) => ({ le, count: this.#bucketCounts[i]! })),
      },
    };
  }
}

/**
 * The stats as OpenMetrics text (ends with "# EOF"), labelled with the controller's name.
 *
 * @example
 * const body = openMetrics("secretmirror", ctl.stats); // serve with content-type application/openmetrics-text; version=1.0.0
 */
export function openMetrics(controller: string, stats: ControllerStats): string {
  const label = `controller="${escapeLabel(controller)}"`;
  const lines: string[] = [];
  const family = (name: string, type: string, help: string): void => {
    lines.push(`# TYPE ${name} ${type}`, `# HELP ${name} ${help}`);
  };
  family("bun_k8s_workqueue_depth", "gauge", "Keys ready to be reconciled.");
  lines.push(`bun_k8s_workqueue_depth{${label}} ${stats.queueDepth}`);
  family("bun_k8s_workqueue_delayed", "gauge", "Keys waiting for a backoff or requeue delay.");
  lines.push(`bun_k8s_workqueue_delayed{${label}} ${stats.delayed}`);
  family("bun_k8s_workqueue_adds", "counter", "Keys added to the queue.");
  lines.push(`bun_k8s_workqueue_adds_total{${label}} ${stats.adds}`);
  family("bun_k8s_controller_active_workers", "gauge", "Reconciles running now.");
  lines.push(`bun_k8s_controller_active_workers{${label}} ${stats.inFlight}`);
  family("bun_k8s_controller_reconcile", "counter", "Reconciles finished, by result.");
  lines.push(
    `bun_k8s_controller_reconcile_total{${label},result="success"} ${stats.successes - stats.requeues}`,
    `bun_k8s_controller_reconcile_total{${label},result="requeue_after"} ${stats.requeues}`,
    `bun_k8s_controller_reconcile_total{${label},result="error"} ${stats.errors}`,
  );
  family("bun_k8s_controller_reconcile_errors", "counter", "Reconciles that failed.");
  lines.push(`bun_k8s_controller_reconcile_errors_total{${label}} ${stats.errors}`);
  family("bun_k8s_controller_skipped", "counter", "Keys whose object was gone with no last state.");
  lines.push(`bun_k8s_controller_skipped_total{${label}} ${stats.skipped}`);
  family("bun_k8s_controller_reconcile_time_seconds", "histogram", "Time per reconcile.");
  for (const b of stats.duration.buckets) lines.push(`bun_k8s_controller_reconcile_time_seconds_bucket{${label},le="${b.le}"} ${b.count}`);
  lines.push(
    `bun_k8s_controller_reconcile_time_seconds_bucket{${label},le="+Inf"} ${stats.duration.count}`,
    `bun_k8s_controller_reconcile_time_seconds_count{${label}} ${stats.duration.count}`,
    `bun_k8s_controller_reconcile_time_seconds_sum{${label}} ${stats.duration.sumSeconds}`,
    "# EOF",
  );
  return lines.join("\n") + "\n";
}

function escapeLabel(value: string): string {
  return value.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\n/g, "\\n");
}
