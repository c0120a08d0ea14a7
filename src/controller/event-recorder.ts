/**
 * An event recorder on events.k8s.io/v1, aggregating as client-go's tools/events does:
 * events with the same action, reason, reporting controller, regarding and related objects
 * ("isomorphic") form one series. The first is created; the second turns it into an
 * EventSeries (count 2) at once; later ones only count locally and reach the server with the
 * next heartbeat (every 30 min) or when the series ends (6 min without a repeat), `flush()`
 * or `close()`. A token bucket per regarding object (burst 25, one more per 5 minutes, as
 * client-go's spam filter) caps creates and patches, and one bucket for the whole recorder
 * (burst 50, 5 per second) caps a hot loop that spreads over many objects, so no loop can flood
 * the server. Series and buckets are kept for at most 4096 keys each (client-go's LRU size), the
 * least recently used forgotten first, so memory stays bounded however many objects report.
 */
import { hostname } from "node:os";
import { api } from "../api/client.ts";
import { ApiError, isNotFound, KubeError, ValidationError } from "../base/errors.ts";
import type { KubeObject } from "../base/object.ts";
import { systemClock, type Clock } from "../base/clock.ts";
import { TokenBucket, type RateLimit } from "../transport/rate-limit.ts";
import { Event } from "../../generated/k8s/events/v1/index.ts";
import type { ObjectReference } from "../../generated/k8s/core/v1/index.ts";
import { connectionOf, type KubeTarget } from "./kube-target.ts";
import { microTime, objectReference } from "./object-reference.ts";

/** An Event's type, as events.k8s.io/v1 allows it. */
export type EventType = "Normal" | "Warning";

/** One event to record: type, reason, action, note, the object it regards and an optional related one. */
export interface EventInput {
  type: EventType;
  /** Why: CamelCase, at most 128 characters (e.g. "Mirrored", "SourceMissing"). */
  reason: string;
  /** What was done or failed: at most 128 characters (e.g. "Copy", "Cleanup"). */
  action: string;
  /** For humans; cut to 1 KiB. Repeats with another note still join the series. */
  note?: string;
  /** A second object involved (e.g. the Secret a SecretMirror copied). */
  related?: KubeObject;
}

/** Options of an EventRecorder: the reporting controller and instance, the rate limits, and the series windows. */
export interface EventRecorderOptions {
  /** The controller's name, e.g. "example.com/secret-mirror". */
  reportingController: string;
  /** This replica; default `<reportingController>-<hostname>`, as client-go. */
  reportingInstance?: string;
  /** Per regarding object; false: no limit. Default: burst 25, then one per 300 s. */
  rateLimit?: RateLimit | false;
  /** For all writes of this recorder together; false: no limit. Default: burst 50, then 5 per second. */
  overallRateLimit?: RateLimit | false;
  /** Series (and per-object buckets) remembered at most; the least recently used go first. Default 4096. */
  maxTracked?: number;
  /** Heartbeat of series counts. Default 30 min. */
  seriesRefreshMs?: number;
  /** A series with no repeat for this long is written one last time and forgotten. Default 6 min. */
  seriesFinishMs?: number;
  /** Told about events the server refused or that could not be sent. */
  onError?: (error: Error) => void;
  clock?: Clock;
  /** Wall time written into eventTime and lastObservedTime. */
  now?: () => Date;
}

/** What a recorder did: events created, series updated, repeats aggregated, events dropped by the rate limit, and failures. */
export interface EventRecorderStats {
  /** Events created. */
  created: number;
  /** Series patches sent (second occurrences, heartbeats, final counts). */
  seriesUpdates: number;
  /** Occurrences only counted locally (joined a series). */
  aggregated: number;
  /** Writes refused by the client-side rate limit. */
  dropped: number;
  /** Writes that failed. */
  failed: number;
}

interface Entry {
  event: Event;
  /** Monotonic time of the last occurrence. */
  lastSeen: number;
  /** The series count changed since it was last written. */
  dirty: boolean;
  /** Writes of this entry run one after another (a patch needs the created name). */
  chain: Promise<void>;
}

/**
 * @example
 * const events = eventRecorder(kube, { reportingController: "example.com/secret-mirror" });
 * void events.record(mirror, { type: "Normal", reason: "Mirrored", action: "Copy", note: "copied to 3 namespaces" });
 * await events.close();
 */
export function eventRecorder(kube: KubeTarget, options: EventRecorderOptions): EventRecorder {
  return new EventRecorder(kube, options);
}

/** Records events.k8s.io/v1 Events: repeats folded into an EventSeries, a token bucket against floods. Make one with eventRecorder(). */
export class EventRecorder {
  readonly reportingController: string;
  readonly reportingInstance: string;
  readonly stats: EventRecorderStats = { created: 0, seriesUpdates: 0, aggregated: 0, dropped: 0, failed: 0 };
  readonly #kube: KubeTarget;
  readonly #options: EventRecorderOptions;
  readonly #clock: Clock;
  readonly #now: () => Date;
  readonly #cache = new Map<string, Entry>();
  readonly #buckets = new Map<string, TokenBucket>();
  readonly #overall: TokenBucket | undefined;
  /** Final writes of evicted series still in flight (flush waits for them too). */
  readonly #evicted = new Set<Promise<void>>();
  readonly #maxTracked: number;
  readonly #timers: unknown[] = [];
  #sequence = 0;
  #closed = false;

  constructor(kube: KubeTarget, options: EventRecorderOptions) {
    checkField("reportingController", options.reportingController);
    this.reportingController = options.reportingController;
    this.reportingInstance = options.reportingInstance ?? `${options.reportingController}-${hostname()}`.slice(0, 128);
    checkField("reportingInstance", this.reportingInstance);
    this.#kube = kube;
    this.#options = options;
    this.#clock = options.clock ?? systemClock;
    this.#now = options.now ?? (() => new Date());
    const overall = options.overallRateLimit ?? { qps: 5, burst: 50 };
    this.#overall = overall === false ? undefined : new TokenBucket(overall, this.#clock);
    this.#maxTracked = options.maxTracked ?? 4096;
    if (!Number.isInteger(this.#maxTracked) || this.#maxTracked < 1) throw new ValidationError(`event recorder: maxTracked must be a positive integer, got ${options.maxTracked}`);
    this.#every(options.seriesRefreshMs ?? 30 * 60_000, () => this.#heartbeat());
    this.#every(options.seriesFinishMs ?? 6 * 60_000, () => this.#finishSeries());
  }

  /**
   * Records an event about `regarding`. Resolves once it is written, counted into a series,
   * dropped by the rate limit or failed (it never rejects: failures go to `onError`).
   */
  record(regarding: KubeObject, input: EventInput): Promise<void> {
    if (this.#closed) return Promise.resolve();
    checkField("reason", input.reason);
    checkField("action", input.action);
    if (input.type !== "Normal" && input.type !== "Warning") throw new ValidationError(`event type must be Normal or Warning, got ${JSON.stringify(input.type)}`);
    const ref = objectReference(regarding);
    const related = input.related && objectReference(input.related);
    const key = JSON.stringify([input.action, input.reason, this.reportingController, ref, related ?? null]);
    const now = this.#now();
    const entry = this.#cache.get(key);
    if (entry) {
      // Most recently used last: eviction takes the first.
      this.#cache.delete(key);
      this.#cache.set(key, entry);
      entry.lastSeen = this.#clock.now();
      if (entry.event.series) {
        entry.event.series = { count: entry.event.series.count + 1, lastObservedTime: microTime(now) };
        entry.dirty = true;
        this.stats.aggregated++;
        return Promise.resolve();
      }
      entry.event.series = { count: 2, lastObservedTime: microTime(now) };
      entry.dirty = true;
      return this.#enqueue(entry, ref);
    }
    const event: Event = {
      apiVersion: "events.k8s.io/v1",
      kind: "Event",
      metadata: { name: `${ref.name}.${this.#suffix(now)}`, namespace: ref.namespace || "default" },
      eventTime: microTime(now),
      reportingController: this.reportingController,
      reportingInstance: this.reportingInstance,
      action: input.action,
      reason: input.reason,
      type: input.type,
      note: truncate(input.note ?? "", 1024),
      regarding: ref,
      ...(related && { related }),
    };
    const fresh: Entry = { event, lastSeen: this.#clock.now(), dirty: true, chain: Promise.resolve() };
    this.#cache.set(key, fresh);
    if (this.#cache.size > this.#maxTracked) this.#evictOldest();
    return this.#enqueue(fresh, ref);
  }

  /** Writes every series count not yet on the server, and waits for writes in flight. */
  async flush(): Promise<void> {
    for (const entry of this.#cache.values()) if (entry.dirty && entry.event.series) void this.#enqueue(entry, undefined, true);
    await Promise.all([...[...this.#cache.values()].map((e) => e.chain), ...this.#evicted]);
  }

  /** Flushes, then stops the timers; later `record` calls do nothing. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    for (const t of this.#timers) this.#clock.clearTimeout(t);
    await this.flush();
  }

  /**
   * Chains a write of `entry`. A new event or a second occurrence (`ref` given) passes the
   * regarding object's bucket and the recorder-wide one; an evicted series the recorder-wide one;
   * heartbeats and final counts (`bypass`) pass unlimited: there are at most `maxTracked` of them.
   */
  #enqueue(entry: Entry, ref: ObjectReference | undefined, bypass = false): Promise<void> {
    if (!bypass && !this.#admit(ref)) {
      this.stats.dropped++;
      return entry.chain;
    }
    entry.chain = entry.chain.then(() => this.#write(entry));
    return entry.chain;
  }

  async #write(entry: Entry): Promise<void> {
    if (!entry.dirty) return;
    entry.dirty = false;
    const event = entry.event;
    const client = api(connectionOf(this.#kube), Event, { namespace: event.metadata!.namespace! });
    try {
      if (event.series && event.metadata?.resourceVersion !== undefined) {
        try {
          const written = await client.patch(event.metadata.name!, { type: "merge", patch: { series: event.series } });
          entry.event = { ...event, metadata: written.metadata ?? event.metadata, series: entry.event.series ?? event.series };
          this.stats.seriesUpdates++;
          return;
        } catch (error) {
          // Expired or deleted meanwhile: create it again, series included (as client-go does).
          if (!isNotFound(error)) throw error;
        }
      }
      const { resourceVersion: _rv, ...metadata } = event.metadata ?? {};
      const created = await client.create({ ...event, metadata });
      entry.event = { ...entry.event, metadata: created.metadata ?? metadata };
      this.stats.created++;
    } catch (error) {
      this.stats.failed++;
      // A server that could not be reached may take the series later; a refused event is dropped.
      if (!(error instanceof ApiError)) entry.dirty = true;
      this.#report(error);
    }
  }

  /** Takes a token from the object's bucket (when `ref` is given) and the recorder's, or neither. */
  #admit(ref: ObjectReference | undefined): boolean {
    const object = ref && this.#bucketOf(ref);
    if (object && !take(object)) return false;
    if (take(this.#overall)) return true;
    object?.refund();
    return false;
  }

  #bucketOf(ref: ObjectReference): TokenBucket | undefined {
    const limit = this.#options.rateLimit ?? { qps: 1 / 300, burst: 25 };
    if (limit === false) return undefined;
    const key = `${ref.namespace ?? ""}/${ref.kind ?? ""}/${ref.name ?? ""}/${ref.uid ?? ""}`;
    let bucket = this.#buckets.get(key);
    if (bucket) this.#buckets.delete(key);
    else bucket = new TokenBucket(limit, this.#clock);
    this.#buckets.set(key, bucket); // most recently used last
    if (this.#buckets.size > this.#maxTracked) this.#buckets.delete(this.#buckets.keys().next().value!);
    return bucket;
  }

  /** Forgets the least recently used series, writing its last count if the server lacks it. */
  #evictOldest(): void {
    const [key, entry] = this.#cache.entries().next().value!;
    this.#cache.delete(key);
    if (!entry.dirty || !entry.event.series) return;
    const written = this.#enqueue(entry, undefined);
    this.#evicted.add(written);
    void written.finally(() => this.#evicted.delete(written));
  }

  #heartbeat(): void {
    for (const entry of this.#cache.values()) if (entry.dirty && entry.event.series) void this.#enqueue(entry, undefined, true);
  }

  #finishSeries(): void {
    const finishMs = this.#options.seriesFinishMs ?? 6 * 60_000;
    const now = this.#clock.now();
    for (const [key, entry] of this.#cache) {
      if (now - entry.lastSeen < finishMs) continue;
      if (entry.dirty && entry.event.series) void this.#enqueue(entry, undefined, true);
      this.#cache.delete(key);
    }
    // Buckets of objects that went quiet are full again: forget them.
    if (this.#cache.size === 0) this.#buckets.clear();
  }

  #every(ms: number, fn: () => void): void {
    const arm = (): void => {
      const handle = this.#clock.setTimeout(() => {
        this.#timers.splice(this.#timers.indexOf(handle), 1);
        if (this.#closed) return;
        fn();
        arm();
      }, ms);
      (handle as { unref?: () => void } | undefined)?.unref?.();
      this.#timers.push(handle);
    };
    arm();
  }

  /** Unique per recorder and time: nanoseconds since the epoch in hex, as client-go names events. */
  #suffix(now: Date): string {
    return (BigInt(now.getTime()) * 1_000_000n + BigInt(this.#sequence++ % 1_000_000)).toString(16);
  }

  #report(error: unknown): void {
    try {
      this.#options.onError?.(error instanceof Error ? error : new KubeError(String(error)));
    } catch {
      // Nowhere left to report to.
    }
  }
}

function checkField(name: string, value: string): void {
  if (typeof value !== "string" || value === "" || value.length > 128) {
    throw new ValidationError(`event ${name} must be 1 to 128 characters, got ${JSON.stringify(String(value).slice(0, 40))}`);
  }
}

/** Takes a token if one is free now (no bucket: always). */
function take(bucket: TokenBucket | undefined): boolean {
  if (!bucket || bucket.reserve() === 0) return true;
  bucket.refund();
  return false;
}

function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 3)}...`;
}

