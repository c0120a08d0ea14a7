/**
 * One WATCH request as an async iterable of typed events. No retries and no relisting:
 * that is the watcher's job (watcher.ts). This is the thin layer over one HTTP stream.
 */
import type { Connection } from "../connection/types.ts";
import { ApiError, DecodeError, type ErrorSite } from "../base/errors.ts";
import { isRecord, toStatus } from "../base/object.ts";
import { excerpt } from "../base/secrets.ts";
import type { KubeRequest } from "../request/types.ts";
import { LineSplitter } from "../transport/line-decoder.ts";
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
  // "?watch=true" tells a watch's failure from the same path's list in messages; the rest of the
  // query (selectors, resourceVersion) stays out, as for every other request.
  const site = siteOf(conn, { method: request.method, path: `${request.path}?watch=true` });
  const signal = options.signal;
  return {
    [Symbol.asyncIterator]: () => new EventIterator(streamBatches<T>(conn, request, site, signal), signal),
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

/**
 * Events one by one from their batches. Hand-written rather than an async generator: an event
 * already read costs one resolved promise, not a generator resumption (a fifth of the client's
 * CPU per event on Node). Calls to next() are served in order, even when they overlap.
 */
class EventIterator<T> implements AsyncIterableIterator<WatchEvent<T>> {
  private buffer: WatchEvent<T>[] = [];
  private index = 0;
  private finished = false;
  /** Calls to next() not yet settled, and the last of them: a later call waits for it. */
  private pending = 0;
  private tail: Promise<unknown> = Promise.resolve();
  private readonly batches: AsyncIterator<WatchEvent<T>[]>;
  private readonly signal: AbortSignal | undefined;

  constructor(batches: AsyncIterator<WatchEvent<T>[]>, signal: AbortSignal | undefined) {
    this.batches = batches;
    this.signal = signal;
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  next(): Promise<IteratorResult<WatchEvent<T>, undefined>> {
    // A consumer that aborts while handling an event gets no more, even from the same chunk.
    if (this.pending === 0 && this.index < this.buffer.length && !this.signal?.aborted) {
      return Promise.resolve({ value: this.buffer[this.index++]!, done: false });
    }
    this.pending++;
    // Settles after the count drops, so the caller's next call can take the fast path.
    const settled = this.tail.then(() => this.pull()).finally(() => this.pending--);
    this.tail = settled.catch(() => undefined);
    return settled;
  }

  async return(): Promise<IteratorResult<WatchEvent<T>, undefined>> {
    this.close();
    await this.batches.return?.();
    return { value: undefined, done: true };
  }

  private async pull(): Promise<IteratorResult<WatchEvent<T>, undefined>> {
    for (;;) {
      if (this.finished) return { value: undefined, done: true };
      if (this.signal?.aborted) return this.return();
      if (this.index < this.buffer.length) return { value: this.buffer[this.index++]!, done: false };
      let next: IteratorResult<WatchEvent<T>[]>;
      try {
        next = await this.batches.next();
      } catch (error) {
        this.close();
        throw error;
      }
      if (next.done) {
        this.close();
        return { value: undefined, done: true };
      }
      this.buffer = next.value;
      this.index = 0;
    }
  }

  private close(): void {
    this.finished = true;
    this.buffer = [];
    this.index = 0;
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
    // Decoding and splitting inline (not through lineBatches) saves a generator step per chunk.
    const decoder = new TextDecoder("utf-8");
    const splitter = new LineSplitter({ site });
    for await (const chunk of response.stream()) {
      if (signal?.aborted) return;
      const events: WatchEvent<T>[] = [];
      const failure = parseLines(splitter.push(decoder.decode(chunk, { stream: true })), site, events);
      if (events.length > 0) yield events;
      if (failure) throw failure.error;
    }
    const lines = splitter.push(decoder.decode());
    const last = splitter.end();
    if (last !== undefined) lines.push(last);
    const events: WatchEvent<T>[] = [];
    const failure = parseLines(lines, site, events);
    if (events.length > 0) yield events;
    if (failure) throw failure.error;
  } catch (error) {
    if (signal?.aborted) return;
    throw error;
  }
}

/**
 * Appends the events of `lines` to `events`. A bad line (or an ERROR event) ends them: its
 * error is returned, to be thrown once the events before it are delivered.
 */
function parseLines<T>(lines: string[], site: ErrorSite, events: WatchEvent<T>[]): { error: unknown } | undefined {
  for (const line of lines) {
    let event: WatchEvent<T> | undefined;
    try {
      event = parseWatchLine<T>(line, site);
    } catch (error) {
      return { error };
    }
    if (event) events.push(event);
  }
  return undefined;
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
