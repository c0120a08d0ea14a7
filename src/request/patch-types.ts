/**
 * The shapes of patches and apply configurations, derived from an object type. These are
 * types only; src/request/patch.ts turns them into requests.
 */

import type { Scalar, Writable, WriteValue } from "../base/value-types.ts";

/**
 * Every field optional, all the way down; list elements are partial too (keyed lists merge).
 * Values take their write form: a quantity may be a number.
 */
export type DeepPartial<T> = T extends Scalar
  ? WriteValue<T>
  : T extends readonly (infer U)[]
    ? readonly DeepPartial<U>[]
    : T extends object
      ? { [K in keyof T]?: DeepPartial<T[K]> }
      : T;

type KindOf<T> = T extends { kind?: infer K } ? NonNullable<K> : string;
type ApiVersionOf<T> = T extends { apiVersion?: infer V } ? NonNullable<V> : string;
type MetadataOf<T> = T extends { metadata?: infer M } ? NonNullable<M> : { name?: string; namespace?: string };

/**
 * A server-side apply configuration for `T`: a deep partial object that must name its
 * apiVersion and kind (as the literal types of `T`, so applying a Service through the
 * Deployment client fails to compile) and its metadata.name.
 *
 * @example
 * const cfg: ApplyConfiguration<Deployment> = {
 *   apiVersion: "apps/v1", kind: "Deployment", metadata: { name: "web" }, spec: { replicas: 3 },
 * };
 */
export type ApplyConfiguration<T> = { [K in Exclude<keyof T, "apiVersion" | "kind" | "metadata">]?: DeepPartial<T[K]> } & {
  apiVersion: ApiVersionOf<T>;
  kind: KindOf<T>;
  metadata: DeepPartial<Omit<MetadataOf<T>, "name">> & { name: string };
};

/**
 * An RFC 7386 JSON merge patch for `T`: fields optional, `null` deletes a field, lists are
 * replaced whole (so their elements are complete).
 */
export type MergePatch<T> = T extends Scalar
  ? WriteValue<T>
  : T extends readonly (infer U)[]
    ? readonly Writable<U>[]
    : T extends object
      ? { [K in keyof T]?: MergePatch<T[K]> | null }
      : T;

/**
 * A strategic merge patch for `T` (built-in kinds only): like a merge patch, but keyed
 * lists merge element by element, and `$patch`, `$retainKeys`, `$setElementOrder/<list>`
 * and `$deleteFromPrimitiveList/<list>` directives are allowed.
 */
export type StrategicMergePatch<T> = T extends Scalar
  ? WriteValue<T>
  : T extends readonly (infer U)[]
    ? readonly StrategicMergePatch<U>[]
    : T extends object
      ? { [K in keyof T]?: StrategicMergePatch<T[K]> | null } & { [directive: `$${string}`]: unknown }
      : T;

/** One RFC 6902 JSON patch operation; paths are JSON pointers such as "/spec/replicas". */
export type JsonPatchOperation =
  | { op: "add" | "replace" | "test"; path: string; value: unknown }
  | { op: "remove"; path: string }
  | { op: "move" | "copy"; from: string; path: string };

/**
 * A patch as a tagged value; the tag selects the content type sent to the server.
 *
 * @example
 * const p: Patch<Deployment> = { type: "merge", patch: { spec: { replicas: 2 } } };
 */
export type Patch<T = unknown> =
  | { type: "json"; patch: readonly JsonPatchOperation[] }
  | { type: "merge"; patch: MergePatch<T> }
  | { type: "strategic"; patch: StrategicMergePatch<T> }
  | { type: "apply"; patch: ApplyConfiguration<T> };

export type PatchType = Patch["type"];

/** The Content-Type each patch type is sent with. */
export const PATCH_CONTENT_TYPES: Readonly<Record<PatchType, string>> = {
  json: "application/json-patch+json",
  merge: "application/merge-patch+json",
  strategic: "application/strategic-merge-patch+json",
  // The apply body is JSON, which is valid YAML, so no YAML serialiser is needed.
  apply: "application/apply-patch+yaml",
};
