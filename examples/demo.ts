/**
 * The demo `npm run demo` runs on Bun against the local control plane (KUBECONFIG points at
 * its admin kubeconfig, a client certificate — the case client-node fails under Bun).
 *
 * It connects, lists namespaces and manages a ConfigMap with create / merge patch /
 * server-side apply. Then the GitOps loop, with the real Flux controllers: a commit pushed to
 * the loopback Git server, a GitRepository + Kustomization that apply its Deployment, the
 * Deployment Ready with its pods run by kwok's fake nodes, and a second commit applied after
 * `reconcile`. Then it cleans up.
 *
 * BUN_K8S_DEMO_GIT (set by `npm run demo`) is the Git server as JSON: { url, username,
 * password, caFile }; without it the GitOps part is skipped. FLUX_LABELS (key=value,...) are
 * put on the Flux objects, for controllers run with --watch-label-selector.
 */
import { readFileSync } from "node:fs";
import { KubeClient, isNotFound } from "../src/index.ts";
import { FluxClient, formatFluxTree } from "../src/flux/index.ts";
import { ConfigMap, Namespace, Pod } from "../generated/k8s/core/v1/index.ts";
import { Deployment } from "../generated/k8s/apps/v1/index.ts";
import { GitWorkspace, type GitRemote } from "../test/flux/git-workspace.ts";

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

  const git = process.env.BUN_K8S_DEMO_GIT ? (JSON.parse(process.env.BUN_K8S_DEMO_GIT) as GitRemote) : undefined;
  if (git) await gitOps(git);
  else console.log("GitOps loop skipped: the Flux controllers are not running (npm run flux:build, or BUN_K8S_FLUX=1)");
} finally {
  await kube.api(Namespace).delete(ns);
  const gone = await kube.api(Namespace).getOpt(ns).catch((e: unknown) => (isNotFound(e) ? undefined : Promise.reject(e)));
  console.log(`cleaned up namespace ${ns} (${gone ? `phase ${gone.status?.phase}` : "deleted"})`);
  kube.close();
}

async function gitOps(git: GitRemote): Promise<void> {
  const labels = Object.fromEntries((process.env.FLUX_LABELS ?? "").split(",").filter(Boolean).map((kv) => kv.split("=", 2) as [string, string]));
  const seconds = (since: number) => `${((performance.now() - since) / 1000).toFixed(1)} s`;
  const repo = await GitWorkspace.create(git, `demo/${ns}`);
  try {
    // 1. A commit in the loopback Git server: a Deployment of two pods.
    const first = await repo.commitAndPush({ "apps/web.yaml": webDeployment(2, "1") }, "deploy web");
    console.log(`pushed ${first.slice(0, 7)} (deploy web, 2 replicas) to ${repo.url}`);

    // 2. Flux reconciles it: credentials, a GitRepository and a Kustomization with health checks.
    const flux = new FluxClient(kube, { fieldManager: "bun-k8s-demo" });
    await flux.applyGitCredentials({
      name: "git-auth",
      namespace: ns,
      basicAuth: { username: git.username, password: git.password },
      caCertificate: readFileSync(git.caFile, "utf8"),
    });
    const ks = { kind: "Kustomization", name: "web", namespace: ns } as const;
    const applied = performance.now();
    await flux.applyGitRepositoryAndKustomization({
      namespace: ns,
      name: "web",
      labels,
      gitRepository: { url: repo.url, interval: "10m", ref: { branch: "main" }, secretRef: { name: "git-auth" } },
      kustomization: { interval: "10m", prune: true, wait: true, timeout: "2m", path: "./apps", targetNamespace: ns },
    });

    // 3. Ready once the Deployment is: its pods run on kwok's nodes.
    const ready = await flux.waitForReady(ks, { timeoutMs: 180_000 });
    console.log(`Kustomization web Ready at ${ready.status?.lastAppliedRevision} after ${seconds(applied)}`);
    await printDeployment();
    console.log(formatFluxTree(await flux.tree(ks)));

    // 4. A second commit, applied after `flux reconcile ks web --with-source`.
    const pushed = performance.now();
    const second = await repo.commitAndPush({ "apps/web.yaml": webDeployment(3, "2") }, "scale web to 3");
    const result = await flux.reconcile(ks, { withSource: true, wait: true, timeoutMs: 180_000 });
    console.log(`pushed ${second.slice(0, 7)} (3 replicas); reconciled, applied ${result.object.status?.lastAppliedRevision} and Ready after ${seconds(pushed)}`);
    await printDeployment();
  } finally {
    repo.remove();
  }
}

async function printDeployment(): Promise<void> {
  const web = await kube.api(Deployment, { namespace: ns }).get("web");
  const pods = await kube.api(Pod, { namespace: ns }).list({ labelSelector: "app=web" });
  const running = pods.items.filter((p) => p.status?.conditions?.some((c) => c.type === "Ready" && c.status === "True"));
  const nodes = [...new Set(running.map((p) => p.spec?.nodeName))].sort().join(", ");
  console.log(`Deployment web: ${web.status?.readyReplicas ?? 0}/${web.spec?.replicas} Ready (RELEASE=${web.spec?.template.spec?.containers[0]?.env?.[0]?.value}), pods on ${nodes}`);
}

function webDeployment(replicas: number, release: string): string {
  return [
    "apiVersion: apps/v1",
    "kind: Deployment",
    "metadata: { name: web }",
    "spec:",
    `  replicas: ${replicas}`,
    "  selector: { matchLabels: { app: web } }",
    "  template:",
    "    metadata: { labels: { app: web } }",
    "    spec:",
    "      containers:",
    `        - { name: web, image: "nginx:1.27", env: [{ name: RELEASE, value: "${release}" }] }`,
    "",
  ].join("\n");
}
