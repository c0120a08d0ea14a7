/**
 * The stock wait conditions against the status shapes the controllers write, including the
 * in-between states a rollout passes through (kubectl rollout status's rules).
 */
import { describe, expect, it } from "vitest";
import { waitCondition, crdEstablished, daemonSetRolledOut, deleted, deploymentComplete, jobComplete, jobFailed, podReady, podRunning, podSucceeded, statefulSetRolledOut } from "../../../src/runtime/conditions.ts";

const meta = (generation = 2) => ({ name: "web", uid: "u1", generation });

describe("wait conditions", () => {
  it("deploymentComplete: current spec seen, all replicas updated and available, no old ones", () => {
    const done = deploymentComplete();
    const d = (status: object, replicas = 3, generation = 2) => ({ metadata: meta(generation), spec: { replicas }, status: { observedGeneration: 2, ...status } });
    expect(done(d({ replicas: 3, updatedReplicas: 3, availableReplicas: 3 }))).toBe(true);
    expect(done(d({ replicas: 3, updatedReplicas: 3, availableReplicas: 3 }, 3, 3))).toBe(false); // controller behind
    expect(done(d({ replicas: 4, updatedReplicas: 3, availableReplicas: 4 }))).toBe(false); // an old one left
    expect(done(d({ replicas: 3, updatedReplicas: 2, availableReplicas: 3 }))).toBe(false);
    expect(done(d({ replicas: 3, updatedReplicas: 3, availableReplicas: 2 }))).toBe(false);
    expect(done(d({ replicas: 0, updatedReplicas: 0, availableReplicas: 0 }, 0))).toBe(true);
    expect(done(undefined)).toBe(false);
    expect(done.failure?.(d({ conditions: [{ type: "Progressing", status: "True", reason: "ReplicaSetUpdated" }] }))).toBeUndefined();
    expect(
      done.failure?.(d({ conditions: [{ type: "Progressing", status: "False", reason: "ProgressDeadlineExceeded", message: 'ReplicaSet "web-1" has timed out progressing.' }] })),
    ).toBe('deployment web exceeded its progress deadline: ReplicaSet "web-1" has timed out progressing.');
  });

  it("statefulSetRolledOut: ready replicas, then revisions or the partition; OnDelete is a failure", () => {
    const done = statefulSetRolledOut();
    const s = (status: object, spec: object = {}) => ({ metadata: meta(), spec: { replicas: 3, ...spec }, status: { observedGeneration: 2, ...status } });
    expect(done(s({ readyReplicas: 3, currentRevision: "r2", updateRevision: "r2" }))).toBe(true);
    expect(done(s({ readyReplicas: 3, currentRevision: "r1", updateRevision: "r2" }))).toBe(false);
    expect(done(s({ readyReplicas: 2, currentRevision: "r2", updateRevision: "r2" }))).toBe(false);
    const partitioned = { updateStrategy: { type: "RollingUpdate", rollingUpdate: { partition: 2 } } };
    expect(done(s({ readyReplicas: 3, updatedReplicas: 1, currentRevision: "r1", updateRevision: "r2" }, partitioned))).toBe(true);
    expect(done(s({ readyReplicas: 3, updatedReplicas: 0, currentRevision: "r1", updateRevision: "r2" }, partitioned))).toBe(false);
    const onDelete = s({ readyReplicas: 3, currentRevision: "r2", updateRevision: "r2" }, { updateStrategy: { type: "OnDelete" } });
    expect(done(onDelete)).toBe(false);
    expect(done.failure?.(onDelete)).toMatch(/OnDelete/);
  });

  it("daemonSetRolledOut: every scheduled pod updated and available", () => {
    const done = daemonSetRolledOut();
    const ds = (status: object) => ({ metadata: meta(), status: { observedGeneration: 2, desiredNumberScheduled: 3, ...status } });
    expect(done(ds({ updatedNumberScheduled: 3, numberAvailable: 3 }))).toBe(true);
    expect(done(ds({ updatedNumberScheduled: 3, numberAvailable: 2 }))).toBe(false);
    expect(done(ds({ updatedNumberScheduled: 2, numberAvailable: 3 }))).toBe(false);
  });

  it("jobComplete and jobFailed: each holds on its condition and fails on the other", () => {
    const complete = { metadata: meta(), status: { conditions: [{ type: "Complete", status: "True" }] } };
    const failed = { metadata: meta(), status: { conditions: [{ type: "Failed", status: "True", reason: "BackoffLimitExceeded", message: "Job has reached the specified backoff limit" }] } };
    const running = { metadata: meta(), status: { conditions: [{ type: "Complete", status: "False" }] } };
    expect([jobComplete()(complete), jobComplete()(failed), jobComplete()(running)]).toEqual([true, false, false]);
    expect(jobComplete().failure?.(failed)).toBe("job web failed: BackoffLimitExceeded (Job has reached the specified backoff limit)");
    expect(jobComplete().failure?.(running)).toBeUndefined();
    expect([jobFailed()(failed), jobFailed()(complete)]).toEqual([true, false]);
    expect(jobFailed().failure?.(complete)).toBe("job web completed");
  });

  it("pod conditions: running, ready, succeeded; an ended pod fails the ones it can no longer meet", () => {
    const pod = (phase: string, ready = false) => ({ metadata: meta(), status: { phase, conditions: [{ type: "Ready", status: ready ? "True" : "False" }] } });
    expect([podRunning()(pod("Pending")), podRunning()(pod("Running"))]).toEqual([false, true]);
    expect([podReady()(pod("Running")), podReady()(pod("Running", true))]).toEqual([false, true]);
    expect(podSucceeded()(pod("Succeeded"))).toBe(true);
    expect(podRunning().failure?.(pod("Succeeded"))).toBe("pod web ended in phase Succeeded");
    expect(podReady().failure?.(pod("Failed"))).toBe("pod web ended in phase Failed");
    expect(podSucceeded().failure?.(pod("Succeeded"))).toBeUndefined();
    expect(podSucceeded().failure?.(pod("Failed"))).toBe("pod web ended in phase Failed");
  });

  it("crdEstablished: Established=True; names not accepted is a failure", () => {
    const crd = (conditions: object[]) => ({ metadata: { name: "widgets.example.com" }, status: { conditions } });
    expect(crdEstablished()(crd([{ type: "Established", status: "True" }]))).toBe(true);
    expect(crdEstablished()(crd([{ type: "NamesAccepted", status: "True" }]))).toBe(false);
    expect(crdEstablished().failure?.(crd([{ type: "NamesAccepted", status: "False", reason: "Conflict", message: '"widgets" is already in use' }]))).toBe(
      'CRD widgets.example.com names not accepted: "widgets" is already in use',
    );
  });

  it("deleted: gone, or re-created under another uid when the uid is given", () => {
    expect(deleted()(undefined)).toBe(true);
    expect(deleted()({ metadata: { uid: "u1" } })).toBe(false);
    expect(deleted("u1")({ metadata: { uid: "u2" } })).toBe(true);
    expect(deleted("u1")({ metadata: { uid: "u1" } })).toBe(false);
    expect(deleted("u1").description).toBe("it (uid u1) to be deleted");
  });

  it("waitCondition() names a predicate of your own", () => {
    const labelled = waitCondition("it to be labelled", (o: { metadata?: { labels?: Record<string, string> } } | undefined) => o?.metadata?.labels?.ready === "yes");
    expect(labelled.description).toBe("it to be labelled");
    expect([labelled({ metadata: { labels: { ready: "yes" } } }), labelled(undefined)]).toEqual([true, false]);
    expect(labelled.failure).toBeUndefined();
  });
});
