/**
 * The stock wait conditions against the real controllers: kube-controller-manager rolls
 * out Deployments, StatefulSets, DaemonSets and Jobs, kube-scheduler places the pods and
 * kwok makes them Ready (and Job pods Succeeded). kube.wait resolves once the rollout is
 * done, rejects with the Progressing condition's message when it cannot progress, and
 * the same conditions serve an informer's waitFor. Local control plane with nodes only.
 */
import { afterAll, beforeAll, describe, expect, inject, test } from "vitest";
import { WaitFailedError, WaitTimeoutError } from "../../src/base/errors.ts";
import type { KubeClient } from "../../src/client/kube-client.ts";
import {
  crdEstablished,
  daemonSetRolledOut,
  deleted,
  deploymentComplete,
  jobComplete,
  podReady,
  podRunning,
  statefulSetRolledOut,
} from "../../src/runtime/conditions.ts";
import { DaemonSet, Deployment, StatefulSet } from "../../generated/k8s/apps/v1/index.ts";
import { Job } from "../../generated/k8s/batch/v1/index.ts";
import { Namespace, Pod } from "../../generated/k8s/core/v1/index.ts";
import { CustomResourceDefinition } from "../../generated/k8s/apiextensions/v1/index.ts";
import { Clients, failure, tempDir } from "./auth-fixtures.ts";

const cluster = inject("cluster");
const labels = (app: string) => ({ matchLabels: { app } });
const template = (app: string, extra: Record<string, unknown> = {}) => ({
  metadata: { labels: { app } },
  spec: { containers: [{ name: "app", image: "registry.invalid/app:1" }], ...extra },
});

describe.skipIf(!cluster.nodes)("stock wait conditions with kube.wait and informers", () => {
  const t = tempDir("bun-k8s-waits-");
  const clients = new Clients(t);
  let kube: KubeClient;
  let ns: string;

  beforeAll(async () => {
    kube = await clients.load(cluster.kubeconfigs.admin);
    ns = (await kube.api(Namespace).create({ metadata: { generateName: "waits-" } })).metadata!.name!;
  });
  afterAll(async () => {
    await kube?.api(Namespace).delete(ns).catch(() => undefined);
    clients.closeAll();
    t.remove();
  });

  test("a Deployment's rollout resolves once kwok makes its pods Ready; the informer's waitFor takes the same condition", async () => {
    const deployments = kube.api(Deployment, { namespace: ns });
    const inf = kube.informer(Deployment, { namespace: ns });
    try {
      await deployments.create({ metadata: { name: "web" }, spec: { replicas: 3, selector: labels("web"), template: template("web") } });
      const done = await kube.wait(Deployment, "web", deploymentComplete(), { namespace: ns, timeoutMs: 120_000 });
      expect(done?.status).toMatchObject({ replicas: 3, updatedReplicas: 3, availableReplicas: 3 });
      const viaInformer = await inf.waitFor("web", deploymentComplete(), { timeoutMs: 60_000 });
      expect(viaInformer.status?.readyReplicas).toBe(3);
      // A new template is a new rollout: the condition holds again only once it is through.
      await deployments.patch("web", { type: "merge", patch: { spec: { template: { metadata: { annotations: { rev: "2" } } } } } });
      const second = await kube.wait(Deployment, "web", deploymentComplete(), { namespace: ns, timeoutMs: 120_000 });
      expect(second?.status?.observedGeneration).toBe(second?.metadata?.generation);
      expect(second?.metadata?.generation).toBeGreaterThan(done!.metadata!.generation!);
    } finally {
      inf.stop();
    }
  }, 300_000);

  test("a rollout that cannot progress (pods match no node) rejects with the Progressing condition's message", async () => {
    await kube.api(Deployment, { namespace: ns }).create({
      metadata: { name: "stuck" },
      spec: { replicas: 1, progressDeadlineSeconds: 3, selector: labels("stuck"), template: template("stuck", { nodeSelector: { "bun-k8s.test/no-such-node": "true" } }) },
    });
    const e = await failure(kube.wait(Deployment, "stuck", deploymentComplete(), { namespace: ns, timeoutMs: 120_000 }));
    expect(e).toBeInstanceOf(WaitFailedError);
    expect(e.message).toMatch(/deployment stuck exceeded its progress deadline: ReplicaSet "stuck-[a-z0-9]+" has timed out progressing/);
  }, 300_000);

  test("StatefulSet and DaemonSet rollouts", async () => {
    await kube.api(StatefulSet, { namespace: ns }).create({
      metadata: { name: "db" },
      spec: { replicas: 2, serviceName: "db", selector: labels("db"), template: template("db") },
    });
    await kube.api(DaemonSet, { namespace: ns }).create({ metadata: { name: "agent" }, spec: { selector: labels("agent"), template: template("agent") } });
    const db = await kube.wait(StatefulSet, "db", statefulSetRolledOut(), { namespace: ns, timeoutMs: 120_000 });
    expect(db?.status?.readyReplicas).toBe(2);
    const agent = await kube.wait(DaemonSet, "agent", daemonSetRolledOut(), { namespace: ns, timeoutMs: 120_000 });
    expect(agent?.status?.numberAvailable).toBe(cluster.nodes!.names.length);
  }, 300_000);

  test("a Job completes; a Pod runs and is ready; deleted(uid) resolves once it is gone", async () => {
    await kube.api(Job, { namespace: ns }).create({ metadata: { name: "once" }, spec: { template: template("once", { restartPolicy: "Never" }) } });
    const job = await kube.wait(Job, "once", jobComplete(), { namespace: ns, timeoutMs: 120_000 });
    expect(job?.status?.succeeded).toBe(1);

    const pods = kube.api(Pod, { namespace: ns });
    const pod = await pods.create({ metadata: { name: "solo" }, spec: template("solo").spec });
    expect((await kube.wait(Pod, "solo", podRunning(), { namespace: ns, timeoutMs: 60_000 }))?.status?.phase).toBe("Running");
    await kube.wait(Pod, "solo", podReady(), { namespace: ns, timeoutMs: 60_000 });
    await pods.delete("solo");
    expect(await kube.wait(Pod, "solo", deleted(pod.metadata!.uid), { namespace: ns, timeoutMs: 60_000 })).toBeUndefined();
  }, 300_000);

  test("a pod that is never scheduled times out with WaitTimeoutError naming the wait", async () => {
    await kube.api(Pod, { namespace: ns }).create({ metadata: { name: "never" }, spec: template("never", { schedulerName: "bun-k8s-unscheduled" }).spec });
    const e = await failure(kube.wait(Pod, "never", podRunning(), { namespace: ns, timeoutMs: 1_500 }));
    expect(e).toBeInstanceOf(WaitTimeoutError);
    expect(e.message).toMatch(/Pod .*\/never: gave up after 1500 ms waiting for the Pod to run .*; it exists but the condition does not hold/);
  });

  test("a CRD becomes established; a namespace is gone once deleted", async () => {
    const crds = kube.api(CustomResourceDefinition);
    const group = `${ns}.bun-k8s.test`;
    const name = `gadgets.${group}`;
    await crds.create({
      metadata: { name },
      spec: {
        group,
        scope: "Namespaced",
        names: { plural: "gadgets", singular: "gadget", kind: "Gadget", listKind: "GadgetList" },
        versions: [{ name: "v1", served: true, storage: true, schema: { openAPIV3Schema: { type: "object", "x-kubernetes-preserve-unknown-fields": true } } }],
      },
    });
    try {
      const crd = await kube.wait(CustomResourceDefinition, name, crdEstablished(), { timeoutMs: 60_000 });
      expect(crd?.status?.conditions?.find((c) => c.type === "Established")?.status).toBe("True");
    } finally {
      await crds.delete(name).catch(() => undefined);
    }
    const scratch = await kube.api(Namespace).create({ metadata: { generateName: "waits-gone-" } });
    await kube.api(Namespace).delete(scratch.metadata!.name!);
    expect(await kube.wait(Namespace, scratch.metadata!.name!, deleted(scratch.metadata!.uid), { timeoutMs: 120_000 })).toBeUndefined();
  }, 300_000);
});
