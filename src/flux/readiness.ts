/**
 * Whether a Flux object is ready, from its conditions alone (pure). Flux controllers follow
 * the kstatus conventions: `Ready` is the summary, `Reconciling=True` means work (or a
 * retry) is under way, `Stalled=True` means the controller gave up until the spec changes,
 * and `status.observedGeneration` says which spec the conditions describe.
 */
import type { NewerValue } from "../base/value-types.ts";

/** A meta/v1 Condition, as every Flux status carries them. */
export interface FluxCondition {
  type: string;
  /** A newer controller may report a status this SDK does not know. */
  status: "True" | "False" | "Unknown" | NewerValue;
  reason: string;
  message: string;
  observedGeneration?: number;
  lastTransitionTime: string;
}

/** The fields readiness is computed from; every generated Flux kind fits. */
export interface FluxObjectLike {
  kind?: string;
  metadata?: { name?: string; namespace?: string; generation?: number; annotations?: { [key: string]: string } };
  /** Read for `suspend` and `type` only; typed loosely so every kind's spec fits. */
  spec?: object;
  status?: { observedGeneration?: number; conditions?: readonly FluxCondition[]; lastHandledReconcileAt?: string };
}

/**
 * - `ready`: Ready=True for the current generation, and status.observedGeneration caught up.
 * - `progressing`: not observed yet, Ready=Unknown, or no Ready condition.
 * - `failed`: Ready=False for the current generation (the controller may retry).
 *   "Current" is the condition's own observedGeneration when it has one.
 * - `stalled`: Stalled=True for the current generation (it will not retry).
 * - `static`: a kind no controller reconciles (Alert, Provider, an OCI HelmRepository); always usable.
 */
export type ReadinessState = "ready" | "progressing" | "failed" | "stalled" | "static";

/** What an object's conditions say about it, read the way `flux` reads them. */
export interface Readiness {
  state: ReadinessState;
  reason: string | undefined;
  message: string | undefined;
  /**
   * status.observedGeneration equals metadata.generation: a reconcile of the current spec
   * finished (succeeded or stalled) and its results are in the status. A failing retry leaves
   * it behind while its conditions already speak for the current generation.
   */
  observed: boolean;
  /** Reconciling=True: the controller is working on it, or retrying after a failure. */
  reconciling: boolean;
}

/**
 * Ready=False reasons that mean "waiting on something else", not "this failed": a
 * dependency or the source artifact is not ready yet. Applying a source and its consumer
 * together produces them for a while, so they never end a wait early. helm-controller
 * reports `SourceNotReady` while the HelmChart it made has not been reconciled yet, and
 * source-controller `NoSourceArtifact` for a HelmChart whose repository has no artifact yet.
 */
export const WAITING_REASONS: ReadonlySet<string> = new Set([
  "DependencyNotReady",
  "ArtifactFailed",
  "SourceNotReady",
  "NoSourceArtifact",
  "Progressing",
  "ProgressingWithRetry",
]);

/** What ends a readiness wait early: any failure of the current generation, or only Stalled=True. */
export type FailOn = "failure" | "stalled";

/** @example findCondition(repo, "Ready")?.status // "True" */
export function findCondition(object: FluxObjectLike, type: string): FluxCondition | undefined {
  return object.status?.conditions?.find((c) => c.type === type);
}

/** Kinds no controller reconciles, and HelmRepository of type "oci" (static since source-controller v1.3). */
export function isStaticObject(object: FluxObjectLike): boolean {
  if (object.kind === "Alert" || object.kind === "Provider") return true;
  return object.kind === "HelmRepository" && specField(object, "type") === "oci";
}

/** True when `spec.suspend` is set. */
export function isSuspended(object: FluxObjectLike): boolean {
  return specField(object, "suspend") === true;
}

function specField(object: FluxObjectLike, field: "suspend" | "type"): unknown {
  return (object.spec as Record<string, unknown> | undefined)?.[field];
}

/**
 * The readiness of an object, from its conditions and generations, as the flux CLI and
 * kstatus read them:
 *
 * - A condition that carries its own observedGeneration speaks for that generation. Flux's
 *   controllers stamp every condition with the generation they worked on, but move
 *   `status.observedGeneration` only when a reconcile succeeds or stalls: a GitRepository
 *   whose first clone fails keeps `status.observedGeneration: -1` beside a `Ready=False`
 *   condition for generation 1. That failure is current, and ends a wait.
 * - Ready=True counts only once `status.observedGeneration` has caught up too: the
 *   controller writes it with the results (an artifact, an inventory), and a HelmRepository
 *   reports Ready=True for its generation a moment before its artifact is in the status.
 * - A condition without an observedGeneration of its own (older HelmRelease and
 *   ImageUpdateAutomation versions) is current when `status.observedGeneration` is.
 *
 * @example
 * evaluateReadiness({ metadata: { generation: 2 }, status: { observedGeneration: 2, conditions: [ready] } }).state // "ready"
 */
export function evaluateReadiness(object: FluxObjectLike): Readiness {
  if (isStaticObject(object)) {
    return { state: "static", reason: undefined, message: undefined, observed: true, reconciling: false };
  }
  const generation = object.metadata?.generation;
  const observedGeneration = object.status?.observedGeneration;
  // The CRDs default observedGeneration to -1: anything below 1 means "never reconciled".
  const everObserved = observedGeneration !== undefined && observedGeneration >= 1;
  // ExternalArtifact's status has no observedGeneration; its conditions' own generations decide.
  const observed =
    object.kind === "ExternalArtifact" || (everObserved && (generation === undefined || observedGeneration === generation));
  const reconciling = findCondition(object, "Reconciling")?.status === "True";
  const ready = findCondition(object, "Ready");
  const stalled = findCondition(object, "Stalled");
  const isCurrent = (condition: FluxCondition): boolean =>
    condition.observedGeneration ? generation === undefined || condition.observedGeneration === generation : observed;
  const progressing = (reason: string | undefined, message: string | undefined): Readiness => ({
    state: "progressing",
    reason,
    message,
    observed,
    reconciling,
  });

  if (stalled?.status === "True" && isCurrent(stalled)) {
    return { state: "stalled", reason: stalled.reason, message: stalled.message || ready?.message, observed, reconciling };
  }
  if (ready && isCurrent(ready)) {
    if (ready.status === "False") return { state: "failed", reason: ready.reason, message: ready.message, observed, reconciling };
    if (ready.status === "True" && observed) return { state: "ready", reason: ready.reason, message: ready.message, observed, reconciling };
    if (ready.status === "True") {
      const seen = everObserved ? `generation ${observedGeneration}` : "nothing yet";
      return progressing(ready.reason, `Ready=True for generation ${generation ?? "?"}, waiting for the controller to record its results (status.observedGeneration: ${seen})`);
    }
    return progressing(ready.reason, ready.message);
  }
  if (!observed) {
    const seen = everObserved ? `generation ${observedGeneration}` : "nothing yet";
    return progressing(ready?.reason, `waiting for the controller to observe generation ${generation ?? "?"} (it has seen ${seen})`);
  }
  if (!ready) return progressing(undefined, "waiting to be reconciled");
  return progressing(ready.reason, ready.message);
}

/**
 * What a readiness wait does with an object: finish, fail with its condition, or keep waiting.
 *
 * @example readinessOutcome(evaluateReadiness(repo), "failure") // "done" | "fail" | "wait"
 */
export function readinessOutcome(readiness: Readiness, failOn: FailOn = "failure"): "done" | "fail" | "wait" {
  switch (readiness.state) {
    case "ready":
    case "static":
      return "done";
    case "stalled":
      return "fail";
    case "failed":
      return failOn === "failure" && !WAITING_REASONS.has(readiness.reason ?? "") ? "fail" : "wait";
    case "progressing":
      return "wait";
  }
}

/** One line for messages: "Ready=False (GitOperationFailed): auth failed". */
export function describeReadiness(readiness: Readiness): string {
  const label: Record<ReadinessState, string> = {
    ready: "Ready=True",
    static: "static (no reconciler)",
    progressing: "progressing",
    failed: "Ready=False",
    stalled: "Stalled=True",
  };
  const reason = readiness.reason ? ` (${readiness.reason})` : "";
  const message = readiness.message ? `: ${readiness.message}` : "";
  return `${label[readiness.state]}${reason}${message}`;
}
