/**
 * The two requests the runtime sends: a LIST page and a WATCH on a collection path. The
 * query is built and checked by src/request (the same rules as listRequest/watchRequest),
 * so a mistake fails with a ValidationError instead of a 422 from the server.
 */
import { listPathRequest, watchPathRequest } from "../request/read.ts";
import type { KubeRequest } from "../request/types.ts";

/** Selectors shared by list and watch. */
export interface SelectorOptions {
  /** e.g. "app=web,tier!=cache". */
  labelSelector?: string;
  /** e.g. "metadata.name=web". */
  fieldSelector?: string;
}

export interface WatchQuery extends SelectorOptions {
  /** Start after this version; absent: start at the most recent state. */
  resourceVersion?: string;
  /** Only with sendInitialEvents (the API forbids it on a plain watch). */
  resourceVersionMatch?: "NotOlderThan";
  /** Ask for BOOKMARK events, which carry progress without an object change. */
  allowWatchBookmarks?: boolean;
  /** The server closes the stream after this many seconds. */
  timeoutSeconds?: number;
  /** Streaming list: the current state as ADDED events first, then a bookmark. */
  sendInitialEvents?: boolean;
}

export interface ListQuery extends SelectorOptions {
  /** Page size; absent or 0: everything in one response. */
  limit?: number;
  /** Token from the previous page. */
  continueToken?: string;
  resourceVersion?: string;
  resourceVersionMatch?: "NotOlderThan" | "Exact";
}

/** Just the selectors of a larger options object, leaving absent ones out. */
export function selectorsOf(options: SelectorOptions): SelectorOptions {
  const { labelSelector, fieldSelector } = options;
  return {
    ...(labelSelector !== undefined ? { labelSelector } : {}),
    ...(fieldSelector !== undefined ? { fieldSelector } : {}),
  };
}

const ACCEPT_JSON = { accept: "application/json" };

/**
 * Builds a WATCH request on a collection path.
 *
 * @example
 * buildWatchRequest("/api/v1/namespaces/ns/configmaps", { resourceVersion: "42", allowWatchBookmarks: true })
 * // { method: "GET", path: "/api/v1/namespaces/ns/configmaps",
 * //   query: { watch: true, resourceVersion: "42", allowWatchBookmarks: true }, headers: {...} }
 */
export function buildWatchRequest(path: string, query: WatchQuery = {}): KubeRequest {
  return { ...watchPathRequest(path, query), headers: { ...ACCEPT_JSON } };
}

/**
 * Builds one LIST page request on a collection path.
 *
 * @example
 * buildListRequest("/apis/apps/v1/deployments", { limit: 500, continueToken: token })
 */
export function buildListRequest(path: string, query: ListQuery = {}): KubeRequest {
  const { limit, continueToken, ...rest } = query;
  // Here a limit of 0 means "no limit", so it is left out rather than rejected.
  const params = { ...rest, limit: limit === 0 ? undefined : limit, continue: continueToken };
  return { ...listPathRequest(path, params), headers: { ...ACCEPT_JSON } };
}
