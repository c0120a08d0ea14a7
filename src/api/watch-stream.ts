/**
 * One WATCH request as an async iterable of typed events. No retries and no relisting:
 * that is the watcher's job (watcher.ts). This is the thin layer over one HTTP stream.
 */
import type { Connection } from "../connection/types.ts";
import { ApiError, DecodeError, type ErrorSite } from "../base/errors.ts";
import { isRecord, toStatus } from "../base/object.ts";
import { excerpt } from "../base/secrets.ts";
import type { KubeRequest } from "../request/types.ts";
import { lineBatches } from "../transport/line-decoder.ts";
import { siteOf } from "../connection/error-site.ts";

/** The object of a BOOKMARK event: only a resourceVersion (and annotations) are meaningful. */
export interface BookmarkObject {
  apiVersion?: string;
  kind?: string;
  metadata: { resourceVersion: string; annotations?: Record<string, string> };
}

/**
 * One event of a raw watch stream: an object added, modified or deleted, or a BOOKMARK carrying only a resourceVersion.
 */
export type WatchEvent<T> =
  | { type: "ADDED" | "MODIFIED" | "DELETED"; object: T }
  | { type: "BOOKMARK"; object: BookmarkObject };

/** The `type` of a raw watch event. */
export type WatchEventType = WatchEvent<unknown>["type"];

/** The bookmark annotation that marks the end of a streaming list's initial events. */
export const INITIAL_EVENTS_END_ANNOTATION = "k8s.io/initial-events-end";

/**
 * Opens one watch request and yields its events until the server closes the stream, the
 * connection fails (TransportError) or `signal` aborts (a clean end). An ERROR event from the
 * server is thrown as an ApiError carrying its Status (use `isGone(e)` for 410). A line that
 * is not a watch event throws a DecodeError; a line over 16 MiB (a server that never ends its
 * line) a ResponseTooLargeError. The typed client's `watch()` is the public door.
 *
 * @example
 * for await (const ev of watchStream<ConfigMap>(conn, watchRequest(ConfigMap, "ns"), { signal })) console.log(ev.type);
 */
export function watchStream<T>(conn: Connection, request: KubeRequest, options: { signal?: AbortSignal | undefined } = {}): WatchIterable<T> {
  const site = siteOf(conn, request);
  const signal = options.signal;
  return {
    [Symbol.asyncIterator]: () => eventsOf(streamBatches<T>(conn, request, site, signal), signal),
    [WATCH_BATCHES]: () => streamBatches<T>(conn, request, site, signal),
  };
}

/**
 * The key of the batch view a watch iterable from `watchStream` carries: the events of each
 * chunk read from the network, as one array. The watcher reads it so that an event costs no
 * promise of its own; other iterables are read event by event (see `watchBatches`).
 */
export const WATCH_BATCHES: unique symbol = Symbol("bun-k8s.watchBatches");

/** A watch stream that can also be read chunk by chunk. */
export interface WatchIterable<T> extends AsyncIterable<WatchEvent<T>> {
  [WATCH_BATCHES](): AsyncIterator<WatchEvent<T>[]>;
}

/**
 * The events of a watch iterable in batches: its own batch view when it has one, else one
 * event per batch.
 *
 * @example for await (const events of watchBatches(client.watch({ signal }))) events.forEach(handle);
 */
export function watchBatches<T>(events: AsyncIterable<WatchEvent<T>>): AsyncIterator<WatchEvent<T>[]> {
  const batched = (events as Partial<WatchIterable<T>>)[WATCH_BATCHES];
  return batched ? batched.call(events) : singles(events);
}

async function* singles<T>(events: AsyncIterable<WatchEvent<T>>): AsyncGenerator<WatchEvent<T>[], void, undefined> {
  for await (const event of events) yield [event];
}

async function* eventsOf<T>(batches: AsyncIterator<WatchEvent<T>[]>, signal: AbortSignal | undefined): AsyncGenerator<WatchEvent<T>, void, undefined> {
  try {
    for (;;) {
      const next = await batches.next();
      if (next.done) return;
      for (const event of next.value) {
        // A consumer that aborts while handling an event gets no more, even from the same chunk.
        if (signal?.aborted) return;
        yield event;
      }
    }
  } finally {
    await batches.return?.();
  }
}

async function* streamBatches<T>(
  conn: Connection,
  request: KubeRequest,
  site: ErrorSite,
  signal: AbortSignal | undefined,
): AsyncGenerator<WatchEvent<T>[], void, undefined> {
  if (signal?.aborted) return;
  try {
    const response = await conn.send(request, signal ? { stream: true, signal } : { stream: true });
    for await (const lines of lineBatches(response.stream(), { site })) {
      if (signal?.aborted) return;
      const events: WatchEvent<T>[] = [];
      for (const line of lines) {
        let event: WatchEvent<T> | undefined;
        try {
          event = parseWatchLine<T>(line, site);
        } catch (error) {
          // The events before a bad line (or an ERROR event) are delivered first.
          if (events.length > 0) yield events;
          throw error;
        }
        if (event) events.push(event);
      }
      if (events.length > 0) yield events;
    }
  } catch (error) {
    if (signal?.aborted) return;
    throw error;
  }
}

/**
 * Parses one line of a watch stream. Blank lines give undefined. An ERROR event is thrown
 * as ApiError. Messages never quote the line: it may hold a Secret.
 *
 * @example parseWatchLine('{"type":"ADDED","object":{"kind":"Pod"}}', {}) // { type: "ADDED", object: {...} }
 */
export function parseWatchLine<T>(line: string, site: ErrorSite): WatchEvent<T> | undefined {
  if (line.trim() === "") return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(line);
  } catch {
    throw new DecodeError(`watch stream sent a line that is not JSON (${line.length} characters)`, site);
  }
  if (!isRecord(parsed) || !isRecord(parsed.object) || typeof parsed.type !== "string") {
    throw new DecodeError(`watch stream sent JSON that is not a watch event (no "type" or "object")`, site);
  }
  switch (parsed.type) {
    case "ADDED":
    case "MODIFIED":
    case "DELETED":
      return { type: parsed.type, object: parsed.object as T };
    case "BOOKMARK": {
      const metadata = parsed.object.metadata;
      if (!isRecord(metadata) || typeof metadata.resourceVersion !== "string") {
        throw new DecodeError("watch stream sent a BOOKMARK without metadata.resourceVersion", site);
      }
      return { type: "BOOKMARK", object: parsed.object as unknown as BookmarkObject };
    }
    case "ERROR":
      throw new ApiError(toStatus(parsed.object), site);
    default:
      throw new DecodeError(`watch stream sent an event of unknown type "${excerpt(parsed.type, 40)}"`, site);
  }
}

/** True for the bookmark that ends a streaming list's initial events. */
export function isInitialEventsEnd(event: WatchEvent<unknown>): boolean {
  return event.type === "BOOKMARK" && event.object.metadata.annotations?.[INITIAL_EVENTS_END_ANNOTATION] === "true";
}
