/**
 * Pure builders for the two requests the runtime sends: a LIST page and a WATCH on a
 * collection path. They check the API's rules for these parameters before anything is
 * sent, so a mistake fails here with a ValidationError instead of a 422 from the server.
 */
import { ValidationError } from "../errors.ts";
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
  checkPath(path);
  checkSeconds("timeoutSeconds", query.timeoutSeconds);
  if (query.sendInitialEvents !== undefined && query.resourceVersionMatch !== "NotOlderThan") {
    throw new ValidationError(
      `sendInitialEvents requires resourceVersionMatch "NotOlderThan" (watch ${path})`,
    );
  }
  if (query.resourceVersionMatch !== undefined && query.sendInitialEvents === undefined) {
    throw new ValidationError(`resourceVersionMatch on a watch requires sendInitialEvents (watch ${path})`);
  }
  return {
    method: "GET",
    path,
    query: dropUndefined({
      watch: true,
      resourceVersion: query.resourceVersion,
      resourceVersionMatch: query.resourceVersionMatch,
      allowWatchBookmarks: query.allowWatchBookmarks,
      timeoutSeconds: query.timeoutSeconds,
      sendInitialEvents: query.sendInitialEvents,
      labelSelector: query.labelSelector,
      fieldSelector: query.fieldSelector,
    }),
    headers: { ...ACCEPT_JSON },
  };
}

/**
 * Builds one LIST page request on a collection path.
 *
 * @example
 * buildListRequest("/apis/apps/v1/deployments", { limit: 500, continueToken: token })
 */
export function buildListRequest(path: string, query: ListQuery = {}): KubeRequest {
  checkPath(path);
  if (query.limit !== undefined && !(Number.isInteger(query.limit) && query.limit >= 0)) {
    throw new ValidationError(`limit must be a non-negative integer, got ${query.limit} (list ${path})`);
  }
  if (query.resourceVersionMatch !== undefined && !query.resourceVersion) {
    throw new ValidationError(`resourceVersionMatch requires resourceVersion (list ${path})`);
  }
  if (query.resourceVersionMatch !== undefined && query.continueToken) {
    throw new ValidationError(`resourceVersionMatch is not allowed with a continue token (list ${path})`);
  }
  return {
    method: "GET",
    path,
    query: dropUndefined({
      limit: query.limit || undefined,
      continue: query.continueToken || undefined,
      resourceVersion: query.resourceVersion,
      resourceVersionMatch: query.resourceVersionMatch,
      labelSelector: query.labelSelector,
      fieldSelector: query.fieldSelector,
    }),
    headers: { ...ACCEPT_JSON },
  };
}

function checkPath(path: string): void {
  if (!path.startsWith("/") || path.includes("?")) {
    throw new ValidationError(`a collection path starts with "/" and has no query, got "${path}"`);
  }
}

function checkSeconds(name: string, value: number | undefined): void {
  if (value !== undefined && !(Number.isInteger(value) && value >= 0)) {
    throw new ValidationError(`${name} must be a non-negative integer, got ${value}`);
  }
}

function dropUndefined(
  query: Record<string, string | number | boolean | undefined>,
): Record<string, string | number | boolean> {
  const out: Record<string, string | number | boolean> = {};
  for (const [key, value] of Object.entries(query)) if (value !== undefined) out[key] = value;
  return out;
}
