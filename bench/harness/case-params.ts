/**
 * The cases as data: what the orchestrator asks a child process to run, and what the child
 * answers. Shared by both sides; no I/O here.
 */

export type CaseName =
  | "sequential-get"
  | "concurrent-get"
  | "list"
  | "create-delete"
  | "watch"
  | "watches"
  | "informer"
  | "informer-transformed"
  | "informer-metadata"
  | "informer-metadata-transformed"
  | "informer-list"
  | "reconcile";

export type CaseParams =
  | { case: "sequential-get"; namespace: string; name: string; warmup: number; requests: number; rounds: number }
  | { case: "concurrent-get"; namespace: string; name: string; warmup: number; requests: number; concurrency: number; rounds: number }
  | { case: "list"; namespace: string; expected: number; warmup: number; reps: number }
  | { case: "create-delete"; namespace: string; prefix: string; objects: number; concurrency: number; warmup: number; rounds: number }
  | { case: "watch"; namespace: string; events: number; warmup: number; reps: number }
  /** `watches` watches opened at once from resourceVersion "0", each until it saw `eventsEach` events (cost curve). */
  | { case: "watches"; namespace: string; watches: number; eventsEach: number; reps: number }
  | { case: "informer" | "informer-transformed" | "informer-metadata" | "informer-metadata-transformed" | "informer-list"; namespace: string; expected: number }
  | { case: "reconcile"; namespace: string; expected: number; concurrency: number };

/** Raw samples of one metric, summarised by the orchestrator. */
export interface MetricSamples {
  unit: string;
  samples: number[];
}

export type ChildResult =
  | { ok: true; metrics: Record<string, MetricSamples> }
  | { ok: false; error: string; notApplicable?: boolean };

/** Prefix of the stdout line that carries a ChildResult when a child runs without BENCH_RESULT_FILE (by hand). */
export const RESULT_MARK = "BENCH_RESULT ";
