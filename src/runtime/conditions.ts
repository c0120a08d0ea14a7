/**
 * Stock wait conditions, like kube-rs's `wait::conditions`: each is a predicate over the
 * object (undefined once it is gone), so it serves an informer's `waitFor` as it is, plus
 * a `failure` that names why the condition can no longer hold (a Deployment past its
 * progress deadline, a failed Job), which `awaitCondition` and `kube.wait` reject with.
 * The rules follow `kubectl rollout status` and `kubectl wait`.
 */
import type { ObjectMetaLike } from "../base/object.ts";

/** A predicate over an object that may be gone, with a name and an optional early failure. */
export interface WaitCondition<T> {
  (object: T | undefined): boolean;
  /** What the wait is for, for messages: "the rollout to complete". */
  readonly description: string;
  /** Why the condition cannot hold any more (ends a wait with WaitFailedError), or undefined. */
  readonly failure?: ((object: T | undefined) => string | undefined) | undefined;
}

/**
 * Makes a Condition from a predicate.
 *
 * @example const labelled = waitCondition("it to be labelled", (cm: ConfigMap | undefined) => cm?.metadata?.labels?.ready === "yes");
 */
export function waitCondition<T>(description: string, holds: (object: T | undefined) => boolean, failure?: (object: T | undefined) => string | undefined): WaitCondition<T> {
  return Object.assign((object: T | undefined) => holds(object), { description, failure });
}

interface StatusCondition {
  type?: string | undefined;
  status?: string | undefined;
  reason?: string | undefined;
  message?: string | undefined;
}

/** Any object with metadata: what `deleted` reads. */
export interface Meta {
  metadata?: Pick<ObjectMetaLike, "name" | "uid" | "generation"> | undefined;
}

function conditionOf(conditions: readonly StatusCondition[] | undefined, type: string): StatusCondition | undefined {
  return conditions?.find((c) => c.type === type);
}

function observed(o: Meta & { status?: { observedGeneration?: number | undefined } | undefined }): boolean {
  return (o.metadata?.generation ?? 0) <= (o.status?.observedGeneration ?? -1);
}

/** The slice of an apps/v1 Deployment the rollout rules read. */
export interface DeploymentLike extends Meta {
  spec?: { replicas?: number | undefined } | undefined;
  status?:
    | {
        observedGeneration?: number | undefined;
        replicas?: number | undefined;
        updatedReplicas?: number | undefined;
        availableReplicas?: number | undefined;
        conditions?: StatusCondition[] | undefined;
      }
    | undefined;
}

/**
 * A Deployment's rollout is complete: the controller saw the current spec, every replica is
 * updated and available, and no old one is left. Fails with the Progressing condition's
 * message once it reports ProgressDeadlineExceeded.
 *
 * @example await kube.wait(Deployment, "web", deploymentComplete(), { namespace: "prod", timeoutMs: 120_000 });
 */
export function deploymentComplete(): WaitCondition<DeploymentLike> {
  return waitCondition(
    "the Deployment's rollout to complete",
    (d) => {
      if (!d || !observed(d)) return false;
      const want = d.spec?.replicas ?? 1;
      const s = d.status ?? {};
      return (s.updatedReplicas ?? 0) >= want && (s.replicas ?? 0) <= (s.updatedReplicas ?? 0) && (s.availableReplicas ?? 0) >= (s.updatedReplicas ?? 0);
    },
    (d) => {
      const progressing = conditionOf(d?.status?.conditions, "Progressing");
      if (progressing?.reason !== "ProgressDeadlineExceeded") return undefined;
      return `deployment ${d?.metadata?.name ?? ""} exceeded its progress deadline: ${progressing.message ?? "ProgressDeadlineExceeded"}`;
    },
  );
}

/** The slice of an apps/v1 StatefulSet the rollout rules read. */
export interface StatefulSetLike extends Meta {
  spec?: { replicas?: number | undefined; updateStrategy?: { type?: string | undefined; rollingUpdate?: { partition?: number | undefined } | undefined } | undefined } | undefined;
  status?:
    | {
        observedGeneration?: number | undefined;
        readyReplicas?: number | undefined;
        updatedReplicas?: number | undefined;
        currentRevision?: string | undefined;
        updateRevision?: string | undefined;
      }
    | undefined;
}

/**
 * A StatefulSet's rolling update is complete: every replica ready, the pods from the
 * partition up updated, and (without a partition) the current revision is the update
 * revision. OnDelete StatefulSets have no rollout to wait for: that is a failure.
 *
 * @example await kube.wait(StatefulSet, "db", statefulSetRolledOut(), { namespace: "prod" });
 */
export function statefulSetRolledOut(): WaitCondition<StatefulSetLike> {
  return waitCondition(
    "the StatefulSet's rollout to complete",
    (s) => {
      if (!s || !observed(s) || s.spec?.updateStrategy?.type === "OnDelete") return false;
      const want = s.spec?.replicas ?? 1;
      const st = s.status ?? {};
      if ((st.readyReplicas ?? 0) < want) return false;
      const partition = s.spec?.updateStrategy?.rollingUpdate?.partition ?? 0;
      if (partition > 0) return (st.updatedReplicas ?? 0) >= want - partition;
      return st.updateRevision !== undefined && st.currentRevision === st.updateRevision;
    },
    (s) => (s?.spec?.updateStrategy?.type === "OnDelete" ? "rollout status is only available for the RollingUpdate strategy (this StatefulSet uses OnDelete)" : undefined),
  );
}

/** The slice of an apps/v1 DaemonSet the rollout rules read. */
export interface DaemonSetLike extends Meta {
  spec?: { updateStrategy?: { type?: string | undefined } | undefined } | undefined;
  status?:
    | { observedGeneration?: number | undefined; desiredNumberScheduled?: number | undefined; updatedNumberScheduled?: number | undefined; numberAvailable?: number | undefined }
    | undefined;
}

/**
 * A DaemonSet's rollout is complete: every scheduled pod updated and available.
 *
 * @example await kube.wait(DaemonSet, "agent", daemonSetRolledOut(), { namespace: "kube-system" });
 */
export function daemonSetRolledOut(): WaitCondition<DaemonSetLike> {
  return waitCondition(
    "the DaemonSet's rollout to complete",
    (d) => {
      if (!d || !observed(d) || d.spec?.updateStrategy?.type === "OnDelete") return false;
      const st = d.status ?? {};
      const want = st.desiredNumberScheduled ?? 0;
      return (st.updatedNumberScheduled ?? 0) >= want && (st.numberAvailable ?? 0) >= want;
    },
    (d) => (d?.spec?.updateStrategy?.type === "OnDelete" ? "rollout status is only available for the RollingUpdate strategy (this DaemonSet uses OnDelete)" : undefined),
  );
}

/** The slice of a batch/v1 Job the rules read. */
export interface JobLike extends Meta {
  status?: { conditions?: StatusCondition[] | undefined } | undefined;
}

function jobCondition(j: JobLike | undefined, type: string): boolean {
  return conditionOf(j?.status?.conditions, type)?.status === "True";
}

/**
 * A Job completed (Complete=True); fails when it failed instead.
 *
 * @example await kube.wait(Job, "migrate", jobComplete(), { namespace: "prod", timeoutMs: 600_000 });
 */
export function jobComplete(): WaitCondition<JobLike> {
  return waitCondition(
    "the Job to complete",
    (j) => jobCondition(j, "Complete"),
    (j) => {
      const failed = conditionOf(j?.status?.conditions, "Failed");
      return failed?.status === "True" ? `job ${j?.metadata?.name ?? ""} failed: ${failed.reason ?? ""}${failed.message ? ` (${failed.message})` : ""}` : undefined;
    },
  );
}

/**
 * A Job failed (Failed=True); fails when it completed instead.
 *
 * @example await kube.wait(Job, "must-fail", jobFailed(), { namespace: "ci" });
 */
export function jobFailed(): WaitCondition<JobLike> {
  return waitCondition(
    "the Job to fail",
    (j) => jobCondition(j, "Failed"),
    (j) => (jobCondition(j, "Complete") ? `job ${j?.metadata?.name ?? ""} completed` : undefined),
  );
}

/** The slice of a v1 Pod the rules read. */
export interface PodLike extends Meta {
  status?: { phase?: string | undefined; conditions?: StatusCondition[] | undefined } | undefined;
}

function podEnded(p: PodLike | undefined, allowed: string): string | undefined {
  const phase = p?.status?.phase;
  return (phase === "Failed" || phase === "Succeeded") && phase !== allowed ? `pod ${p?.metadata?.name ?? ""} ended in phase ${phase}` : undefined;
}

/**
 * A Pod is Running; fails when it ended (Succeeded or Failed) instead.
 *
 * @example await kube.wait(Pod, "web-0", podRunning(), { namespace: "prod" });
 */
export function podRunning(): WaitCondition<PodLike> {
  return waitCondition("the Pod to run", (p) => p?.status?.phase === "Running", (p) => podEnded(p, ""));
}

/**
 * A Pod is Ready (the Ready condition is True); fails when it ended.
 *
 * @example await kube.wait(Pod, "web-0", podReady(), { namespace: "prod" });
 */
export function podReady(): WaitCondition<PodLike> {
  return waitCondition("the Pod to be ready", (p) => conditionOf(p?.status?.conditions, "Ready")?.status === "True", (p) => podEnded(p, ""));
}

/**
 * A Pod Succeeded; fails when it Failed.
 *
 * @example await kube.wait(Pod, "backup", podSucceeded(), { namespace: "ops" });
 */
export function podSucceeded(): WaitCondition<PodLike> {
  return waitCondition("the Pod to succeed", (p) => p?.status?.phase === "Succeeded", (p) => podEnded(p, "Succeeded"));
}

/** The slice of an apiextensions.k8s.io/v1 CustomResourceDefinition the rules read. */
export interface CrdLike extends Meta {
  status?: { conditions?: StatusCondition[] | undefined } | undefined;
}

/**
 * A CRD is Established (its API is served); fails when its names were not accepted.
 *
 * @example await kube.wait(CustomResourceDefinition, "widgets.example.com", crdEstablished());
 */
export function crdEstablished(): WaitCondition<CrdLike> {
  return waitCondition(
    "the CRD to be established",
    (c) => conditionOf(c?.status?.conditions, "Established")?.status === "True",
    (c) => {
      const names = conditionOf(c?.status?.conditions, "NamesAccepted");
      return names?.status === "False" ? `CRD ${c?.metadata?.name ?? ""} names not accepted: ${names.message ?? names.reason ?? ""}` : undefined;
    },
  );
}

/**
 * The object is gone: absent, or replaced by one with another uid (give the uid you saw
 * to tell a re-created object from the old one). Serves for "namespace gone" too.
 *
 * @example await kube.wait(Namespace, "scratch", deleted(ns.metadata?.uid), { timeoutMs: 120_000 });
 */
export function deleted(uid?: string): WaitCondition<Meta> {
  return waitCondition(uid ? `it (uid ${uid}) to be deleted` : "it to be deleted", (o) => o === undefined || (uid !== undefined && o.metadata?.uid !== uid));
}
