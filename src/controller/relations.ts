/**
 * How events on other kinds become keys of the controller's own kind: an owned object names its
 * controller in an ownerReference (`owns`), anything else goes through a mapper (`watches`).
 */
import { ValidationError } from "../base/errors.ts";
import type { KubeObject } from "../base/object.ts";
import type { ResourceType } from "../base/resource.ts";
import type { ReadonlyCache } from "../runtime/informer-cache.ts";

/** A key of the controller's kind: "namespace/name", "name", or a { name, namespace } pair. */
export type KeyRef = string | { name: string; namespace?: string | undefined };

/**
 * Maps an object of a watched kind to the keys it affects (none: an empty array). `primary` is
 * the cache of the controller's own kind, to find the objects that refer to this one.
 */
export type KeyMapper<U, T = unknown> = (object: U, primary: ReadonlyCache<T>) => Iterable<KeyRef>;

/**
 * The cache key of a KeyRef.
 *
 * @example keyOfRef({ name: "web", namespace: "prod" }) // "prod/web"
 */
export function keyOfRef(ref: KeyRef): string {
  if (typeof ref === "string") {
    if (ref === "" || ref.split("/").length > 2) throw new ValidationError(`a key must be "namespace/name" or "name", got ${JSON.stringify(ref)}`);
    return ref;
  }
  if (typeof ref.name !== "string" || ref.name === "") throw new ValidationError("a key must have a name");
  return ref.namespace ? `${ref.namespace}/${ref.name}` : ref.name;
}

/**
 * A mapper for owned objects: the key of the ownerReference that is the controller
 * (`controller: true`) and of `owner`'s kind, in the owned object's namespace when the owner's
 * kind is namespaced.
 *
 * @example ownerMapper(ReplicaSet)(pod) // ["prod/web-7d4f"]
 */
export function ownerMapper(owner: Pick<ResourceType, "group" | "version" | "kind" | "namespaced">): KeyMapper<KubeObject> {
  if (!owner.kind) throw new ValidationError("owns(): the owner's resource must name its kind (ownerReferences match on kind)");
  return (object) => {
    const keys: string[] = [];
    for (const ref of object.metadata?.ownerReferences ?? []) {
      if (ref.controller !== true || ref.kind !== owner.kind || groupOf(ref.apiVersion) !== owner.group) continue;
      if (!owner.namespaced) keys.push(ref.name);
      else if (object.metadata?.namespace) keys.push(`${object.metadata.namespace}/${ref.name}`);
    }
    return keys;
  };
}

/** "apps/v1" → "apps"; "v1" → "" (any version of the group owns: versions are views of one object). */
function groupOf(apiVersion: string): string {
  const slash = apiVersion.indexOf("/");
  return slash < 0 ? "" : apiVersion.slice(0, slash);
}
