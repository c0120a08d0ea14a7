/**
 * Polling: the whole collection listed on an interval and compared with the previous list.
 * It emits the watcher's events (ADDED/MODIFIED/DELETED flagged `resync: true` after the
 * first poll, then SYNCED), so a consumer switches with `mode: "poll"`. Useful where watches
 * are cut by proxies or not allowed; costs a full list per interval.
 */
import type { ListClient } from "../api/client-types.ts";
import { isGone } from "../base/errors.ts";
import { sleep } from "../base/clock.ts";
import type { KubeObject } from "../base/object.ts";
import { Collection, type CollectionOptions, type TransformOptions } from "./collection.ts";
import { asKubeError, EventSource, type EventSourceOptions } from "./event-source.ts";
import { ResyncTracker } from "./resync-tracker.ts";
import type { Watcher, WatcherEvent } from "./watcher-events.ts";

/** How a poller lists and how often. */
export interface PollerOptions extends CollectionOptions, EventSourceOptions {
  /** Time between the end of one poll and the start of the next. Default 30 s. */
  pollIntervalMs?: number;
}

/**
 * Polls what a typed client lists. Same events as `watcher`; `watcher(client, { mode: "poll" })`
 * is the same thing, and a client that can only list (no watch verb) can still be polled.
 *
 * @example
 * for await (const ev of poller(api(conn, ConfigMap, { namespace: "ns" }), { pollIntervalMs: 10_000, signal })) { ... }
 */
export function poller<T extends KubeObject>(client: ListClient<T>, options: PollerOptions & TransformOptions<T> = {}): Watcher<T> {
  return new PollingSource<T>(client, options);
}

export class PollingSource<T extends KubeObject> extends EventSource<T> {
  private readonly tracker = new ResyncTracker<T>();
  private readonly collection: Collection<T>;
  private readonly intervalMs: number;

  constructor(client: ListClient<T>, options: PollerOptions & TransformOptions<T>) {
    super(options);
    this.mode = "poll";
    this.collection = new Collection<T>(client, options, false);
    this.intervalMs = options.pollIntervalMs ?? 30_000;
  }

  protected async *run(signal: AbortSignal): AsyncGenerator<WatcherEvent<T>[], void, undefined> {
    while (!signal.aborted) {
      let events: WatcherEvent<T>[];
      try {
        events = await this.pollOnce(signal);
      } catch (error) {
        if (signal.aborted) return;
        if (isGone(error)) this.stats.gone++;
        // The backoff wrapper paces the retry.
        yield [this.errorEvent(asKubeError(error, this.collection.site))];
        continue;
      }
      yield events;
      if (!(await sleep(this.intervalMs, this.clock, signal))) return;
    }
  }

  /** Lists every page, then reports the differences from the previous poll. */
  private async pollOnce(signal: AbortSignal): Promise<WatcherEvent<T>[]> {
    if (this.stats.syncs > 0) this.stats.relists++;
    this.tracker.begin();
    let continueToken: string | undefined;
    let resourceVersion: string | undefined;
    do {
      this.stats.listRequests++;
      const page = await this.collection.page(continueToken, signal);
      this.tracker.collect(page.items);
      continueToken = page.continue;
      resourceVersion = page.resourceVersion ?? resourceVersion;
    } while (continueToken !== undefined);
    this.stats.syncs++;
    this.resourceVersion = resourceVersion;
    return this.tracker.finish(resourceVersion, "poll");
  }
}
