/**
 * A GitOps service's day with the Flux toolkit, against real Flux controllers: write Git
 * credentials, create a GitRepository + Kustomization pair, wait until what it applies is
 * Ready, reconcile (source first), read status, tree, trace and events, suspend and resume,
 * install a chart with a HelmRepository + HelmRelease pair, print stats and export the objects.
 *
 * It needs a cluster with the Flux controllers and a Git repository holding manifests:
 *
 *   KUBECONFIG=... GIT_URL=https://git.example.com/team/app.git GIT_PATH=./deploy \
 *   GIT_USERNAME=git GIT_PASSWORD=... [GIT_CA_FILE=ca.pem] \
 *   [HELM_REPOSITORY_URL=https://charts.example.com HELM_CHART=web HELM_CA_FILE=ca.pem] \
 *   [FLUX_LABELS=key=value,...] bun examples/gitops.ts
 *
 * FLUX_LABELS are put on every Flux object (for controllers run with --watch-label-selector).
 * `npm run cluster:up` runs such a cluster with a Git and a Helm server; the contract suite
 * runs this file against its own (test/contract/flux-example.test.ts).
 */
import { readFileSync } from "node:fs";
import { KubeClient, isNotFound } from "../src/index.ts";
import { FluxClient, formatFluxManifests, formatFluxStats, formatFluxTrace, formatFluxTree } from "../src/flux/index.ts";
import { Namespace, Secret } from "../generated/k8s/core/v1/index.ts";

const env = (name: string): string | undefined => process.env[name] || undefined;
const gitUrl = env("GIT_URL");
if (!gitUrl) throw new Error("set GIT_URL to a Git repository with Kubernetes manifests (see the comment at the top)");
const labels = Object.fromEntries((env("FLUX_LABELS") ?? "").split(",").filter(Boolean).map((kv) => kv.split("=", 2) as [string, string]));
const caOf = (file: string | undefined) => (file ? readFileSync(file, "utf8") : undefined);

const kube = await KubeClient.load();
const flux = new FluxClient(kube, { fieldManager: "gitops-example" });
const ns = `gitops-${Date.now().toString(36)}`;
await kube.api(Namespace).create({ metadata: { name: ns } });
console.log(`namespace ${ns}`);

try {
  // 1. Credentials, with the keys `flux create secret git` writes; printed, they are redacted.
  const gitCa = caOf(env("GIT_CA_FILE"));
  const username = env("GIT_USERNAME");
  const secretRef = username ? { name: "git-auth" } : undefined;
  if (username) {
    const written = await flux.applyGitCredentials({
      name: "git-auth",
      namespace: ns,
      basicAuth: { username, password: env("GIT_PASSWORD") ?? "" },
      ...(gitCa ? { caCertificate: gitCa } : {}),
    });
    console.log(`credentials: ${JSON.stringify(written.basicAuth)}`);
  }

  // 2. The pair, applied by the Kustomization with health checks (wait: true); wait for it.
  const ks = { kind: "Kustomization", name: "app", namespace: ns } as const;
  const started = performance.now();
  await flux.applyGitRepositoryAndKustomization({
    namespace: ns,
    name: "app",
    labels,
    gitRepository: { url: gitUrl, interval: "10m", ref: { branch: env("GIT_BRANCH") ?? "main" }, ...(secretRef ? { secretRef } : {}) },
    kustomization: { interval: "10m", prune: true, wait: true, timeout: "3m", path: env("GIT_PATH") ?? "./", targetNamespace: ns },
  });
  const ready = await flux.waitForReady(ks, { timeoutMs: 180_000 });
  console.log(`Kustomization ready: applied ${ready.status?.lastAppliedRevision} in ${((performance.now() - started) / 1000).toFixed(1)} s`);

  // 3. flux reconcile ks app --with-source, waiting for both handshakes.
  const reconciled = await flux.reconcile(ks, { withSource: true, wait: true, timeoutMs: 120_000 });
  console.log(`reconciled: source handled ${reconciled.source?.handled}, kustomization handled ${reconciled.handled}`);

  // 4. What `flux get`, `flux tree`, `flux trace` and `flux events` show.
  const status = await flux.status(ks);
  console.log(`status: ready=${status.ready} reason=${status.reason} revision=${status.revision}`);
  const tree = await flux.tree(ks);
  console.log(formatFluxTree(tree));
  const first = tree.applied?.find((a) => a.object.kind === "Deployment")?.object ?? tree.applied?.[0]?.object;
  if (first) console.log(formatFluxTrace(await flux.trace(first)));
  for (const event of await flux.events({ kind: "GitRepository", name: "app", namespace: ns })) console.log(`event: ${event.type} ${event.reason}: ${event.note}`);

  // 5. Pause and resume reconciliation.
  await flux.suspend(ks);
  console.log(`suspended: ${(await flux.status(ks)).suspended}`);
  const resumed = await flux.resume(ks, { wait: true, timeoutMs: 120_000 });
  console.log(`resumed: suspended=${resumed.object.spec?.suspend}, handled=${resumed.handled}`);

  // 6. A chart from a HelmRepository, when one is given.
  const helmUrl = env("HELM_REPOSITORY_URL");
  const chart = env("HELM_CHART");
  if (helmUrl && chart) {
    const helmCa = caOf(env("HELM_CA_FILE"));
    if (helmCa) {
      await kube.api(Secret, { namespace: ns }).apply(
        { apiVersion: "v1", kind: "Secret", metadata: { name: "helm-ca" }, stringData: { "ca.crt": helmCa } },
        { fieldManager: "gitops-example" },
      );
    }
    await flux.applyHelmRepositoryAndRelease({
      namespace: ns,
      name: chart,
      labels,
      helmRepository: { url: helmUrl, interval: "1h", ...(helmCa ? { certSecretRef: { name: "helm-ca" } } : {}) },
      helmRelease: { interval: "10m", chart: { chart, version: "*" } },
    });
    const release = await flux.waitForReady({ kind: "HelmRelease", name: chart, namespace: ns }, { timeoutMs: 120_000 });
    console.log(`HelmRelease ${chart} ready: chart ${release.status?.history?.[0]?.chartVersion}, release ${release.status?.history?.[0]?.status}`);
  }

  // 7. `flux stats` and `flux export`.
  console.log(formatFluxStats((await flux.stats({ namespace: ns })).filter((s) => s.total > 0)));
  console.log(formatFluxManifests(await flux.exportAll("Kustomization", { namespace: ns })).trimEnd());
} finally {
  await kube.api(Namespace).delete(ns);
  const left = await kube.api(Namespace).getOpt(ns).catch((e: unknown) => (isNotFound(e) ? undefined : Promise.reject(e)));
  console.log(`cleaned up namespace ${ns} (${left ? `phase ${left.status?.phase}` : "deleted"})`);
  kube.close();
}
