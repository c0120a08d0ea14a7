/**
 * The watcher: list (or streaming list) + watch that survives disconnects, server timeouts,
 * API server restarts and 410 Gone. The decisions live in the pure state machine
 * (watcher-state.ts); this file only performs its commands and reports its effects.
 */
import type { ListWatchClient } from "../api/client-types.ts";
import type { WatchParams } from "../request/read.ts";
import { isGone } from "../base/errors.ts";
import type { KubeObject } from "../base/object.ts";
import { Collection, type CollectionOptions, type TransformOptions } from "./collection.ts";
import { asKubeError, EventSource, type EventSourceOptions } from "./event-source.ts";
import { IdleWatchdog, nextWithin } from "./idle-watchdog.ts";
import { PollingSource } from "./polling.ts";
import { ResyncTracker } from "./resync-tracker.ts";
import type { Watcher, WatcherEvent } from "./watcher-events.ts";
import { batchesOf } from "./watcher-events.ts";
import { watchBatches } from "../api/watch-stream.ts";
import {
  initialWatcherState,
  nextCommand,
  step,
  type WatcherCommand,
  type WatcherEffect,
  type WatcherInput,
  type WatcherState,
} from "./watcher-state.ts";

/**
 * How a watcher follows its collection. Selectors, `limit` and `timeoutSeconds` are the
 * typed client's own list/watch parameters, with the same names and forms (a selector as a
 * string or an object).
 */
export interface WatcherOptions extends CollectionOptions, EventSourceOptions {
  /** "watch" (default) or "poll": list every `pollIntervalMs` instead of watching. */
  mode?: "watch" | "poll";
  /** Try a streaming list first, falling back to list + watch if the server rejects it. Default true. */
  streamingList?: boolean;
  /** Server-side lifetime of each watch request, seconds. Default 290. */
  timeoutSeconds?: number;
  /**
   * Reconnect when nothing, not even a bookmark, arrives for this long (a half-open
   * connection otherwise hangs forever). Default: timeoutSeconds + 30 s. 0: never.
   */
  idleTimeoutMs?: number;
  /** Poll mode: time between lists. Default 30 s. */
  pollIntervalMs?: number;
}

/**
 * Watches what a typed client lists, for as long as it is iterated: first the whole state
 * (ADDED events then SYNCED), then changes. Errors come out as ERROR events and the watcher
 * retries with backoff. After a 410 Gone it relists and reports only the differences,
 * `resync: true`, including DELETED events for objects that vanished meanwhile. `mode: "poll"`
 * gives the same events from periodic lists.
 *
 * @example
 * const w = watcher(api(conn, ConfigMap, { namespace: "ns" }), { labelSelector: { app: "web" }, signal });
 * for await (const ev of w) {
 *   if (ev.type === "SYNCED") console.log(`synced ${ev.size} objects via ${ev.mode}`);
 *   else if (ev.type !== "ERROR") console.log(ev.type, ev.object.metadata?.name);
 * }
 */
export function watcher<T extends KubeObject>(client: ListWatchClient<T>, options: WatcherOptions & TransformOptions<T> = {}): Watcher<T> {
  return eventSource(client, options);
}

/** The watcher as its class, whose `batches()` informers read. */
export function eventSource<T extends KubeObject>(client: ListWatchClient<T>, options: WatcherOptions & TransformOptions<T>): EventSource<T> {
  return options.mode === "poll" ? new PollingSource<T>(client, options) : new ListWatchSource<T>(client, options);
}

/** Two 410s in a row with no event between them means relisting is not helping: back off. */
const GONE_STREAK_LIMIT = 2;

export class ListWatchSource<T extends KubeObject> extends EventSource<T> {
  private state: WatcherState;
  private readonly tracker = new ResyncTracker<T>();
  private readonly timeoutSeconds: number;
  private readonly idleTimeoutMs: number;
  /** A watch from a known resourceVersion has run since the last list: the next is a reconnect. */
  private watchedSinceList = false;
  private goneStreak = 0;
  private readonly client: ListWatchClient<T>;
  private readonly collection: Collection<T>;

  constructor(client: ListWatchClient<T>, options: WatcherOptions & TransformOptions<T>) {
    super(options);
    this.client = client;
    this.state = initialWatcherState(options.streamingList ?? true);
    this.timeoutSeconds = options.timeoutSeconds ?? 290;
    this.idleTimeoutMs = options.idleTimeoutMs ?? (this.timeoutSeconds || 290) * 1000 + 30_000;
    this.collection = new Collection<T>(client, { ...options, timeoutSeconds: this.timeoutSeconds }, true);
  }

  /** The state machine's current phase, for tests and diagnostics. */
  get phase(): WatcherState["phase"] {
    return this.state.phase;
  }

  protected async *run(signal: AbortSignal): AsyncGenerator<WatcherEvent<T>[], void, undefined> {
    while (!signal.aborted) {
      const command = nextCommand(this.state);
      if (command.kind === "start") {
        yield* batchesOf(this.feed({ type: "start" }, []));
      } else if (command.kind === "list") {
        const input = await this.listPage(command.continue, signal);
        if (signal.aborted) return;
        yield* batchesOf(this.feed(input, []));
      } else {
        yield* this.watchOnce(command, signal);
      }
    }
  }

  private async listPage(continueToken: string | undefined, signal: AbortSignal): Promise<WatcherInput<T>> {
    this.stats.listRequests++;
    try {
      return { type: "listPage", ...(await this.collection.page(continueToken, signal)) };
    } catch (error) {
      return { type: "failed", error: asKubeError(error, this.collection.site) };
    }
  }

  /**
   * Runs one watch request until it ends, feeding every outcome to the state machine. The
   * events of one network chunk are fed together and come out as one batch.
   */
  private async *watchOnce(
    command: Extract<WatcherCommand, { kind: "watch" }>,
    signal: AbortSignal,
  ): AsyncGenerator<WatcherEvent<T>[], void, undefined> {
    this.stats.watchRequests++;
    if (!command.sendInitialEvents) {
      if (this.watchedSinceList) this.stats.reconnects++;
      this.watchedSinceList = true;
    }

    const request = new AbortController();
    const onAbort = (): void => request.abort();
    signal.addEventListener("abort", onAbort, { once: true });
    const params: WatchParams = {
      allowWatchBookmarks: true,
      timeoutSeconds: this.timeoutSeconds,
      ...this.collection.selectors,
      ...(command.resourceVersion !== undefined && { resourceVersion: command.resourceVersion }),
      ...(command.sendInitialEvents && { sendInitialEvents: true, resourceVersionMatch: "NotOlderThan" as const }),
    };
    const batches = watchBatches(this.client.watch({ ...params, signal: request.signal }));
    const watchdog = new IdleWatchdog(this.clock, this.idleTimeoutMs);
    try {
      for (;;) {
        const next = await nextWithin(batches, watchdog, signal);
        if (next === "aborted") return;
        if (next === "idle") {
          this.stats.idleTimeouts++;
          yield* batchesOf(this.feed({ type: "watchEnded", reason: "idle" }, []));
          return;
        }
        if (next.done) {
          yield* batchesOf(this.feed({ type: "watchEnded", reason: "closed" }, []));
          return;
        }
        const out: WatcherEvent<T>[] = [];
        let ended = false;
        for (const event of next.value) {
          this.stats.events++;
          if (event.type !== "BOOKMARK") this.goneStreak = 0;
          this.feed({ type: "watchEvent", event: this.collection.transformEvent(event) }, out);
          // A streaming list's watch goes on as the regular watch after its final bookmark.
          if (this.state.phase !== "InitialStreaming" && this.state.phase !== "Watching") {
            ended = true;
            break;
          }
        }
        yield* batchesOf(out);
        if (ended) return;
      }
    } catch (error) {
      if (signal.aborted) return;
      yield* batchesOf(this.feed({ type: "failed", error: asKubeError(error, this.collection.site) }, []));
    } finally {
      watchdog.stop();
      signal.removeEventListener("abort", onAbort);
      request.abort();
      // The generator may be mid-await on the network: do not wait for it to settle.
      batches.return?.().catch(() => undefined);
    }
  }

  /** Steps the state machine; appends the events its effects give to `out`, and returns it. */
  private feed(input: WatcherInput<T>, out: WatcherEvent<T>[]): WatcherEvent<T>[] {
    const { state, effects } = step(this.state, input);
    this.state = state;
    for (const effect of effects) this.report(effect, out);
    return out;
  }

  private report(effect: WatcherEffect<T>, out: WatcherEvent<T>[]): void {
    switch (effect.type) {
      case "listStarted":
        this.tracker.begin();
        this.mode = effect.mode;
        if (effect.relist) this.stats.relists++;
        return;
      case "listed":
        this.tracker.collect(effect.objects);
        return;
      case "unlisted":
        this.tracker.uncollect(effect.object);
        return;
      case "listDone":
        this.stats.syncs++;
        this.resourceVersion = effect.resourceVersion;
        // After a streaming list the same request goes on watching.
        this.watchedSinceList = effect.mode === "streaming";
        for (const event of this.tracker.finish(effect.resourceVersion, effect.mode)) out.push(event);
        return;
      case "applied":
      case "deleted":
        this.resourceVersion = effect.object.metadata?.resourceVersion || this.resourceVersion;
        out.push(effect.type === "applied" ? this.tracker.apply(effect.object) : this.tracker.delete(effect.object));
        return;
      case "bookmark":
        this.stats.bookmarks++;
        this.resourceVersion = effect.resourceVersion;
        return;
      case "streamingRejected":
        this.stats.streamingFallbacks++;
        return;
      case "gone":
        this.stats.gone++;
        if (++this.goneStreak >= GONE_STREAK_LIMIT) out.push(this.errorEvent(effect.error));
        return;
      case "error":
        if (isGone(effect.error)) this.stats.gone++;
        out.push(this.errorEvent(effect.error));
        return;
    }
  }
}
