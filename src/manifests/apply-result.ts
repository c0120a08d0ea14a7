/** What `applyManifests` reports, object by object. */
import type { KubeError } from "../base/errors.ts";
import type { DynamicObject } from "../base/object.ts";
import type { ObjectId } from "./object-id.ts";
import type { ManifestOrigin } from "./parse.ts";

/** created: it did not exist; configured: the apply changed it; unchanged: the apply was a no-op. */
export type ApplyAction = "created" | "configured" | "unchanged";

/** One manifest the server accepted, with what the apply did to it. */
export interface AppliedObject<T> {
  readonly id: ObjectId;
  readonly action: ApplyAction;
  /** The object as the server returned it (after a dry run: as it would be). */
  readonly object: T;
  /** Where the manifest came from, when it was parsed by `parseManifests`. */
  readonly origin: ManifestOrigin | undefined;
}

/** One object whose apply or prune failed; the others went on. */
export interface FailedObject {
  readonly id: ObjectId;
  /** "apply" for a manifest that could not be applied, "prune" for a set member that could not be deleted. */
  readonly during: "apply" | "prune";
  readonly error: KubeError;
  readonly origin: ManifestOrigin | undefined;
}

/** One member of the ApplySet that is no longer in the manifests and was deleted. */
export interface PrunedObject {
  readonly id: ObjectId;
  /** The object as the delete returned it while it terminates (finalizers); undefined once gone. */
  readonly object: DynamicObject | undefined;
}

/** Everything one `applyManifests` call did: every object applied, failed and pruned. */
export interface ApplyResult<T> {
  /** In the order of the input. */
  readonly applied: readonly AppliedObject<T>[];
  readonly failed: readonly FailedObject[];
  /** Members of the ApplySet that were deleted (dry run: would be). */
  readonly pruned: readonly PrunedObject[];
  /** The ApplySet's id (the `applyset.kubernetes.io/part-of` label value), when one was given. */
  readonly applySetId: string | undefined;
  /** Why no pruning happened although an ApplySet was given (a failed apply keeps every member). */
  readonly pruneSkipped: string | undefined;
}
