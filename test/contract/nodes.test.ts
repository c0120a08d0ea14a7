/**
 * Pods that run: kube-scheduler places pods on kwok's fake nodes and kwok moves them
 * through their lifecycle with its own stages (Pending → Running and Ready, Job pods →
 * Succeeded, deletion). Local control plane with nodes only (BUN_K8S_NODES is not 0).
 */
import { afterAll, beforeAll, describe, expect, inject, test } from "vitest";
import { api } from "../../src/api/client.ts";
import type { Connection } from "../../src/connection/types.ts";
import { Node, Pod } from "../../generated/k8s/core/v1/index.ts";
import { Deployment } from "../../generated/k8s/apps/v1/index.ts";
import { Job } from "../../generated/k8s/batch/v1/index.ts";
import { connect, scratchNamespace } from "./api-connection.ts";
import { podIsReady, until } from "../support/pod-waits.ts";

const cluster = inject("cluster");
const nodes = cluster.nodes;

describe.skipIf(!nodes)("kwok nodes and kube-scheduler", () => {
  let conn: Connection;
  let ns: string;
  let removeNamespace: () => Promise<void>;
  const container = { name: "app", image: "registry.invalid/app:1" };

  beforeAll(async () => {
    conn = await connect();
    ({ name: ns, remove: removeNamespace } = await scratchNamespace(conn, "nodes"));
  });
  afterAll(async () => {
    await removeNamespace?.();
    conn?.close();
  });

  test("the fake nodes are Ready, untainted, and name kwok's kubelet endpoint on 127.0.0.1", async () => {
    const listed = await api(conn, Node).list({ labelSelector: { type: "kwok" } });
    expect(listed.items.map((n) => n.metadata?.name).sort()).toEqual([...nodes!.names].sort());
    for (const node of listed.items) {
      expect(node.status?.conditions?.find((c) => c.type === "Ready")?.status).toBe("True");
      expect(node.spec?.taints ?? []).toEqual([]);
      expect(node.status?.addresses).toEqual([{ type: "InternalIP", address: "127.0.0.1" }]);
      expect(node.status?.daemonEndpoints?.kubeletEndpoint?.Port).toBeGreaterThan(0);
    }
  });

  test("a Deployment of 6 replicas becomes Available: every pod scheduled, Running and Ready", async () => {
    const deployments = api(conn, Deployment, { namespace: ns });
    await deployments.create({
      metadata: { name: "web" },
      spec: { replicas: 6, selector: { matchLabels: { app: "web" } }, template: { metadata: { labels: { app: "web" } }, spec: { containers: [container] } } },
    });
    const done = await until("Deployment web available", 60_000, async () => {
      const d = await deployments.get("web");
      const available = d.status?.conditions?.find((c) => c.type === "Available")?.status === "True";
      return available && d.status?.readyReplicas === 6 && d.status?.availableReplicas === 6 ? d : undefined;
    });
    expect(done.status?.updatedReplicas).toBe(6);
    const pods = await api(conn, Pod, { namespace: ns }).list({ labelSelector: { app: "web" } });
    expect(pods.items).toHaveLength(6);
    for (const pod of pods.items) {
      expect(pod.status?.phase).toBe("Running");
      expect(pod.status?.conditions?.find((c) => c.type === "Ready")?.status).toBe("True");
      expect(nodes!.names).toContain(pod.spec?.nodeName);
      // kwok's pod CIDR, kept apart from the service range 10.0.0.0/24.
      expect(pod.status?.podIP).toMatch(/^10\.244\.\d+\.\d+$/);
    }
  });

  test("a Job completes: its pod Succeeds and the Job reports Complete", async () => {
    const jobs = api(conn, Job, { namespace: ns });
    await jobs.create({
      metadata: { name: "once" },
      spec: { backoffLimit: 0, template: { spec: { restartPolicy: "Never", containers: [container] } } },
    });
    const done = await until("Job once complete", 60_000, async () => {
      const job = await jobs.get("once");
      return job.status?.conditions?.some((c) => c.type === "Complete" && c.status === "True") ? job : undefined;
    });
    expect(done.status?.succeeded).toBe(1);
    expect(done.status?.failed ?? 0).toBe(0);
    const pods = await api(conn, Pod, { namespace: ns }).list({ labelSelector: { "batch.kubernetes.io/job-name": "once" } });
    expect(pods.items.map((p) => p.status?.phase)).toEqual(["Succeeded"]);
    expect(pods.items[0]?.status?.containerStatuses?.[0]?.state?.terminated?.exitCode).toBe(0);
  });

  test("deleting a running pod finishes: the node acknowledges and the object goes", async () => {
    const pods = api(conn, Pod, { namespace: ns });
    await pods.create({ metadata: { name: "short" }, spec: { containers: [container] } });
    await until("pod short Running and Ready", 30_000, async () => {
      const pod = await pods.get("short");
      return podIsReady(pod) ? pod : undefined;
    });
    // A graceful delete (30 s grace by default): only the node's kubelet can finish it.
    await pods.delete("short");
    const marked = await pods.getOpt("short");
    if (marked) expect(marked.metadata?.deletionTimestamp).toBeDefined();
    await until("pod short gone", 30_000, async () => ((await pods.getOpt("short")) === undefined ? true : undefined));
  });
});
