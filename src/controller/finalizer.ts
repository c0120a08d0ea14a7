/**
 * A finalizer helper in the manner of kube-rs's `finalizer()`: our finalizer is added before the
 * first `apply`, and when the object is being deleted `cleanup` runs and only then is the
 * finalizer removed. A failed cleanup keeps the finalizer (the object stays until a later
 * reconcile succeeds). Both patches are JSON patches whose `test` operation makes them
 * conditional on the finalizer list as read, so they never clobber another controller's
 * finalizer and fail (to be retried) if the list changed meanwhile.
 */
import { isNotFound, ValidationError } from "../base/errors.ts";
import type { KubeObject } from "../base/object.ts";
import type { CallOptions } from "../api/client-types.ts";
import type { JsonPatchOperation, Patch, PatchParams } from "../request/index.ts";

/** What the helper needs of a typed client: patch, in the object's namespace. */
export interface FinalizerClient<T> {
  /** The typed client's patch: the finalizer list changes by JSON patch guarded by resourceVersion. */
  patch(name: string, patch: Patch<T>, options?: PatchParams & CallOptions): Promise<T>;
}

/** What finalizer() runs: `apply` while the object lives, `cleanup` once it is being deleted (the finalizer goes only after cleanup succeeds). */
export interface FinalizerHandlers<T, R> {
  /** The object is live and carries our finalizer: make the world match it. */
  apply(object: T): Promise<R> | R;
  /** The object is being deleted and still carries our finalizer: undo what apply did. Throw to keep the finalizer. */
  cleanup(object: T): Promise<R> | R;
}

/**
 * Runs `apply` or `cleanup` for `object`, adding or removing finalizer `name` around them.
 * Resolves with the handler's result, or undefined when there is nothing to do (deleted, and
 * our finalizer is already gone).
 *
 * @example
 * return finalizer(kube.api(SecretMirror, { namespace }), "mirror.example.com/cleanup", mirror, {
 *   apply: (m) => copyEverywhere(m),
 *   cleanup: (m) => deleteCopies(m),
 * }, { signal: ctx.signal });
 */
export async function finalizer<T extends KubeObject, R>(
  client: FinalizerClient<T>,
  name: string,
  object: T,
  handlers: FinalizerHandlers<T, R>,
  options: CallOptions = {},
): Promise<R | undefined> {
  if (!/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?\/[-A-Za-z0-9_.]+$/.test(name)) {
    throw new ValidationError(`finalizer: ${JSON.stringify(name)} is not a qualified finalizer name like "example.com/cleanup"`);
  }
  const objectName = object.metadata?.name;
  if (!objectName) throw new ValidationError("finalizer: the object has no metadata.name");
  const finalizers = object.metadata?.finalizers ?? [];
  const index = finalizers.indexOf(name);
  if (object.metadata?.deletionTimestamp) {
    if (index < 0) return undefined;
    const result = await handlers.cleanup(object);
    try {
      await client.patch(objectName, { type: "json", patch: removeAt(index, name) }, options);
    } catch (error) {
      // Gone already (our removal went through before, and the object with it): done.
      if (!isNotFound(error)) throw error;
    }
    return result;
  }
  if (index >= 0) return handlers.apply(object);
  const updated = await client.patch(objectName, { type: "json", patch: append(finalizers, name) }, options);
  return handlers.apply(updated);
}

/** Adds `name`, on condition that the list is still what we read (absent when empty). */
function append(finalizers: readonly string[], name: string): JsonPatchOperation[] {
  if (finalizers.length === 0) {
    return [
      { op: "test", path: "/metadata/finalizers", value: null },
      { op: "add", path: "/metadata/finalizers", value: [name] },
    ];
  }
  return [
    { op: "test", path: "/metadata/finalizers", value: [...finalizers] },
    { op: "add", path: "/metadata/finalizers/-", value: name },
  ];
}

/** Removes `name` at `index`, on condition that it is still there. */
function removeAt(index: number, name: string): JsonPatchOperation[] {
  return [
    { op: "test", path: `/metadata/finalizers/${index}`, value: name },
    { op: "remove", path: `/metadata/finalizers/${index}` },
  ];
}
