/**
 * One LIST page, fetched and decoded. The watcher and the poller page through a
 * collection with this; the generic API client has its own richer list.
 */
import type { Connection } from "../connection-types.ts";
import { DecodeError, type ErrorSite } from "../errors.ts";
import { buildListRequest, type ListQuery } from "./watch-request.ts";

export interface ListPage<T> {
  items: T[];
  /** The collection's resourceVersion at the time of the list ("" counts as absent). */
  resourceVersion: string | undefined;
  /** Present when more pages follow. */
  continueToken: string | undefined;
}

/**
 * Fetches one page of a collection. List items come without apiVersion and kind; they
 * are filled in from the list's own (kind "ConfigMapList" gives "ConfigMap") so that
 * listed and watched objects look the same.
 *
 * @example const page = await fetchListPage<Pod>(conn, "/api/v1/pods", { limit: 500 });
 */
export async function fetchListPage<T>(
  conn: Connection,
  path: string,
  query: ListQuery,
  signal?: AbortSignal,
): Promise<ListPage<T>> {
  const request = buildListRequest(path, query);
  const site: ErrorSite = { server: conn.server, context: conn.contextName, method: "GET", path };
  const response = await conn.send(request, signal ? { signal } : {});
  const text = await response.text();
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw new DecodeError(`list response is not JSON (${text.length} characters)`, site);
  }
  if (!isRecord(body) || !Array.isArray(body.items)) {
    throw new DecodeError('list response has no "items" array', site);
  }
  const metadata = isRecord(body.metadata) ? body.metadata : {};
  const itemKind = typeof body.kind === "string" && body.kind.endsWith("List") ? body.kind.slice(0, -4) : undefined;
  const apiVersion = typeof body.apiVersion === "string" ? body.apiVersion : undefined;
  for (const item of body.items) {
    if (!isRecord(item)) throw new DecodeError("list response has an item that is not an object", site);
    if (item.kind === undefined && itemKind) item.kind = itemKind;
    if (item.apiVersion === undefined && apiVersion) item.apiVersion = apiVersion;
  }
  return {
    items: body.items as T[],
    resourceVersion: nonEmptyString(metadata.resourceVersion),
    continueToken: nonEmptyString(metadata.continue),
  };
}

function nonEmptyString(value: unknown): string | undefined {
  return typeof value === "string" && value !== "" ? value : undefined;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
