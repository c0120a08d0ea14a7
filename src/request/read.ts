/**
 * Requests that read: get, list (one namespace or all) and watch. Each verb has its own
 * params type and checks the API server's list/watch option rules before sending.
 */
import { ValidationError } from "../base/errors.ts";
import type { KubeRequest } from "./types.ts";
import { describeResource, requireVerb, resourcePath, type ResourceRef } from "./path.ts";
import { checkBoolean, checkInteger, checkOneOf, checkString, compact } from "./param-checks.ts";
import { fieldSelectorParam, labelSelectorParam, type LabelSelector } from "./selectors.ts";

export type ResourceVersionMatch = "NotOlderThan" | "Exact";

/** Label and field selectors, shared by list, watch and deletecollection. */
export interface SelectorParams {
  /** "app=web,tier!=db", a map of labels, or a meta/v1 LabelSelector. */
  labelSelector?: string | LabelSelector | Readonly<Record<string, string>> | undefined;
  /** "status.phase=Running" or a map of field paths to values. */
  fieldSelector?: string | Readonly<Record<string, string>> | undefined;
}

/** The parameters of a list (one page). */
export interface ListParams extends SelectorParams {
  /** Page size: a positive integer. The response's metadata.continue fetches the next page. */
  limit?: number | undefined;
  /** The continue token of the previous page. */
  continue?: string | undefined;
  /** "0": any cached version; unset: the most recent (a quorum read). */
  resourceVersion?: string | undefined;
  /** How resourceVersion is matched; needs resourceVersion. */
  resourceVersionMatch?: ResourceVersionMatch | undefined;
  /** Server-side limit on the call's duration. */
  timeoutSeconds?: number | undefined;
}

/** The parameters of a watch. */
export interface WatchParams extends SelectorParams {
  /** Start after this version; "0" or unset: start with synthetic ADDED events. */
  resourceVersion?: string | undefined;
  /** For watches only "NotOlderThan", and only together with sendInitialEvents. */
  resourceVersionMatch?: "NotOlderThan" | undefined;
  /**
   * Server-side duration of the watch; the server closes the stream cleanly when it ends.
   * Any non-negative integer: the 295 s ceiling kube-rs enforces came from its own 295 s
   * client read timeout, not from the API server, and our streams have no such timeout.
   */
  timeoutSeconds?: number | undefined;
  /** Ask for BOOKMARK events (resourceVersion progress without object changes). */
  allowWatchBookmarks?: boolean | undefined;
  /** Streaming list: ADDED events for the current state first, then an initial-events-end bookmark. */
  sendInitialEvents?: boolean | undefined;
}

/** The parameters of a get. */
export interface GetParams {
  /** "0": served from the watch cache; unset: the most recent. */
  resourceVersion?: string | undefined;
}

function selectorQuery(action: string, p: SelectorParams | undefined) {
  const labelSelector = labelSelectorParam(p?.labelSelector);
  const fieldSelector = fieldSelectorParam(p?.fieldSelector);
  for (const [name, value] of [["labelSelector", labelSelector], ["fieldSelector", fieldSelector]] as const) {
    if (value !== undefined && typeof value !== "string") {
      throw new ValidationError(`${action}: ${name} must be a string or an object`);
    }
  }
  return { labelSelector: labelSelector || undefined, fieldSelector: fieldSelector || undefined };
}

/** The API server's ValidateListOptions for a list (not a watch). */
export function listQuery(action: string, p: ListParams | undefined): NonNullable<KubeRequest["query"]> {
  const resourceVersion = p?.resourceVersion === undefined ? undefined : String(p.resourceVersion);
  // "" is what the last page returns as its continue token: it means "from the start".
  const cont = p?.continue === "" ? undefined : checkString(action, "continue", p?.continue);
  const match = checkOneOf(action, "resourceVersionMatch", p?.resourceVersionMatch, ["NotOlderThan", "Exact"]);
  if (match !== undefined) {
    if (!resourceVersion) {
      throw new ValidationError(`${action}: resourceVersionMatch is forbidden unless resourceVersion is provided`);
    }
    if (cont !== undefined) {
      throw new ValidationError(`${action}: resourceVersionMatch is forbidden when continue is provided`);
    }
    if (match === "Exact" && resourceVersion === "0") {
      throw new ValidationError(`${action}: resourceVersionMatch "Exact" is forbidden for resourceVersion "0"`);
    }
  }
  return compact({
    ...selectorQuery(action, p),
    limit: checkInteger(action, "limit", p?.limit, 1),
    continue: cont,
    resourceVersion,
    resourceVersionMatch: match,
    timeoutSeconds: checkInteger(action, "timeoutSeconds", p?.timeoutSeconds, 0),
  });
}

/** The API server's validateWatchOptions. */
export function watchQuery(action: string, p: WatchParams | undefined): NonNullable<KubeRequest["query"]> {
  const match = checkOneOf(action, "resourceVersionMatch", p?.resourceVersionMatch, ["NotOlderThan"]);
  const sendInitialEvents = checkBoolean(action, "sendInitialEvents", p?.sendInitialEvents);
  if (sendInitialEvents !== undefined && match !== "NotOlderThan") {
    throw new ValidationError(`${action}: sendInitialEvents requires resourceVersionMatch "NotOlderThan"`);
  }
  if (match !== undefined && sendInitialEvents === undefined) {
    throw new ValidationError(`${action}: resourceVersionMatch is forbidden for watch unless sendInitialEvents is provided`);
  }
  return compact({
    watch: true,
    ...selectorQuery(action, p),
    resourceVersion: p?.resourceVersion === undefined ? undefined : String(p.resourceVersion),
    resourceVersionMatch: match,
    sendInitialEvents,
    allowWatchBookmarks: checkBoolean(action, "allowWatchBookmarks", p?.allowWatchBookmarks),
    timeoutSeconds: checkInteger(action, "timeoutSeconds", p?.timeoutSeconds, 0),
  });
}

/**
 * GET a collection: in one namespace, or across all namespaces when `namespace` is
 * undefined and the kind is namespaced.
 *
 * @example listRequest(Pod, "default", { labelSelector: { app: "web" }, limit: 50 })
 * // { method: "GET", path: "/api/v1/namespaces/default/pods", query: { labelSelector: "app=web", limit: 50 } }
 */
export function listRequest(r: ResourceRef, namespace: string | undefined, params?: ListParams): KubeRequest {
  const action = `list ${describeResource(r)}`;
  requireVerb(r, "list", "list");
  return { method: "GET", path: resourcePath(r, "list", { namespace }), query: listQuery(action, params) };
}

/**
 * GET a collection with watch=true: a stream of JSON watch events, one per line.
 *
 * @example watchRequest(ConfigMap, "default", { resourceVersion: "123", allowWatchBookmarks: true })
 */
export function watchRequest(r: ResourceRef, namespace: string | undefined, params?: WatchParams): KubeRequest {
  const action = `watch ${describeResource(r)}`;
  requireVerb(r, "watch", "watch");
  return { method: "GET", path: resourcePath(r, "watch", { namespace }), query: watchQuery(action, params) };
}

/**
 * GET one object by name.
 *
 * @example getRequest(Deployment, "prod", "web") // GET /apis/apps/v1/namespaces/prod/deployments/web
 */
export function getRequest(r: ResourceRef, namespace: string | undefined, name: string, params?: GetParams): KubeRequest {
  requireVerb(r, "get", "get");
  const path = resourcePath(r, "get", { namespace, name });
  const resourceVersion = params?.resourceVersion === undefined ? undefined : String(params.resourceVersion);
  return resourceVersion === undefined
    ? { method: "GET", path }
    : { method: "GET", path, query: { resourceVersion } };
}
