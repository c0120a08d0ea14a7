/**
 * The types a controller is configured with and calls reconcile with.
 */
import type { Clock } from "../base/clock.ts";
import type { SelectorParams } from "../request/read.ts";
import type { ReadonlyCache } from "../runtime/informer-cache.ts";
import type { WatcherOptions } from "../runtime/watcher.ts";
import type { RateLimiter } from "./rate-limiters.ts";

/** What reconcile is told besides the object: its key, whether it was deleted, the controller's cache and a signal. */
export interface ReconcileContext<T> {
  /** "namespace/name", or "name" for a cluster-scoped kind. */
  readonly key: string;
  /** The object is gone from the cache: what reconcile gets is its last known state. */
  readonly deleted: boolean;
  /** Failures of this key since it last succeeded. */
  readonly retries: number;
  /** Aborts when the controller stops and the drain deadline has passed: give it to every request. */
  readonly signal: AbortSignal;
  /** The cache of the controller's own kind. */
  readonly store: ReadonlyCache<T>;
}

/** Done (undefined), or run again after a delay. */
export interface ReconcileResult {
  /** Reconcile this key again after this many ms, even if nothing changes. */
  requeueAfterMs?: number | undefined;
}

/** The function a controller calls per key: return a ReconcileResult (or nothing: done), or throw to back off and retry. */
export type Reconciler<T> = (object: T, context: ReconcileContext<T>) => Promise<ReconcileResult | void> | ReconcileResult | void;

/** Informer tuning shared by every watch of a controller. */
export type InformerTuning = Omit<WatcherOptions, "signal" | "labelSelector" | "fieldSelector" | "clock">;

export interface ControllerOptions<T> extends SelectorParams {
  /** The name in metrics. Default: the kind's plural and group, e.g. "deployments.apps". */
  name?: string;
  /** Watch one namespace; default all (namespaced kinds). */
  namespace?: string | undefined;
  /** Keys reconciled at once (never the same key twice). Default 1. */
  concurrency?: number;
  /** Retry pacing after errors. Default: client-go's (5 ms doubling to 1000 s per key, 10 qps overall). */
  rateLimiter?: RateLimiter<string>;
  /** Applied to the controller's own objects before they are cached, e.g. dropManagedFields. */
  transform?: (object: T) => T;
  /** Told about reconcile failures (with the key) and watch failures (key undefined). */
  onError?: (error: Error, key: string | undefined) => void;
  informers?: InformerTuning;
  clock?: Clock;
}

export interface RelationOptions extends SelectorParams {
  /** Default: the controller's namespace (for namespaced kinds). */
  namespace?: string | undefined;
}

/** Options of Controller.run: how long in-flight reconciles may drain after the signal aborts. */
export interface RunOptions {
  /** How long in-flight reconciles may take to finish after the abort before their signal aborts. Default 30 000 ms. */
  drainTimeoutMs?: number;
}
