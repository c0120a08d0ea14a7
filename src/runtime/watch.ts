/**
 * One WATCH request as an async iterable of typed events. No retries and no relisting:
 * that is the watcher's job (watcher.ts). This is the thin layer over one HTTP stream.
 */
import type { Connection } from "../connection-types.ts";
import { ApiError, DecodeError, type ErrorSite, type Status } from "../errors.ts";
import type { KubeRequest } from "../request/types.ts";
import { lineBatches } from "../transport/line-decoder.ts";
import { buildWatchRequest, type WatchQuery } from "./watch-request.ts";

/** The object of a BOOKMARK event: only a resourceVersion (and annotations) are meaningful. */
export interface BookmarkObject {
  apiVersion?: string;
  kind?: string;
  metadata: { resourceVersion: string; annotations?: Record<string, string> };
}

export type WatchEvent<T> =
  | { type: "ADDED" | "MODIFIED" | "DELETED"; object: T }
  | { type: "BOOKMARK"; object: BookmarkObject };

export type WatchEventType = WatchEvent<unknown>["type"];

/** The bookmark annotation that marks the end of a streaming list's initial events. */
export const INITIAL_EVENTS_END_ANNOTATION = "k8s.io/initial-events-end";

export interface WatchOptions extends WatchQuery {
  /** Aborting ends the iteration cleanly (no error). */
  signal?: AbortSignal;
}

/**
 * Watches a collection: one request, one stream of events, until the server closes it,
 * the connection fails (TransportError) or `signal` aborts (clean end). An ERROR event from
 * the server is thrown as an ApiError carrying its Status (use `isGone(e)` for 410).
 * A line that is not a watch event throws a DecodeError.
 *
 * `target` is a collection path, or a KubeRequest built elsewhere; the options' query
 * parameters are added to it.
 *
 * @example
 * for await (const ev of watch<ConfigMap>(conn, "/api/v1/namespaces/ns/configmaps", { signal })) {
 *   if (ev.type !== "BOOKMARK") console.log(ev.type, ev.object.metadata?.name);
 * }
 */
export function watch<T = unknown>(
  conn: Connection,
  target: string | KubeRequest,
  options: WatchOptions = {},
): AsyncIterable<WatchEvent<T>> {
  const { signal, ...query } = options;
  const request = typeof target === "string" ? buildWatchRequest(target, query) : mergeQuery(target, query);
  const site: ErrorSite = {
    server: conn.server,
    context: conn.contextName,
    method: "GET",
    path: request.path,
  };
  return { [Symbol.asyncIterator]: () => streamEvents<T>(conn, request, site, signal) };
}

async function* streamEvents<T>(
  conn: Connection,
  request: KubeRequest,
  site: ErrorSite,
  signal: AbortSignal | undefined,
): AsyncGenerator<WatchEvent<T>, void, undefined> {
  if (signal?.aborted) return;
  try {
    const response = await conn.send(request, signal ? { stream: true, signal } : { stream: true });
    for await (const lines of lineBatches(response.stream())) {
      for (const line of lines) {
        if (signal?.aborted) return;
        const event = parseWatchLine<T>(line, site);
        if (event) yield event;
      }
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
      throw new ApiError(parsed.object as Status, site);
    default:
      throw new DecodeError(`watch stream sent an event of unknown type "${parsed.type.slice(0, 40)}"`, site);
  }
}

/** True for the bookmark that ends a streaming list's initial events. */
export function isInitialEventsEnd(event: WatchEvent<unknown>): boolean {
  return event.type === "BOOKMARK" && event.object.metadata.annotations?.[INITIAL_EVENTS_END_ANNOTATION] === "true";
}

function mergeQuery(request: KubeRequest, query: WatchQuery): KubeRequest {
  const extra = buildWatchRequest(request.path, query).query;
  return { ...request, query: { ...request.query, ...extra } };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
