/** The Flux toolkit (`bun-k8s/flux`): typed GitOps operations on the generated Flux kinds, like the `flux` CLI. */
export { FluxNotReadyError, FluxSuspendedError, type FluxObjectIdentity } from "./errors.ts";
export { FluxClient, type FluxClientOptions, type PairApplyOptions, type ResumeOptions } from "./flux-client.ts";
export {
  FLUX_RESOURCES,
  describeRef,
  fluxApiVersion,
  fluxRefOf,
  isFluxKind,
  isReconcilableKind,
  isSourceKind,
  type FluxKind,
  type FluxObject,
  type FluxObjectMap,
  type FluxObjectOf,
  type FluxRef,
  type FluxTarget,
  type ReconcilableKind,
  type SourceKind,
  type SuspendableKind,
  type UnreconcilableKind,
} from "./kinds.ts";
export {
  WAITING_REASONS,
  describeReadiness,
  evaluateReadiness,
  findCondition,
  isStaticObject,
  isSuspended,
  readinessOutcome,
  type FailOn,
  type FluxCondition,
  type FluxObjectLike,
  type Readiness,
  type ReadinessState,
} from "./readiness.ts";
export { fluxStatus, type FluxStatus } from "./status-summary.ts";
export {
  FORCE_REQUEST_ANNOTATION,
  RECONCILE_REQUEST_ANNOTATION,
  RESET_REQUEST_ANNOTATION,
  RequestClock,
  formatRfc3339Nano,
  reconcileAnnotations,
  reconcileHandled,
} from "./reconcile-request.ts";
export type { ReconcileOptions, ReconcileResult, SuspendOptions } from "./reconcile.ts";
export { DEFAULT_FLUX_TIMEOUT_MS, type FluxWaitOptions } from "./wait-ready.ts";
export { dependsOnOf, sourceRefOf, type ForeignRef } from "./source-refs.ts";
export { formatFluxTree, type FluxTree } from "./source-tree.ts";
export type { AppliedTree } from "./applied-tree.ts";
export type { AppliedObject } from "./inventory.ts";
export { formatFluxTrace, type FluxTrace } from "./trace.ts";
export { formatFluxManifests, type FluxManifest } from "./manifest-export.ts";
export { formatFluxStats, type FluxKindStats } from "./stats.ts";
export { gitCredentialsSecret, type GitCredentialsSpec } from "./git-secret.ts";
export { SecretValue } from "./secret-value.ts";
export { parseGitCredentials, transportOf, type GitCredentials } from "./git-credentials.ts";
export { eventLastSeen, fluxEventSelector, regardsFluxKind, type FluxEventType, type FluxEventsOptions } from "./events.ts";
export { gitKustomizationConfigs, helmReleaseConfigs, type GitKustomizationPair, type HelmReleasePair } from "./apply-pairs.ts";
