/**
 * The demo `npm run demo` runs on Bun against the local control plane (KUBECONFIG points at
 * its admin kubeconfig, a client certificate — the case client-node fails under Bun).
 *
 * It connects, lists namespaces, manages a ConfigMap with create / merge patch /
 * server-side apply, rolls out a Deployment and waits (through an informer) until its
 * pods are Ready (kwok's fake nodes run them; on a cluster without nodes, until
 * kube-controller-manager has made its ReplicaSet), applies a Flux GitRepository and
 * writes its status the way source-controller would, then cleans up.
 */
import { KubeClient, isNotFound } from "../src/index.ts";
import { ConfigMap, Namespace, Node } from "../generated/k8s/core/v1/index.ts";
import { Deployment, ReplicaSet } from "../generated/k8s/apps/v1/index.ts";
import { GitRepository } from "../generated/flux/source/v1/index.ts";

const runtime = process.versions.bun ? `Bun ${process.versions.bun}` : `Node ${process.versions.node}`;
const kube = await KubeClient.load();
const version = JSON.parse(await (await kube.connection.send({ method: "GET", path: "/version" })).text()) as { gitVersion: string };
console.log(`connected to ${kube.connection.server} (Kubernetes ${version.gitVersion}) from ${runtime}`);
console.log(`auth: ${kube.config?.auth.description}`);

const namespaces = await kube.api(Namespace).list();
console.log(`namespaces: ${namespaces.items.map((n) => n.metadata?.name).join(", ")}`);

const ns = `demo-${Date.now().toString(36)}`;
await kube.api(Namespace).create({ metadata: { name: ns } });
try {
  const configMaps = kube.api(ConfigMap, { namespace: ns });
  await configMaps.create({ metadata: { name: "settings" }, data: { colour: "blue" } });
  await configMaps.patch("settings", { type: "merge", patch: { data: { size: "large" } } });
  await configMaps.apply(
    { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "settings" }, data: { owner: "demo" } },
    { fieldManager: "bun-k8s-demo" },
  );
  console.log(`ConfigMap settings: ${JSON.stringify((await configMaps.get("settings")).data)}`);

  const deployments = kube.informer(Deployment, { namespace: ns });
  await deployments.waitForSync({ timeoutMs: 10_000 });
  await kube.api(Deployment, { namespace: ns }).create({
    metadata: { name: "web" },
    spec: {
      replicas: 2,
      selector: { matchLabels: { app: "web" } },
      template: { metadata: { labels: { app: "web" } }, spec: { containers: [{ name: "web", image: "nginx:1.27" }] } },
    },
  });
  // With nodes the pods become Ready; without, the deployment controller still observes the
  // Deployment, creates its ReplicaSet and reports replicas.
  const withNodes = (await kube.api(Node).list({ limit: 1 })).items.length > 0;
  const web = await deployments.waitFor(
    "web",
    (d) => d.status?.observedGeneration === d.metadata?.generation && d.status?.replicas === 2 && (!withNodes || d.status?.readyReplicas === 2),
    { timeoutMs: 60_000 },
  );
  deployments.stop();
  const owned = await kube.api(ReplicaSet, { namespace: ns }).list({ labelSelector: "app=web" });
  console.log(
    `Deployment web observed (generation ${web.metadata?.generation}, ${web.status?.replicas} replicas, ${web.status?.readyReplicas ?? 0} Ready) via ReplicaSet ${owned.items[0]?.metadata?.name}`,
  );

  const repos = kube.api(GitRepository, { namespace: ns });
  await repos.apply(
    {
      apiVersion: "source.toolkit.fluxcd.io/v1",
      kind: "GitRepository",
      metadata: { name: "podinfo" },
      spec: { url: "https://example.invalid/podinfo.git", interval: "5m", ref: { branch: "main" } },
    },
    { fieldManager: "bun-k8s-demo" },
  );
  await repos.status.patch("podinfo", {
    type: "merge",
    patch: {
      status: {
        conditions: [
          { type: "Ready", status: "True", reason: "Succeeded", message: "stored artifact", lastTransitionTime: new Date().toISOString() },
        ],
        artifact: { path: "podinfo.tar.gz", url: "http://source-controller/podinfo.tar.gz", revision: "main@sha1:0123abc", digest: "sha256:2c26b46b68ffc68ff99b453c1d30413413422d706483bfa0f98a5e886266e7ae", lastUpdateTime: new Date().toISOString() },
      },
    },
  });
  const repo = await repos.get("podinfo");
  console.log(`GitRepository podinfo: Ready=${repo.status?.conditions?.find((c) => c.type === "Ready")?.status}, revision ${repo.status?.artifact?.revision}`);
} finally {
  await kube.api(Namespace).delete(ns);
  const gone = await kube.api(Namespace).getOpt(ns).catch((e: unknown) => (isNotFound(e) ? undefined : Promise.reject(e)));
  console.log(`cleaned up namespace ${ns} (${gone ? `phase ${gone.status?.phase}` : "deleted"})`);
  kube.close();
}
