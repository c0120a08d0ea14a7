/**
 * Subresources and the workload kinds against the real kube-apiserver: Pod (status,
 * binding, ephemeral containers, resize, log, eviction), Deployment + scale, Job,
 * ServiceAccount + token, CertificateSigningRequest approval, and watch.
 * The pods here stay Pending, unscheduled, although the local cluster has kwok nodes and a
 * scheduler: they name a scheduler that does not exist (nodes.test.ts covers pods that run).
 */
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { api } from "../../src/api/index.ts";
import { ApiError, isNotFound } from "../../src/base/errors.ts";
import type { Connection } from "../../src/connection/types.ts";
import { Pod, ServiceAccount, ConfigMap } from "../../generated/k8s/core/v1/index.ts";
import { Deployment } from "../../generated/k8s/apps/v1/index.ts";
import { Job } from "../../generated/k8s/batch/v1/index.ts";
import { TokenReview } from "../../generated/k8s/authentication/v1/index.ts";
import { CertificateSigningRequest } from "../../generated/k8s/certificates/v1/index.ts";
import { connect, scratchNamespace } from "./api-connection.ts";

let conn: Connection;
let ns: string;
let removeNamespace: () => Promise<void>;

beforeAll(async () => {
  conn = await connect();
  ({ name: ns, remove: removeNamespace } = await scratchNamespace(conn, "api-sub"));
});
afterAll(async () => {
  await removeNamespace?.();
  conn?.close();
});

const podSpec = {
  // No scheduler serves this name: a pod stays unbound unless a test binds it.
  schedulerName: "bun-k8s-unscheduled",
  containers: [{ name: "app", image: "registry.invalid/app:1", resources: { requests: { cpu: "100m" }, limits: { cpu: "200m" } } }],
};

describe("Pod", () => {
  test("status get and patch", async () => {
    const pods = api(conn, Pod, { namespace: ns });
    await pods.create({ metadata: { name: "status" }, spec: podSpec });
    const status = await pods.status.get("status");
    expect(status.status?.phase).toBe("Pending");
    const patched = await pods.status.patch("status", {
      type: "merge",
      patch: { status: { conditions: [{ type: "bun-k8s.test/Checked", status: "True" }] } },
    });
    expect(patched.status?.conditions?.some((c) => c.type === "bun-k8s.test/Checked")).toBe(true);
    const replaced = await pods.status.replace({ ...patched, status: { ...patched.status, message: "replaced" } });
    expect(replaced.status?.message).toBe("replaced");
    // /status ignores spec changes: the spec stays as created.
    const specChange = await pods.status.replace({ ...replaced, spec: { ...replaced.spec!, activeDeadlineSeconds: 5 } });
    expect(specChange.spec?.activeDeadlineSeconds).toBeUndefined();
    await pods.delete("status", { gracePeriodSeconds: 0 });
  });

  test("ephemeral containers and resize", async () => {
    const pods = api(conn, Pod, { namespace: ns });
    await pods.create({ metadata: { name: "debug" }, spec: podSpec });
    const withDebug = await pods.ephemeralContainers.patch("debug", {
      type: "strategic",
      patch: { spec: { ephemeralContainers: [{ name: "debugger", image: "registry.invalid/busybox:1", command: ["sh"] }] } },
    });
    expect(withDebug.spec?.ephemeralContainers?.map((c) => c.name)).toEqual(["debugger"]);
    expect((await pods.ephemeralContainers.get("debug")).spec?.ephemeralContainers).toHaveLength(1);

    const resized = await pods.resize.patch("debug", {
      type: "strategic",
      patch: { spec: { containers: [{ name: "app", resources: { requests: { cpu: "150m" }, limits: { cpu: "300m" } } }] } },
    });
    expect(resized.spec?.containers[0]?.resources?.limits?.cpu).toBe("300m");
    await pods.delete("debug", { gracePeriodSeconds: 0 });
  });

  test("logs: an unscheduled pod has an empty log; a wrong container is the server's 400", async () => {
    const pods = api(conn, Pod, { namespace: ns });
    await pods.create({ metadata: { name: "logs" }, spec: podSpec });
    // With no node assigned the server has nowhere to fetch from and answers an empty log.
    expect(await pods.logs("logs", { container: "app", tailLines: 10 })).toBe("");
    const lines: string[] = [];
    for await (const line of pods.logStream("logs", { container: "app" })) lines.push(line);
    expect(lines).toEqual([]);
    const e = await pods.logs("logs", { container: "nope" }).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(ApiError);
    expect((e as ApiError).code).toBe(400);
    expect((e as ApiError).message).toMatch(/nope/);
    expect((e as ApiError).site.path).toBe(`/api/v1/namespaces/${ns}/pods/logs/log?container=nope`);
    await pods.delete("logs", { gracePeriodSeconds: 0 });
  });

  test("binding assigns a node; eviction deletes the pod", async () => {
    const pods = api(conn, Pod, { namespace: ns });
    await pods.create({ metadata: { name: "bound" }, spec: podSpec });
    const bound = await pods.bind("bound", { name: "node-a" });
    expect(bound.status).toBe("Success");
    expect((await pods.get("bound")).spec?.nodeName).toBe("node-a");
    // Binding twice is refused: the pod already has a node.
    const again = await pods.bind("bound", { name: "node-b" }).catch((x: unknown) => x);
    expect((again as ApiError).code).toBe(409);

    await pods.create({ metadata: { name: "evicted" }, spec: podSpec });
    const dry = await pods.evict("evicted", { dryRun: true });
    expect(dry.status).toBe("Success");
    expect(await pods.getOpt("evicted")).toBeDefined();
    const evicted = await pods.evict("evicted", { gracePeriodSeconds: 0 });
    expect(evicted.status).toBe("Success");
    expect(await pods.getOpt("evicted")).toBeUndefined();
    await pods.delete("bound", { gracePeriodSeconds: 0 });
  });
});

describe("Deployment and scale", () => {
  test("scale get, set, replace and patch move spec.replicas", async () => {
    const deployments = api(conn, Deployment, { namespace: ns });
    await deployments.create({
      metadata: { name: "web" },
      spec: { replicas: 1, selector: { matchLabels: { app: "web" } }, template: { metadata: { labels: { app: "web" } }, spec: podSpec } },
    });
    const scale = await deployments.scale.get("web");
    expect(scale.kind).toBe("Scale");
    expect(scale.spec?.replicas).toBe(1);

    expect((await deployments.scale.set("web", 3)).spec?.replicas).toBe(3);
    expect((await deployments.get("web")).spec?.replicas).toBe(3);

    // No resourceVersion: an unconditional update (the deployment controller keeps
    // bumping the version, so a read-modify-write here would race it).
    expect((await deployments.scale.replace("web", { spec: { replicas: 2 } })).spec?.replicas).toBe(2);
    expect((await deployments.scale.patch("web", { type: "json", patch: [{ op: "replace", path: "/spec/replicas", value: 4 }] })).spec?.replicas).toBe(4);

    const applied = await deployments.apply(
      { apiVersion: "apps/v1", kind: "Deployment", metadata: { name: "web", labels: { owner: "ssa" } } },
      { fieldManager: "labeller" },
    );
    expect(applied.metadata?.labels?.owner).toBe("ssa");
    expect(applied.spec?.replicas).toBe(4);

    await deployments.delete("web", { propagationPolicy: "Foreground" });
  });
});

describe("Job", () => {
  test("create, status, delete with propagation", async () => {
    const jobs = api(conn, Job, { namespace: ns });
    const job = await jobs.create({
      metadata: { name: "once" },
      spec: { backoffLimit: 0, template: { spec: { ...podSpec, restartPolicy: "Never" } } },
    });
    expect(job.spec?.completions).toBe(1);
    const status = await jobs.status.get("once");
    expect(status.metadata?.uid).toBe(job.metadata?.uid);
    await jobs.delete("once", { propagationPolicy: "Background" });
    expect(await jobs.getOpt("once")).toBeUndefined();
  });
});

describe("ServiceAccount and token", () => {
  test("a requested token authenticates as the service account", async () => {
    const sas = api(conn, ServiceAccount, { namespace: ns });
    await sas.create({ metadata: { name: "builder" } });
    const issued = await sas.createToken("builder", { expirationSeconds: 600 });
    const token = issued.status?.token ?? "";
    expect(token.split(".")).toHaveLength(3);
    expect(Date.parse(issued.status!.expirationTimestamp)).toBeGreaterThan(Date.now());

    const review = await api(conn, TokenReview).create({ spec: { token } });
    expect(review.status?.authenticated).toBe(true);
    expect(review.status?.user?.username).toBe(`system:serviceaccount:${ns}:builder`);

    const audience = await sas.createToken("builder", { audiences: ["vault"] });
    expect(audience.spec.audiences).toEqual(["vault"]);
  });
});

// An ECDSA P-256 CSR made for this test with openssl (its key was discarded).
const CSR_PEM = `-----BEGIN CERTIFICATE REQUEST-----
MIHVMH0CAQAwGzEZMBcGA1UEAwwQYnVuLWs4cy1hcGktdGVzdDBZMBMGByqGSM49
AgEGCCqGSM49AwEHA0IABOe+dOflPkcMAxdQsHmBcy5l5FZ17OnYIuDHFxoZzgyt
WmWkivNd/nRV1/mrVnmiy/E3A+vuMFAPTkOp+JmKtaKgADAKBggqhkjOPQQDAgNI
ADBFAiA14CDgGwOh/yKQ6plylBJGWhkIbgjqoKjaUIKhRKqA5AIhALinu4bMg1oh
j37fAglyBEPPrGDbs2YF3Qu6RIvIZBxN
-----END CERTIFICATE REQUEST-----
`;

describe("CertificateSigningRequest approval", () => {
  test("approve and deny set the conditions through /approval", async () => {
    const csrs = api(conn, CertificateSigningRequest);
    const make = (name: string) =>
      csrs.create({
        metadata: { name },
        spec: { request: Buffer.from(CSR_PEM).toString("base64"), signerName: "example.com/bun-k8s-test", usages: ["client auth"] },
      });
    const suffix = ns.slice(-5);
    await make(`approve-${suffix}`);
    await make(`deny-${suffix}`);
    try {
      const approved = await csrs.approval.approve(`approve-${suffix}`, { reason: "ContractTest" });
      expect(approved.status?.conditions?.map((c) => [c.type, c.status, c.reason])).toEqual([["Approved", "True", "ContractTest"]]);
      const denied = await csrs.approval.deny(`deny-${suffix}`);
      expect(denied.status?.conditions?.map((c) => c.type)).toEqual(["Denied"]);
    } finally {
      await csrs.delete(`approve-${suffix}`).catch(() => undefined);
      await csrs.delete(`deny-${suffix}`).catch(() => undefined);
    }
  });
});

describe("watch through the client", () => {
  test("sees ADDED, MODIFIED and DELETED for objects it is told about", async () => {
    const cms = api(conn, ConfigMap, { namespace: ns });
    const start = await cms.list({ limit: 1 });
    const controller = new AbortController();
    const seen: string[] = [];
    const done = (async () => {
      for await (const ev of cms.watch({ resourceVersion: start.metadata.resourceVersion, fieldSelector: { "metadata.name": "watched" }, signal: controller.signal })) {
        if (ev.type === "BOOKMARK") continue;
        seen.push(`${ev.type} ${ev.object.data?.v ?? ""}`);
        if (ev.type === "DELETED") controller.abort();
      }
    })();
    await cms.create({ metadata: { name: "watched" }, data: { v: "1" } });
    await cms.patch("watched", { type: "merge", patch: { data: { v: "2" } } });
    await cms.delete("watched");
    await done;
    expect(seen).toEqual(["ADDED 1", "MODIFIED 2", "DELETED 2"]);
  });
});

test("isNotFound is what a missing object's get rejects with", async () => {
  const e = await api(conn, Pod, { namespace: ns }).get("absent").catch((x: unknown) => x);
  expect(isNotFound(e)).toBe(true);
});
