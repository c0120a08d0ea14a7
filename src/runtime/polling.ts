/**
 * Polling: the whole collection listed on an interval and compared with the previous list.
 * It emits the watcher's events (ADDED/MODIFIED/DELETED flagged `resync: true` after the
 * first poll, then SYNCED), so a consumer switches with `mode: "poll"`. Useful where watches
 * are cut by proxies or not allowed; costs a full list per interval.
 */
import type { Connection } from "../connection-types.ts";
import { isGone, type ErrorSite } from "../errors.ts";
import { sleep } from "./clock.ts";
import { asKubeError, EventSource, type EventSourceOptions } from "./event-source.ts";
import type { KubeObject } from "./kube-object.ts";
import { fetchListPage } from "./list-page.ts";
import { ResyncTracker } from "./resync-tracker.ts";
import { buildListRequest, selectorsOf, type SelectorOptions } from "./watch-request.ts";
import type { Watcher, WatcherEvent } from "./watcher-events.ts";

export interface PollerOptions extends SelectorOptions, EventSourceOptions {
  /** Collection path, e.g. "/api/v1/namespaces/ns/configmaps". */
  path: string;
  /** Time between the end of one poll and the start of the next. Default 30 s. */
  pollIntervalMs?: number;
  /** Page size of list requests. Default 500. */
  pageSize?: number;
}

/**
 * Polls a collection. Same events as `watcher`; `watcher(conn, { mode: "poll" })` is the
 * same thing.
 *
 * @example
 * for await (const ev of poller<ConfigMap>(conn, { path, pollIntervalMs: 10_000, signal })) { ... }
 */
export function poller<T extends KubeObject>(conn: Connection, options: PollerOptions): Watcher<T> {
  return new PollingSource<T>(conn, options);
}

export class PollingSource<T extends KubeObject> extends EventSource<T> {
  private readonly tracker = new ResyncTracker<T>();
  private readonly conn: Connection;
  private readonly options: PollerOptions;
  private readonly site: ErrorSite;

  constructor(conn: Connection, options: PollerOptions) {
    super(options);
    this.conn = conn;
    this.options = options;
    this.mode = "poll";
    this.site = { server: conn.server, context: conn.contextName, method: "GET", path: options.path };
    buildListRequest(options.path, { limit: options.pageSize ?? 500, ...selectorsOf(this.options) });
  }

  protected async *run(signal: AbortSignal): AsyncGenerator<WatcherEvent<T>, void, undefined> {
    const interval = this.options.pollIntervalMs ?? 30_000;
    while (!signal.aborted) {
      let events: WatcherEvent<T>[];
      try {
        events = await this.pollOnce(signal);
      } catch (error) {
        if (signal.aborted) return;
        if (isGone(error)) this.stats.gone++;
        // The backoff wrapper paces the retry.
        yield this.errorEvent(asKubeError(error, this.site));
        continue;
      }
      yield* events;
      if (!(await sleep(interval, this.clock, signal))) return;
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
      const page = await fetchListPage<T>(
        this.conn,
        this.options.path,
        { limit: this.options.pageSize ?? 500, ...(continueToken ? { continueToken } : {}), ...selectorsOf(this.options) },
        signal,
      );
      this.tracker.collect(page.items);
      continueToken = page.continueToken;
      resourceVersion = page.resourceVersion ?? resourceVersion;
    } while (continueToken !== undefined);
    this.stats.syncs++;
    this.resourceVersion = resourceVersion;
    return this.tracker.finish(resourceVersion, "poll");
  }
}
