/**
 * What a diff compares: objects without the fields the server sets on every write
 * (managedFields, resourceVersion, generation), and Secrets with their values masked, as
 * `kubectl diff` masks them, so no secret value ever reaches a diff.
 */
import { isRecord, type DynamicObject, type KubeObject } from "../base/object.ts";

const NOISE = ["managedFields", "resourceVersion", "generation"] as const;

/**
 * A copy without server-set bookkeeping fields.
 *
 * @example comparable(live).metadata?.managedFields // undefined
 */
export function comparable(object: KubeObject): DynamicObject {
  const copy = structuredClone(object) as DynamicObject;
  if (copy.metadata) for (const field of NOISE) delete copy.metadata[field];
  return copy;
}

/**
 * Deep equality of JSON values, object key order ignored.
 *
 * @example sameJson({ a: 1, b: [2] }, { b: [2], a: 1 }) // true
 */
export function sameJson(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a) || Array.isArray(b)) {
    return Array.isArray(a) && Array.isArray(b) && a.length === b.length && a.every((v, i) => sameJson(v, b[i]));
  }
  if (!isRecord(a) || !isRecord(b)) return false;
  const ka = Object.keys(a).filter((k) => a[k] !== undefined);
  const kb = Object.keys(b).filter((k) => b[k] !== undefined);
  return ka.length === kb.length && ka.every((k) => sameJson(a[k], b[k]));
}

const isSecret = (o: KubeObject | undefined) => o?.kind === "Secret" && (o.apiVersion === "v1" || o.apiVersion === undefined);

function maskValues(values: unknown, other: unknown, side: "before" | "after"): unknown {
  if (!isRecord(values)) return values;
  const theirs = isRecord(other) ? other : {};
  return Object.fromEntries(
    Object.keys(values).map((k) => [k, k in theirs && theirs[k] !== values[k] ? `*** (${side})` : "***"]),
  );
}

/**
 * Replaces the values of a Secret's data and stringData with "***", or "*** (before)" and
 * "*** (after)" where they differ, as kubectl diff does. Other kinds pass through.
 *
 * @example const [b, a] = maskSecrets(liveSecret, appliedSecret);
 */
export function maskSecrets<T extends KubeObject | undefined>(before: T, after: T): [T, T] {
  if (!isSecret(before) && !isSecret(after)) return [before, after];
  const mask = (o: T, other: T, side: "before" | "after"): T => {
    if (!o) return o;
    const copy = { ...(o as DynamicObject) };
    const otherRecord = (other ?? {}) as DynamicObject;
    for (const field of ["data", "stringData"]) {
      if (copy[field] !== undefined) copy[field] = maskValues(copy[field], otherRecord[field], side);
    }
    // The last-applied annotation of a client-side apply holds the whole Secret.
    const annotations = copy.metadata?.annotations;
    if (annotations?.["kubectl.kubernetes.io/last-applied-configuration"] !== undefined) {
      copy.metadata = { ...copy.metadata, annotations: { ...annotations, "kubectl.kubernetes.io/last-applied-configuration": "***" } };
    }
    return copy as unknown as T;
  };
  return [mask(before, after, "before"), mask(after, before, "after")];
}
