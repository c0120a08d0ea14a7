/**
 * bun-k8s/manifests: what a GitOps service does with manifest files. Parse multi-document YAML
 * or JSON, diff it against the cluster with field ownership, apply it with server-side apply,
 * and prune what it no longer holds with kubectl-compatible ApplySets.
 */
export { applyManifests, type ApplyManifestsOptions, type ConnectionSource } from "./apply.ts";
export type { AppliedObject, ApplyAction, ApplyResult, FailedObject, PrunedObject } from "./apply-result.ts";
export {
  APPLYSET_GROUP_KINDS_ANNOTATION,
  APPLYSET_ID_LABEL,
  APPLYSET_NAMESPACES_ANNOTATION,
  APPLYSET_PART_OF_LABEL,
  APPLYSET_TOOLING_ANNOTATION,
  ApplySetError,
  DEFAULT_TOOLING,
  applySetId,
  type ApplySetOptions,
  type ApplySetParent,
} from "./applyset.ts";
export {
  conflictsOf,
  diffManifests,
  formatDiff,
  type ChangedField,
  type DiffAction,
  type DiffManifestsOptions,
  type DiffResult,
  type FieldConflict,
  type ObjectDiff,
} from "./diff.ts";
export { ApplyError } from "./errors.ts";
export type { FieldChange } from "./field-changes.ts";
export type { ResourceTables } from "./kinds.ts";
export { formatPath, ownersOf, type FieldManager, type PathElement } from "./managed-fields.ts";
export { describeObject, type ObjectId } from "./object-id.ts";
export { describeOrigin, dumpManifests, originOf, parseManifests, type ManifestOrigin, type ParseOptions } from "./parse.ts";
export { DocumentError } from "../base/errors.ts";
export type { YamlLimits } from "../base/yaml-documents.ts";
