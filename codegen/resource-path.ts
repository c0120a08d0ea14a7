/**
 * Classifies Kubernetes API paths (`/apis/apps/v1/namespaces/{namespace}/deployments/{name}/scale`)
 * into group, version, plural, scope and subresource: the shape the OpenAPI loader reads kinds from.
 */

/** One `paths` entry, classified by where it points. */
export interface ParsedPath {
  readonly group: string;
  readonly version: string;
  readonly plural: string;
  readonly namespaced: boolean;
  /** True for `/{plural}/{name}` and its subresources. */
  readonly named: boolean;
  readonly subresource?: string;
  /** Deprecated `/watch/` form. */
  readonly watchPath: boolean;
}

/**
 * Classifies an API path; undefined for discovery and non-resource paths.
 *
 * @example
 * parseResourcePath("/apis/apps/v1/namespaces/{namespace}/deployments/{name}/scale");
 * // { group: "apps", version: "v1", plural: "deployments", namespaced: true, named: true, subresource: "scale", watchPath: false }
 */
export function parseResourcePath(path: string): ParsedPath | undefined {
  const segments = path.split("/").filter((s) => s !== "");
  let group: string;
  let version: string;
  let rest: string[];
  if (segments[0] === "api" && segments.length >= 2) {
    group = "";
    version = segments[1] as string;
    rest = segments.slice(2);
  } else if (segments[0] === "apis" && segments.length >= 3) {
    group = segments[1] as string;
    version = segments[2] as string;
    rest = segments.slice(3);
  } else {
    return undefined;
  }
  const watchPath = rest[0] === "watch";
  if (watchPath) rest = rest.slice(1);
  let namespaced = false;
  // "namespaces/{namespace}/x" is a namespaced resource; "namespaces/{name}" is the Namespace itself.
  if (rest[0] === "namespaces" && rest[1] === "{namespace}" && rest.length >= 3) {
    namespaced = true;
    rest = rest.slice(2);
  }
  const [plural, name, subresource] = rest;
  if (!plural || plural.startsWith("{")) return undefined;
  if (name !== undefined && !name.startsWith("{")) return undefined;
  const parsed: ParsedPath = { group, version, plural, namespaced, named: name !== undefined, watchPath };
  return subresource === undefined ? parsed : { ...parsed, subresource };
}
