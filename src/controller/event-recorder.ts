/**
 * An event recorder on events.k8s.io/v1, aggregating as client-go's tools/events does:
 * events with the same action, reason, reporting controller, regarding and related objects
 * ("isomorphic") form one series. The first is created; the second turns it into an
 * EventSeries (count 2) at once; later ones only count locally and reach the server with the
 * next heartbeat (every 30 min) or when the series ends (6 min without a repeat), `flush()`
 * or `close()`. A token bucket per regarding object (burst 25, one more per 5 minutes, as
 * client-go's spam filter) caps creates and patches, so a hot loop cannot flood the server.
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

export type EventType = "Normal" | "Warning";

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

export interface EventRecorderOptions {
  /** The controller's name, e.g. "example.com/secret-mirror". */
  reportingController: string;
  /** This replica; default `<reportingController>-<hostname>`, as client-go. */
  reportingInstance?: string;
  /** Per regarding object; false: no limit. Default: burst 25, then one per 300 s. */
  rateLimit?: RateLimit | false;
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
    return this.#enqueue(fresh, ref);
  }

  /** Writes every series count not yet on the server, and waits for writes in flight. */
  async flush(): Promise<void> {
    for (const entry of this.#cache.values()) if (entry.dirty && entry.event.series) void this.#enqueue(entry, undefined);
    await Promise.all([...this.#cache.values()].map((e) => e.chain));
  }

  /** Flushes, then stops the timers; later `record` calls do nothing. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    for (const t of this.#timers) this.#clock.clearTimeout(t);
    await this.flush();
  }

  /** Chains a write of `entry` (rate-limited per regarding object when `ref` is given). */
  #enqueue(entry: Entry, ref: ObjectReference | undefined): Promise<void> {
    if (ref && !this.#allow(ref)) {
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

  #allow(ref: ObjectReference): boolean {
    const limit = this.#options.rateLimit ?? { qps: 1 / 300, burst: 25 };
    if (limit === false) return true;
    const key = `${ref.namespace ?? ""}/${ref.kind ?? ""}/${ref.name ?? ""}/${ref.uid ?? ""}`;
    let bucket = this.#buckets.get(key);
    if (!bucket) this.#buckets.set(key, (bucket = new TokenBucket(limit, this.#clock)));
    if (bucket.reserve() === 0) return true;
    bucket.refund();
    return false;
  }

  #heartbeat(): void {
    for (const entry of this.#cache.values()) if (entry.dirty && entry.event.series) void this.#enqueue(entry, undefined);
  }

  #finishSeries(): void {
    const finishMs = this.#options.seriesFinishMs ?? 6 * 60_000;
    const now = this.#clock.now();
    for (const [key, entry] of this.#cache) {
      if (now - entry.lastSeen < finishMs) continue;
      if (entry.dirty && entry.event.series) void this.#enqueue(entry, undefined);
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

function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 3)}...`;
}

