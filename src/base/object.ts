/**
 * The object shapes every layer shares regardless of kind: metadata, the object itself, the
 * open object of kinds unknown at compile time, lists, and the Status rule. Generated kinds
 * fit these structurally.
 */
import type { Status } from "./errors.ts";

/** The meta/v1 ObjectMeta fields the SDK reads; the generated `ObjectMeta` is a superset. */
export interface ObjectMetaLike {
  name?: string;
  generateName?: string;
  namespace?: string;
  uid?: string;
  resourceVersion?: string;
  generation?: number;
  creationTimestamp?: string;
  deletionTimestamp?: string;
  labels?: { [key: string]: string };
  annotations?: { [key: string]: string };
  finalizers?: string[];
  ownerReferences?: { apiVersion: string; kind: string; name: string; uid: string; controller?: boolean; blockOwnerDeletion?: boolean }[];
  managedFields?: unknown[];
}

/**
 * What every Kubernetes object has: identity and metadata. Every generated kind satisfies it,
 * so it is the constraint of the watcher, informers and caches.
 */
export interface KubeObject {
  apiVersion?: string;
  kind?: string;
  metadata?: ObjectMetaLike;
}

/**
 * An object of a kind unknown at compile time (what the dynamic client and discovery give):
 * the identity fields are typed, every other field is open.
 */
export interface DynamicObject extends KubeObject {
  [field: string]: unknown;
}

/** meta/v1 ListMeta. */
export interface ListMeta {
  resourceVersion?: string;
  /** Token for the next page; empty or absent on the last page. */
  continue?: string;
  /** An estimate of the items left after this page (only with limit). */
  remainingItemCount?: number;
  selfLink?: string;
}

/** A list response (e.g. DeploymentList): items of T plus ListMeta. */
export interface KubeList<T> {
  apiVersion?: string;
  kind?: string;
  metadata: ListMeta;
  items: T[];
}

/**
 * Whether a value is a meta/v1 Status rather than an object: `kind: "Status"`, or (as some
 * proxies and older servers answer errors) no kind but a numeric `code` with a message or
 * reason. An object of any kind always names its kind, so the second form cannot be one.
 *
 * @example const result = await pods.delete("p"); if (!isStatus(result)) console.log(result.metadata?.deletionTimestamp);
 */
export function isStatus(value: unknown): value is Status {
  if (!isRecord(value)) return false;
  if (value.kind === "Status") return true;
  return value.kind === undefined && typeof value.code === "number" && (typeof value.message === "string" || typeof value.reason === "string");
}

/**
 * A plain JSON or YAML mapping: not null, not an array, not a YAML timestamp (a Date).
 *
 * @example isRecord(JSON.parse(text)) // true for "{}", false for "[]" and "null"
 */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value) && !(value instanceof Date);
}

/**
 * The cache key of an object: "namespace/name", or "name" for cluster-scoped objects
 * (the same convention as client-go's MetaNamespaceKeyFunc).
 *
 * @example objectKey({ metadata: { namespace: "prod", name: "web" } }) // "prod/web"
 */
export function objectKey(object: KubeObject): string {
  const name = object.metadata?.name ?? "";
  const namespace = object.metadata?.namespace;
  return namespace ? `${namespace}/${name}` : name;
}

/**
 * The resourceVersion of an object, if it has one ("" counts as none).
 *
 * @example resourceVersionOf({ metadata: { resourceVersion: "42" } }) // "42"
 */
export function resourceVersionOf(object: KubeObject): string | undefined {
  const rv = object.metadata?.resourceVersion;
  return rv === "" ? undefined : rv;
}

/**
 * A server's Status made trustworthy: `code` a number (else `fallbackCode`), `reason`,
 * `message` and `status` strings, `details` a mapping whose `causes` are mappings and whose
 * `retryAfterSeconds` is a number; fields of the wrong type are dropped, never passed on.
 *
 * @example toStatus({ kind: "Status", code: {}, reason: [] }, 500) // { kind: "Status", code: 500 }
 */
export function toStatus(value: Record<string, unknown>, fallbackCode?: number): Status {
  const out: Record<string, unknown> = {};
  for (const key of ["apiVersion", "kind", "status", "message", "reason"] as const) {
    if (typeof value[key] === "string") out[key] = value[key];
  }
  const code = typeof value.code === "number" && Number.isFinite(value.code) ? value.code : fallbackCode;
  if (code !== undefined) out.code = code;
  if (isRecord(value.metadata)) out.metadata = value.metadata;
  const details = value.details;
  if (isRecord(details)) {
    const d: Record<string, unknown> = {};
    for (const key of ["name", "group", "kind", "uid"] as const) if (typeof details[key] === "string") d[key] = details[key];
    if (typeof details.retryAfterSeconds === "number" && Number.isFinite(details.retryAfterSeconds)) d.retryAfterSeconds = details.retryAfterSeconds;
    if (Array.isArray(details.causes)) {
      d.causes = details.causes.filter(isRecord).map((c) => {
        const cause: Record<string, string> = {};
        for (const key of ["type", "message", "field"] as const) if (typeof c[key] === "string") cause[key] = c[key];
        return cause;
      });
    }
    out.details = d;
  }
  return out as Status;
}

/**
 * Removes `metadata.managedFields` (server-side apply bookkeeping, often the largest part of a
 * small object) in place and returns the object: a ready-made `transform` for informers that
 * never read it.
 *
 * @example const inf = informer(api(conn, ConfigMap), { transform: dropManagedFields });
 */
export function dropManagedFields<T extends KubeObject>(object: T): T {
  if (object.metadata?.managedFields !== undefined) delete object.metadata.managedFields;
  return object;
}
