/**
 * URL paths of the Kubernetes REST API: core group under /api/v1, every other group under
 * /apis/<group>/<version>, then optionally /namespaces/<ns>, the plural, the name and a
 * subresource. Pure; every user-supplied segment is checked and percent-encoded here.
 */
import { ValidationError } from "../base/errors.ts";
import type { ResourceType, Verb } from "../base/resource.ts";
import type { KubeRequest } from "./types.ts";

/** What request building needs to know about a resource (a generated ResourceType fits). */
export type ResourceRef = Pick<
  ResourceType,
  "group" | "version" | "kind" | "plural" | "namespaced" | "verbs" | "subresources" | "custom"
>;

/**
 * "deployments.apps" or "pods", for messages.
 *
 * @example describeResource({ group: "apps", plural: "deployments" }) // "deployments.apps"
 */
export function describeResource(r: Pick<ResourceRef, "group" | "plural">): string {
  return r.group === "" ? r.plural : `${r.plural}.${r.group}`;
}

/**
 * "/api/v1" or "/apis/apps/v1".
 *
 * @example groupVersionPath({ group: "", version: "v1" }) // "/api/v1"
 */
export function groupVersionPath(r: Pick<ResourceRef, "group" | "version">): string {
  const known = checkedGroupVersions.get(r.group)?.get(r.version);
  if (known !== undefined) return known;
  const path = checkGroupVersion(r);
  let byVersion = checkedGroupVersions.get(r.group);
  // Bounded: a program names a few hundred group/versions at most (the generated table, discovery).
  if (!byVersion && checkedGroupVersions.size < 1024) checkedGroupVersions.set(r.group, (byVersion = new Map()));
  if (byVersion && byVersion.size < 64) byVersion.set(r.version, path);
  return path;
}

/** Paths of group/versions already checked, by group and version: a request builds its path without regexes. */
const checkedGroupVersions = new Map<string, Map<string, string>>();

function checkGroupVersion(r: Pick<ResourceRef, "group" | "version">): string {
  if (typeof r.version !== "string" || !/^[a-z0-9]+$/.test(r.version)) {
    throw new ValidationError(`invalid API version ${JSON.stringify(r.version)}`);
  }
  if (r.group === "") return `/api/${r.version}`;
  // A group is a DNS subdomain; anything else would break out of its path segment.
  if (typeof r.group !== "string" || !/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/.test(r.group)) {
    throw new ValidationError(`invalid API group ${JSON.stringify(r.group)}`);
  }
  return `/apis/${r.group}/${r.version}`;
}

/**
 * Checks one user-supplied path segment (a name or namespace) against the API server's
 * own rule for path segment names: non-empty, not "." or "..", no "/" and no "%".
 *
 * @example checkSegment("name", "web-0") // "web-0"; checkSegment("name", "a/b") throws ValidationError
 */
export function checkSegment(what: string, value: unknown): string {
  if (typeof value !== "string" || value === "") {
    throw new ValidationError(`${what} must be a non-empty string, got ${preview(value)}`);
  }
  if (value === "." || value === "..") {
    throw new ValidationError(`${what} may not be ${JSON.stringify(value)}`);
  }
  const bad = /[/%]/.exec(value);
  if (bad) {
    throw new ValidationError(`${what} ${preview(value)} may not contain ${JSON.stringify(bad[0])}`);
  }
  checkUnicode(what, value);
  return value;
}

// A UTF-16 surrogate without its pair: no UTF-8 encoding exists, so no URL can carry it.
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/**
 * Refuses text that cannot be percent-encoded (a lone UTF-16 surrogate) with a
 * ValidationError, rather than the URIError encodeURIComponent would throw.
 *
 * @example checkUnicode("labelSelector", "app=\uD800") // throws ValidationError
 */
export function checkUnicode(what: string, value: string): string {
  if (LONE_SURROGATE.test(value)) throw new ValidationError(`${what} is not valid Unicode (it holds a lone UTF-16 surrogate)`);
  return value;
}

// What most names, namespaces and plurals are: nothing to refuse and nothing to encode.
const PLAIN_SEGMENT = /^[A-Za-z0-9._~-]+$/;

/**
 * checkSegment then encodeSegment, with a shortcut for the plain names most segments are.
 *
 * @example pathSegment(() => "name", "web-0") // "web-0"
 */
export function pathSegment(what: () => string, value: unknown): string {
  if (typeof value === "string" && PLAIN_SEGMENT.test(value) && value !== "." && value !== "..") return value;
  return encodeSegment(checkSegment(what(), value));
}

/**
 * Percent-encodes a path segment the way Go's url.PathEscape does: RFC 3986 unreserved
 * characters and the sub-delimiters `$&+,;=:@` stay readable (e.g. "system:nodes").
 *
 * @example encodeSegment("a b#c") // "a%20b%23c"
 */
export function encodeSegment(value: string): string {
  return encodeURIComponent(value).replace(/%(24|26|2B|2C|3B|3D|3A|40)/g, (_, hex: string) =>
    String.fromCharCode(parseInt(hex, 16)),
  );
}

/** Where a request goes: the resource, its namespace (if any), name and subresource. */
export interface Location {
  namespace?: string | undefined;
  name?: string | undefined;
  subresource?: string | undefined;
}

/**
 * Builds the path for a resource location and enforces scope: a cluster-scoped kind takes
 * no namespace, and a namespaced kind needs one unless the verb lists or watches across
 * all namespaces.
 *
 * @example resourcePath(Deployment, "get", { namespace: "prod", name: "web" }) // "/apis/apps/v1/namespaces/prod/deployments/web"
 */
export function resourcePath(r: ResourceRef, action: string, at: Location): string {
  let path = groupVersionPath(r);
  // Messages are built only for a failure.
  const what = (): string => `${action} of ${describeResource(r)}`;
  if (at.namespace !== undefined) {
    if (!r.namespaced) {
      throw new ValidationError(`${what()}: ${r.kind || r.plural} is cluster-scoped and takes no namespace`);
    }
    path += `/namespaces/${pathSegment(() => `${what()}: namespace`, at.namespace)}`;
  } else if (r.namespaced && at.name !== undefined) {
    throw new ValidationError(`${what()}: ${r.kind || r.plural} is namespaced; give a namespace`);
  }
  // Plurals and subresources come from the generated table, or from a server's discovery:
  // encoded all the same, so not even a hostile discovery document can add a query.
  path += `/${pathSegment(() => `${what()}: plural`, r.plural)}`;
  if (at.name !== undefined) path += `/${pathSegment(() => `${what()}: name`, at.name)}`;
  if (at.subresource !== undefined) {
    if (at.name === undefined) throw new ValidationError(`${what()}: a subresource needs a name`);
    path += `/${pathSegment(() => `${what()}: subresource`, at.subresource)}`;
  }
  return path;
}

/** Throws unless the resource serves `verb` (the table lists what the API really offers). */
export function requireVerb(r: ResourceRef, verb: Verb, action: string = verb): void {
  if (!r.verbs.includes(verb)) {
    throw new ValidationError(
      `${action} of ${describeResource(r)}: the API does not serve "${verb}" for ${r.kind || r.plural}` +
        ` (verbs: ${r.verbs.join(", ") || "none"})`,
    );
  }
}

/** Throws unless the resource has the subresource (e.g. "scale" on a ConfigMap). */
export function requireSubresource(r: ResourceRef, subresource: string): void {
  if (!r.subresources.includes(subresource)) {
    throw new ValidationError(
      `${describeResource(r)} has no "${subresource}" subresource` +
        ` (subresources: ${r.subresources.join(", ") || "none"})`,
    );
  }
}

/**
 * The path and query of a request as one string, exactly as sent: keys in insertion
 * order, undefined values left out, arrays repeating the key, values percent-encoded.
 *
 * @example requestTarget({ method: "GET", path: "/api/v1/pods", query: { limit: 5 } }) // "/api/v1/pods?limit=5"
 */
export function requestTarget(request: Pick<KubeRequest, "path" | "query">): string {
  const query = encodeQuery(request.query);
  return query ? `${request.path}?${query}` : request.path;
}

/**
 * A query as sent, without the "?": keys in insertion order, undefined values left out,
 * arrays repeating the key, keys and values percent-encoded (a space becomes %20).
 *
 * @example encodeQuery({ labelSelector: "app=web", limit: 5 }) // "labelSelector=app%3Dweb&limit=5"
 */
export function encodeQuery(query: KubeRequest["query"]): string {
  const pairs: string[] = [];
  for (const [key, value] of Object.entries(query ?? {})) {
    if (value === undefined) continue;
    const values = Array.isArray(value) ? value : [value];
    for (const v of values) pairs.push(`${encodeURIComponent(checkUnicode("a query parameter name", key))}=${encodeURIComponent(checkUnicode(`query parameter ${key}`, String(v)))}`);
  }
  return pairs.join("&");
}

/** A value for a message: short, quoted, never an object dump. */
export function preview(value: unknown): string {
  if (typeof value === "string") return JSON.stringify(value.length > 80 ? `${value.slice(0, 77)}...` : value);
  if (value === null || typeof value !== "object") return String(value);
  return Array.isArray(value) ? "an array" : "an object";
}
