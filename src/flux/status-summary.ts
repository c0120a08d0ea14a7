/**
 * A one-glance summary of any Flux object (pure): the columns `flux get` prints — ready,
 * reason, message, revision, suspended — plus the generations and the last handled
 * reconcile request.
 */
import { ValidationError } from "../base/errors.ts";
import type { HelmRelease } from "../../generated/flux/helm/v2/index.ts";
import type { ImagePolicy, ImageRepository, ImageUpdateAutomation } from "../../generated/flux/image/v1/index.ts";
import type { Kustomization } from "../../generated/flux/kustomize/v1/index.ts";
import { isFluxKind, isSourceKind, type FluxKind, type FluxObject } from "./kinds.ts";
import { evaluateReadiness, isSuspended, type FluxObjectLike, type ReadinessState } from "./readiness.ts";

/** One object's state in a line, as `flux get` shows it. */
export interface FluxStatus {
  kind: FluxKind;
  name: string;
  namespace: string;
  /** Ready=True for the current generation, or a static object. */
  ready: boolean;
  state: ReadinessState;
  reason: string | undefined;
  message: string | undefined;
  /**
   * What the object currently serves or has applied: a source's artifact revision, a
   * Kustomization's lastAppliedRevision, a HelmRelease's deployed chart version, an
   * ImagePolicy's latest image, an ImageUpdateAutomation's last pushed commit.
   */
  revision: string | undefined;
  /** The revision of the last attempt (Kustomization, HelmRelease), successful or not. */
  lastAttemptedRevision: string | undefined;
  suspended: boolean;
  generation: number | undefined;
  observedGeneration: number | undefined;
  lastHandledReconcileAt: string | undefined;
}

/**
 * Summarises one Flux object as read from the API.
 *
 * @example
 * const s = fluxStatus(await kube.api(Kustomization, { namespace: "flux-system" }).get("apps"));
 * console.log(`${s.name}: ${s.ready ? "ready" : s.reason} at ${s.revision}`);
 */
export function fluxStatus(object: FluxObject): FluxStatus {
  const kind = object.kind;
  if (!isFluxKind(kind)) throw new ValidationError(`fluxStatus: not a Flux object (kind ${JSON.stringify(kind ?? null)})`);
  const readiness = evaluateReadiness(object);
  const status = (object as FluxObjectLike).status;
  const { revision, lastAttemptedRevision } = revisionsOf(kind, object);
  return {
    kind,
    name: object.metadata?.name ?? "",
    namespace: object.metadata?.namespace ?? "",
    ready: readiness.state === "ready" || readiness.state === "static",
    state: readiness.state,
    reason: readiness.reason,
    message: readiness.message,
    revision,
    lastAttemptedRevision,
    suspended: isSuspended(object),
    generation: object.metadata?.generation,
    observedGeneration: status?.observedGeneration,
    lastHandledReconcileAt: status?.lastHandledReconcileAt,
  };
}

interface Revisions {
  revision: string | undefined;
  lastAttemptedRevision: string | undefined;
}

function revisionsOf(kind: FluxKind, object: FluxObject): Revisions {
  if (isSourceKind(kind)) {
    const artifact = ((object as FluxObjectLike).status as { artifact?: { revision?: string } } | undefined)?.artifact;
    return { revision: artifact?.revision, lastAttemptedRevision: undefined };
  }
  switch (kind) {
    case "Kustomization": {
      const status = (object as Kustomization).status;
      return { revision: status?.lastAppliedRevision, lastAttemptedRevision: status?.lastAttemptedRevision };
    }
    case "HelmRelease": {
      const status = (object as HelmRelease).status;
      // The newest release comes first in history; before the first release only an attempt exists.
      return {
        revision: status?.history?.[0]?.chartVersion ?? status?.lastAttemptedRevision,
        lastAttemptedRevision: status?.lastAttemptedRevision,
      };
    }
    case "ImagePolicy": {
      const latest = (object as ImagePolicy).status?.latestRef;
      const image = latest ? `${latest.name}:${latest.tag}${latest.digest ? `@${latest.digest}` : ""}` : undefined;
      return { revision: image, lastAttemptedRevision: undefined };
    }
    case "ImageRepository":
      return { revision: (object as ImageRepository).status?.lastScanResult?.revision, lastAttemptedRevision: undefined };
    case "ImageUpdateAutomation":
      return { revision: (object as ImageUpdateAutomation).status?.lastPushCommit, lastAttemptedRevision: undefined };
    default:
      return { revision: undefined, lastAttemptedRevision: undefined };
  }
}
