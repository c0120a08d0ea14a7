/**
 * What watchers and pollers deliver. Both emit the same events, so a consumer switches
 * between watching and polling with one option.
 *
 * The stream is self-sufficient: applying ADDED/MODIFIED (set) and DELETED (remove) to an
 * empty map, keyed by objectKey, gives the server's state as of every SYNCED event. After a
 * relist (410 Gone, a poll) the watcher compares the fresh list with what it had delivered and
 * emits only the differences, flagged `resync: true`: objects that disappeared while it was
 * away come out as DELETED with their last known state.
 */
import type { KubeError } from "../base/errors.ts";

/** How the state is obtained: streaming list + watch, list + watch, or periodic lists. */
export type WatchMode = "streaming" | "list-watch" | "poll";

/** What a watcher yields: object changes, SYNCED once its view is complete, and errors it recovers from. */
export type WatcherEvent<T> =
  | {
      type: "ADDED" | "MODIFIED" | "DELETED";
      object: T;
      /**
       * True when the event was derived by comparing a relist with the previous state
       * (after 410 Gone, or in poll mode), not reported by a watch. A resync DELETED
       * carries the last state the watcher saw.
       */
      resync: boolean;
    }
  | {
      /** A (re)list completed: the events so far describe the whole collection. */
      type: "SYNCED";
      /** True for the first list, false for every relist. */
      initial: boolean;
      mode: WatchMode;
      resourceVersion: string | undefined;
      /** Objects in the collection now. */
      size: number;
    }
  | {
      /** A failure; the watcher keeps going (after a backoff delay). */
      type: "ERROR";
      error: KubeError;
    };

/** Counters for tests, dashboards and fault drills. They only grow. */
export interface WatcherStats {
  /** LIST requests sent (one per page). */
  listRequests: number;
  /** Watch requests opened (streaming lists included). */
  watchRequests: number;
  /** Completed lists, the first one included. */
  syncs: number;
  /** Lists started after the first had completed (410 Gone, a poll). */
  relists: number;
  /** Watches reopened from a known resourceVersion after a close, failure or idle window. */
  reconnects: number;
  /** Watch events received, bookmarks included. */
  events: number;
  bookmarks: number;
  /** 410 Gone answers (expired resourceVersion or continue token). */
  gone: number;
  /** Watches abandoned because nothing arrived within the idle window. */
  idleTimeouts: number;
  /** ERROR events delivered. */
  errors: number;
  /** Times the server rejected a streaming list. */
  streamingFallbacks: number;
}

export function emptyStats(): WatcherStats {
  return {
    listRequests: 0,
    watchRequests: 0,
    syncs: 0,
    relists: 0,
    reconnects: 0,
    events: 0,
    bookmarks: 0,
    gone: 0,
    idleTimeouts: 0,
    errors: 0,
    streamingFallbacks: 0,
  };
}

/** A running source of watcher events with its observable status. */
export interface Watcher<T> extends AsyncIterable<WatcherEvent<T>> {
  /** The mode of the current or last (re)list; undefined before the first starts. */
  readonly mode: WatchMode | undefined;
  /** The last resourceVersion seen (list, event or bookmark). */
  readonly resourceVersion: string | undefined;
  readonly stats: Readonly<WatcherStats>;
}

/**
 * Splits events into the batches a source yields: an ERROR event ends its batch, so the
 * backoff after a failing batch is the backoff after that one failure. No batch is empty.
 *
 * @example [...batchesOf([added, error, synced])] // [[added, error], [synced]]
 */
export function* batchesOf<T>(events: WatcherEvent<T>[]): Generator<WatcherEvent<T>[], void, undefined> {
  let start = 0;
  for (let i = 0; i < events.length; i++) {
    if (events[i]!.type !== "ERROR") continue;
    yield start === 0 && i === events.length - 1 ? events : events.slice(start, i + 1);
    start = i + 1;
  }
  if (start < events.length) yield start === 0 ? events : events.slice(start);
}
