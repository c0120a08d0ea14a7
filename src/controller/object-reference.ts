/**
 * The small value conversions the toolkit's writers share: an object as a core/v1
 * ObjectReference, and a Date as metav1.MicroTime (which the API server parses with exactly six
 * fractional digits).
 */
import { ValidationError } from "../base/errors.ts";
import type { KubeObject } from "../base/object.ts";
import type { ObjectReference } from "../../generated/k8s/core/v1/index.ts";

/**
 * apiVersion, kind, namespace, name and uid of an object (no resourceVersion, so references to
 * one object at different versions are equal).
 *
 * @example objectReference(pod) // { apiVersion: "v1", kind: "Pod", namespace: "prod", name: "web-0", uid: "…" }
 */
export function objectReference(object: KubeObject): ObjectReference {
  const m = object.metadata;
  if (!m?.name) throw new ValidationError("an object reference needs metadata.name");
  return {
    ...(object.apiVersion !== undefined && { apiVersion: object.apiVersion }),
    ...(object.kind !== undefined && { kind: object.kind }),
    ...(m.namespace !== undefined && m.namespace !== "" && { namespace: m.namespace }),
    name: m.name,
    ...(m.uid !== undefined && { uid: m.uid }),
  };
}

/**
 * metav1.MicroTime: RFC 3339 in UTC with six fractional digits.
 *
 * @example microTime(new Date(0)) // "1970-01-01T00:00:00.000000Z"
 */
export function microTime(date: Date): string {
  return date.toISOString().replace(/\.(\d{3})Z$/, ".$1000Z");
}
