/**
 * A GitOps flow with the Flux toolkit, end to end: store Git credentials, create or update
 * a GitRepository + Kustomization pair, reconcile it (source first) and wait for it, read
 * status, the source tree and events, suspend and resume, and add a HelmRepository +
 * HelmRelease pair.
 *
 * Run it against any cluster with the Flux CRDs: `KUBECONFIG=... bun examples/gitops.ts`.
 * The local control plane of this repository installs the CRDs but runs no Flux
 * controllers, so without them nothing would ever answer. Set FLUX_SIMULATE=0 when real
 * controllers run; otherwise the clearly marked section at the end plays source-controller
 * and kustomize-controller, writing status the way they would.
 */
import { KubeClient, isNotFound, type Informer } from "../src/index.ts";
import { FluxClient, formatFluxTree } from "../src/flux/index.ts";
import { Namespace, Secret } from "../generated/k8s/core/v1/index.ts";
import { Event } from "../generated/k8s/events/v1/index.ts";
import { GitRepository } from "../generated/flux/source/v1/index.ts";
import { Kustomization } from "../generated/flux/kustomize/v1/index.ts";

const kube = await KubeClient.load();
const flux = new FluxClient(kube, { fieldManager: "gitops-example" });
const ns = `gitops-${Date.now().toString(36)}`;
await kube.api(Namespace).create({ metadata: { name: ns } });
const simulation = process.env.FLUX_SIMULATE === "0" ? undefined : simulateControllers(ns);
console.log(`namespace ${ns}${simulation ? " (simulating the Flux controllers)" : ""}`);

try {
  // 1. Credentials for a private repository, and the GitRepository + Kustomization pair.
  await kube.api(Secret, { namespace: ns }).apply(
    { apiVersion: "v1", kind: "Secret", metadata: { name: "podinfo-auth" }, stringData: { username: "git", password: "example-token" } },
    { fieldManager: "gitops-example" },
  );
  const { gitRepository, kustomization } = await flux.applyGitRepositoryAndKustomization({
    namespace: ns,
    name: "podinfo",
    gitRepository: { url: "https://github.com/stefanprodan/podinfo", interval: "5m", ref: { branch: "master" }, secretRef: { name: "podinfo-auth" } },
    kustomization: { interval: "10m", prune: true, path: "./kustomize", targetNamespace: ns },
  });
  console.log(`applied GitRepository/${gitRepository.metadata?.name} and Kustomization/${kustomization.metadata?.name}`);
  const credentials = await flux.credentials(gitRepository);
  console.log(`credentials: ${JSON.stringify(credentials)}`);

  // 2. Reconcile now, source first, and wait for the controllers to report back.
  const ks = { kind: "Kustomization", name: "podinfo", namespace: ns } as const;
  const reconciled = await flux.reconcile(ks, { withSource: true, wait: true, timeoutMs: 60_000 });
  console.log(`reconciled source at ${reconciled.source?.requestedAt}, kustomization at ${reconciled.requestedAt}`);
  const ready = await flux.waitForReady(ks, { timeoutMs: 60_000 });
  console.log(`Kustomization ready: applied revision ${ready.status?.lastAppliedRevision}`);

  // 3. What `flux get`, `flux tree` and `flux events` would show.
  const status = await flux.status(ks);
  console.log(`status: ready=${status.ready} reason=${status.reason} revision=${status.revision} suspended=${status.suspended}`);
  console.log(formatFluxTree(await flux.tree(ks)));
  for (const event of await flux.events(gitRepository)) console.log(`event: ${event.type} ${event.reason}: ${event.note}`);

  // 4. Pause and resume reconciliation.
  await flux.suspend(ks);
  console.log(`suspended: ${(await flux.status(ks)).suspended}`);
  const resumed = await flux.resume(ks, { wait: true, timeoutMs: 60_000 });
  console.log(`resumed: suspended=${resumed.object.spec?.suspend}, handled=${resumed.handled}`);

  // 5. A Helm chart from a HelmRepository.
  const helm = await flux.applyHelmRepositoryAndRelease({
    namespace: ns,
    name: "podinfo-helm",
    helmRepository: { url: "https://stefanprodan.github.io/podinfo", interval: "1h" },
    helmRelease: { interval: "10m", chart: { chart: "podinfo", version: "6.x" }, values: { replicaCount: 2 } },
  });
  console.log(`applied HelmRelease/${helm.helmRelease.metadata?.name} from HelmRepository/${helm.helmRepository.metadata?.name}`);
} finally {
  simulation?.stop();
  await kube.api(Namespace).delete(ns);
  const left = await kube.api(Namespace).getOpt(ns).catch((e: unknown) => (isNotFound(e) ? undefined : Promise.reject(e)));
  console.log(`cleaned up namespace ${ns} (${left ? `phase ${left.status?.phase}` : "deleted"})`);
  kube.close();
}

// ─────────────────────────────────────────────────────────────────────────────────────────
// SIMULATED FLUX CONTROLLERS — not part of a real program.
// No Flux controllers run against the local control plane, so this plays source-controller
// and kustomize-controller: for every new generation or reconcile request it writes the
// status they would (through the status subresource) and records an Event.
// ─────────────────────────────────────────────────────────────────────────────────────────
function simulateControllers(namespace: string): { stop: () => void } {
  const revision = "master@sha1:b4ef1d4c2e1a3b7f0c9d8e7f6a5b4c3d2e1f0a9b";
  const now = () => new Date().toISOString().replace(/\.\d+Z$/, "Z");
  const ready = (generation: number | undefined, message: string) => [
    { type: "Ready", status: "True" as const, reason: "Succeeded", message, lastTransitionTime: now(), observedGeneration: generation },
  ];
  const pending = (o: GitRepository | Kustomization): string | undefined => {
    const requested = o.metadata?.annotations?.["reconcile.fluxcd.io/requestedAt"];
    const fresh = o.status?.observedGeneration === o.metadata?.generation && requested === o.status?.lastHandledReconcileAt;
    return fresh || o.spec?.suspend ? undefined : (requested ?? "");
  };
  const note = (kind: string, name: string, uid: string | undefined, reason: string, text: string) =>
    kube.api(Event, { namespace }).create({
      metadata: { generateName: `${name}-` },
      eventTime: new Date().toISOString().replace("Z", "000Z"),
      type: "Normal",
      reason,
      note: text,
      action: "Reconcile",
      reportingController: kind === "GitRepository" ? "source-controller" : "kustomize-controller",
      reportingInstance: "simulated",
      regarding: { apiVersion: kind === "GitRepository" ? "source.toolkit.fluxcd.io/v1" : "kustomize.toolkit.fluxcd.io/v1", kind, name, namespace, uid },
    });

  const repos: Informer<GitRepository> = kube.informer(GitRepository, { namespace });
  const onRepo = (repo: GitRepository): void => {
    const handled = pending(repo);
    if (handled === undefined) return;
    const message = `stored artifact for revision '${revision}'`;
    void kube.api(GitRepository, { namespace }).status.patch(repo.metadata!.name!, {
      type: "merge",
      patch: {
        status: {
          observedGeneration: repo.metadata?.generation,
          lastHandledReconcileAt: handled || undefined,
          conditions: ready(repo.metadata?.generation, message),
          artifact: { revision, path: "podinfo.tar.gz", url: "http://source-controller/podinfo.tar.gz", digest: "sha256:6b86b273ff34fce19d6b804eff5a3f5747ada4eaa22f1d49c01e52ddb7875b4b", lastUpdateTime: now() },
        },
      },
    }).then(() => note("GitRepository", repo.metadata!.name!, repo.metadata?.uid, "NewArtifact", message));
  };
  repos.on("add", onRepo);
  repos.on("update", onRepo);

  const kustomizations: Informer<Kustomization> = kube.informer(Kustomization, { namespace });
  const onKustomization = (ks: Kustomization): void => {
    const handled = pending(ks);
    if (handled === undefined) return;
    void kube.api(Kustomization, { namespace }).status.patch(ks.metadata!.name!, {
      type: "merge",
      patch: {
        status: {
          observedGeneration: ks.metadata?.generation,
          lastHandledReconcileAt: handled || undefined,
          lastAppliedRevision: revision,
          lastAttemptedRevision: revision,
          conditions: ready(ks.metadata?.generation, `Applied revision: ${revision}`),
        },
      },
    });
  };
  kustomizations.on("add", onKustomization);
  kustomizations.on("update", onKustomization);
  return { stop: () => (repos.stop(), kustomizations.stop()) };
}
