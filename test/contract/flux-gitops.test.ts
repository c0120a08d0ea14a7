/**
 * The GitOps loop against the real source- and kustomize-controller, driven through the SDK:
 * Git credentials written by its helper, a GitRepository + Kustomization (wait: true) that
 * apply a Deployment, a Service and a ConfigMap from the loopback Git server, kwok running
 * the pods; then events, tree, trace, export, a new commit with `reconcile`, suspend and
 * resume, a wrong password, stats, and prune. The tests run in order and share the objects.
 */
import { inspect } from "node:util";
import { describe, expect, inject, test } from "vitest";
import { api } from "../../src/api/index.ts";
import type { Connection } from "../../src/connection/types.ts";
import { FluxNotReadyError } from "../../src/flux/errors.ts";
import type { FluxClient } from "../../src/flux/flux-client.ts";
import type { FluxRef } from "../../src/flux/kinds.ts";
import { formatFluxManifests } from "../../src/flux/manifest-export.ts";
import { formatFluxTree } from "../../src/flux/source-tree.ts";
import { formatFluxStats } from "../../src/flux/stats.ts";
import { formatFluxTrace } from "../../src/flux/trace.ts";
import { Deployment } from "../../generated/k8s/apps/v1/index.ts";
import { ConfigMap, Pod, Service } from "../../generated/k8s/core/v1/index.ts";
import type { Event } from "../../generated/k8s/events/v1/index.ts";
import { GitRepository } from "../../generated/flux/source/v1/index.ts";
import { Kustomization } from "../../generated/flux/kustomize/v1/index.ts";
import type { GitWorkspace } from "../flux/git-workspace.ts";
import { appManifests, fluxInfo, labels, pollUntil, realFluxSuite, since, timing, type RealFluxSuite } from "./flux-real.ts";

/** kwok's nodes run the pods; without them (BUN_K8S_NODES=0) no Deployment becomes Ready. */
const nodes = inject("cluster").nodes?.names ?? [];

let suite: RealFluxSuite;
let conn: Connection;
let ns: string;
let flux: FluxClient;
realFluxSuite("flux-gitops", (s) => ({ conn, ns, flux } = suite = s));

describe.skipIf(!fluxInfo || nodes.length === 0)("GitOps with the real source- and kustomize-controller", () => {
  let repo: GitWorkspace;
  const commits: string[] = [];
  const ks = (): FluxRef<"Kustomization"> => ({ kind: "Kustomization", name: "app", namespace: ns });
  const source = (): FluxRef<"GitRepository"> => ({ kind: "GitRepository", name: "app", namespace: ns });
  const kustomizationEvents: Event[] = [];
  const stopEvents = new AbortController();

  test("bootstrap: credentials, GitRepository and Kustomization through the SDK; the Deployment's pods run on kwok", async () => {
    repo = await suite.repository("app");
    commits.push(await repo.commitAndPush(appManifests({ colour: "blue", release: "1" }), "first"));
    const credentials = await suite.gitCredentials("git-auth");
    expect(credentials.basicAuth?.password?.reveal()).toBe(suite.info.git.password);
    expect(inspect(credentials, { depth: 10 })).not.toContain(suite.info.git.password);

    // Started before the objects exist: the wait and the event watch pick them up as they appear.
    void (async () => {
      for await (const change of flux.watchEvents(ks(), { signal: stopEvents.signal })) {
        if (change.type === "ADDED" || change.type === "MODIFIED") kustomizationEvents.push(change.object);
      }
    })().catch(() => {});
    const ready = flux.waitForReady(ks(), { timeoutMs: 120_000 });
    const applied = performance.now();
    await flux.applyGitRepositoryAndKustomization({
      namespace: ns,
      name: "app",
      labels,
      gitRepository: { url: repo.url, interval: "10m", ref: { branch: "main" }, secretRef: { name: "git-auth" } },
      // A short interval, so that "nothing changes over two intervals" (suspend, below) is quick to see.
      kustomization: { interval: "3s", prune: true, wait: true, timeout: "2m", path: "./deploy", targetNamespace: ns },
    });
    const kustomization = await ready;
    timing("Kustomization Ready (wait: true, pods Ready) after apply", since(applied));
    expect(kustomization.status?.lastAppliedRevision).toBe(`main@sha1:${commits[0]}`);
    expect(
      kustomization.status?.inventory?.entries?.map((e) => e.id).sort(),
    ).toEqual([`${ns}_settings__ConfigMap`, `${ns}_web__Service`, `${ns}_web_apps_Deployment`]);

    // The applied objects, read through the typed client.
    const web = await api(conn, Deployment, { namespace: ns }).get("web");
    expect(web.status).toMatchObject({ readyReplicas: 2, availableReplicas: 2, observedGeneration: web.metadata?.generation });
    expect(web.metadata?.labels).toMatchObject({ "kustomize.toolkit.fluxcd.io/name": "app", "kustomize.toolkit.fluxcd.io/namespace": ns });
    expect((await api(conn, Service, { namespace: ns }).get("web")).spec?.ports?.[0]?.port).toBe(80);
    expect((await api(conn, ConfigMap, { namespace: ns }).get("settings")).data).toEqual({ colour: "blue" });
    const pods = await api(conn, Pod, { namespace: ns }).list({ labelSelector: "app=web" });
    expect(pods.items).toHaveLength(2);
    for (const pod of pods.items) {
      expect(nodes).toContain(pod.spec?.nodeName);
      expect(pod.status?.conditions?.find((c) => c.type === "Ready")?.status).toBe("True");
    }
  });

  test("events from the real controllers, listed and watched", async () => {
    const sourceEvents = await flux.events(source());
    expect(sourceEvents.map((e) => `${e.type} ${e.reason}`)).toContain("Normal NewArtifact");
    expect(sourceEvents.find((e) => e.reason === "NewArtifact")?.note).toBe("stored artifact for commit 'first'");
    expect(sourceEvents.every((e) => e.reportingController === "source-controller")).toBe(true);
    // kustomize-controller reports what it applied; the watch started before the Kustomization existed.
    const reported = await pollUntil("a kustomize-controller event naming the Deployment", async () => kustomizationEvents, (events) =>
      events.some((e) => e.type === "Normal" && (e.note ?? "").includes(`Deployment/${ns}/web created`)),
    );
    expect(reported.every((e) => e.regarding?.kind === "Kustomization" && e.regarding?.name === "app")).toBe(true);
    expect(JSON.stringify(reported)).not.toContain(suite.info.git.password);
  });

  test("tree, trace and export of what the controllers reconciled", async () => {
    const tree = await flux.tree(ks());
    expect(tree.source?.status).toMatchObject({ kind: "GitRepository", ready: true, revision: `main@sha1:${commits[0]}` });
    expect(tree.applied?.map((a) => `${a.object.apiVersion} ${a.object.kind}/${a.object.name}`).sort()).toEqual(["apps/v1 Deployment/web", "v1 ConfigMap/settings", "v1 Service/web"]);
    const lines = formatFluxTree(tree).split("\n");
    expect(lines[0]).toBe(`Kustomization/${ns}/app  Ready  main@sha1:${commits[0]}`);
    expect(lines).toContain(`├─ GitRepository/${ns}/app  Ready  main@sha1:${commits[0]}`);
    expect(lines.slice(2).map((l) => l.slice(3)).sort()).toEqual([`ConfigMap/${ns}/settings`, `Deployment/${ns}/web`, `Service/${ns}/web`]);

    const trace = await flux.trace({ apiVersion: "apps/v1", kind: "Deployment", name: "web", namespace: ns });
    expect(trace.owner?.ref).toEqual(ks());
    expect(trace.owner?.source?.ref).toEqual(source());
    expect(formatFluxTrace(trace)).toContain(`Kustomization:  app\nNamespace:      ${ns}\nRevision:       main@sha1:${commits[0]}\nStatus:         Ready`);
    // A pod is the ReplicaSet's, not Flux's: nothing labels it.
    const pod = (await api(conn, Pod, { namespace: ns }).list({ labelSelector: "app=web" })).items[0]!;
    expect((await flux.trace(pod)).owner).toBeUndefined();

    const manifest = await flux.export(ks());
    expect(Object.keys(manifest).sort()).toEqual(["apiVersion", "kind", "metadata", "spec"]);
    expect(Object.keys(manifest.metadata).sort()).toEqual(["labels", "name", "namespace"]);
    // Re-applying the export changes nothing (a dry run, so no other manager takes the fields).
    const current = await api(conn, Kustomization, { namespace: ns }).get("app");
    const reapplied = await api(conn, Kustomization, { namespace: ns }).apply(manifest as never, { fieldManager: "export-check", dryRun: true, force: true });
    expect(reapplied.metadata?.generation).toBe(current.metadata?.generation);
    const sources = await flux.exportAll("GitRepository", { namespace: ns });
    expect(formatFluxManifests(sources)).toContain(`url: ${repo.url}\n`);
    expect(formatFluxManifests(sources)).not.toMatch(/status:|resourceVersion|managedFields|uid:/);
  });

  test("a new commit and reconcile --with-source: the new revision is applied, rolled out and observed", async () => {
    const pushed = performance.now();
    commits.push(await repo.commitAndPush(appManifests({ colour: "green", release: "2" }), "second"));
    // Applied comes before Ready: with wait: true kustomize-controller then polls the rollout.
    const applied = pollUntil("the second commit's ConfigMap", () => api(conn, ConfigMap, { namespace: ns }).get("settings"), (c) => c.data?.["colour"] === "green").then(
      () => timing("push → reconcile --with-source → new revision applied", since(pushed)),
    );
    const result = await flux.reconcile(ks(), { withSource: true, wait: true, timeoutMs: 120_000 });
    timing("push → reconcile --with-source → Ready (rollout included)", since(pushed));
    await applied;
    expect(result.source?.object.kind).toBe("GitRepository");
    const fetched = result.source?.object as GitRepository;
    expect(fetched.status?.artifact?.revision).toBe(`main@sha1:${commits[1]}`);
    // The source handled its request before the Kustomization was asked.
    expect(fetched.status?.lastHandledReconcileAt).toBe(result.source?.requestedAt);
    expect(Date.parse(result.requestedAt!)).toBeGreaterThanOrEqual(Date.parse(result.source!.requestedAt!));
    expect(result.object.status?.lastHandledReconcileAt).toBe(result.requestedAt);
    expect(result.object.status?.lastAppliedRevision).toBe(`main@sha1:${commits[1]}`);
    expect((await api(conn, ConfigMap, { namespace: ns }).get("settings")).data).toEqual({ colour: "green" });
    const web = await api(conn, Deployment, { namespace: ns }).get("web");
    expect(web.spec?.template.spec?.containers[0]?.env).toEqual([{ name: "RELEASE", value: "2" }]);
    expect(web.status).toMatchObject({ observedGeneration: web.metadata?.generation, updatedReplicas: 2, readyReplicas: 2 });
  });

  test("suspended, a pushed commit changes nothing over two intervals; resumed, it is applied", async () => {
    await flux.suspend(ks());
    commits.push(await repo.commitAndPush(appManifests({ colour: "red", release: "2" }), "third"));
    // The source moves on; the suspended Kustomization must not follow.
    const fetched = await flux.reconcile(source(), { wait: true, timeoutMs: 60_000 });
    expect(fetched.object.status?.artifact?.revision).toBe(`main@sha1:${commits[2]}`);
    const before = await api(conn, ConfigMap, { namespace: ns }).get("settings");
    await new Promise((r) => setTimeout(r, 2 * 3_000 + 1_500));
    const during = await flux.get(ks());
    expect(during.status?.lastAppliedRevision).toBe(`main@sha1:${commits[1]}`);
    expect(during.status?.lastAttemptedRevision).toBe(`main@sha1:${commits[1]}`);
    expect((await flux.status(ks())).suspended).toBe(true);
    const after = await api(conn, ConfigMap, { namespace: ns }).get("settings");
    expect(after.metadata?.resourceVersion).toBe(before.metadata?.resourceVersion);
    expect(after.data).toEqual({ colour: "green" });

    const resumed = performance.now();
    const result = await flux.resume(ks(), { wait: true, timeoutMs: 120_000 });
    timing("resume → Ready at the commit pushed while suspended", since(resumed));
    expect(result.object.spec?.suspend).toBe(false);
    expect(result.object.status?.lastAppliedRevision).toBe(`main@sha1:${commits[2]}`);
    expect((await api(conn, ConfigMap, { namespace: ns }).get("settings")).data).toEqual({ colour: "red" });
  });

  test("a wrong password: waitForReady rejects with source-controller's message, and no password anywhere", async () => {
    const wrong = `wrong-${suite.info.git.password.slice(0, 6)}-password`;
    await suite.gitCredentials("bad-auth", wrong);
    const denied: FluxRef<"GitRepository"> = { kind: "GitRepository", name: "denied", namespace: ns };
    const started = performance.now();
    await api(conn, GitRepository, { namespace: ns }).create({
      metadata: { name: "denied", labels },
      spec: { url: repo.url, interval: "10m", ref: { branch: "main" }, secretRef: { name: "bad-auth" } },
    });
    const error = await flux.waitForReady(denied, { timeoutMs: 60_000 }).catch((e: unknown) => e);
    timing("wrong password → FluxNotReadyError", since(started));
    expect(error).toBeInstanceOf(FluxNotReadyError);
    const e = error as FluxNotReadyError;
    expect(e).toMatchObject({ reason: "GitOperationFailed", stalled: false, object: denied });
    expect(e.conditionMessage).toMatch(/authentication required/i);
    expect(e.message).toContain(`GitRepository ${ns}/denied is not ready: Ready=False (GitOperationFailed)`);
    for (const secret of [wrong, suite.info.git.password]) expect(`${e.message} ${inspect(e)}`).not.toContain(secret);

    // A reconcile request is handled and fails the same way.
    const again = await flux.reconcile(denied, { wait: true, timeoutMs: 60_000 }).catch((x: unknown) => x);
    expect(again).toBeInstanceOf(FluxNotReadyError);
    expect((again as FluxNotReadyError).reason).toBe("GitOperationFailed");

    // The credential reader returns what the Secret holds, redacted when printed.
    const credentials = await flux.credentials(denied);
    expect(credentials?.basicAuth?.username).toBe(suite.info.git.username);
    expect(credentials?.basicAuth?.password?.reveal()).toBe(wrong);
    expect(credentials?.tls?.caCertificate).toContain("BEGIN CERTIFICATE");
    for (const text of [inspect(credentials, { depth: 10 }), JSON.stringify(credentials), `${credentials?.basicAuth?.password}`]) expect(text).not.toContain(wrong);
  });

  test("stats count what the controllers reported", async () => {
    const stats = await flux.stats({ namespace: ns });
    expect(stats.find((s) => s.kind === "GitRepository")).toMatchObject({ total: 2, running: 2, ready: 1, failing: 1, suspended: 0 });
    expect(stats.find((s) => s.kind === "GitRepository")?.storageBytes).toBeGreaterThan(0);
    expect(stats.find((s) => s.kind === "Kustomization")).toMatchObject({ total: 1, ready: 1, failing: 0, suspended: 0 });
    expect(stats.find((s) => s.kind === "HelmRelease")).toMatchObject({ total: 0 });
    expect(formatFluxStats(stats)).toMatch(/^GitRepository\s+2\s+1\s+1\s+0\s+\d/m);
  });

  test("prune: deleting the Kustomization removes what it applied", async () => {
    stopEvents.abort();
    const deleted = performance.now();
    await api(conn, Kustomization, { namespace: ns }).delete("app");
    await pollUntil(
      "the applied objects gone",
      async () =>
        Promise.all([
          api(conn, Deployment, { namespace: ns }).getOpt("web"),
          api(conn, Service, { namespace: ns }).getOpt("web"),
          api(conn, ConfigMap, { namespace: ns }).getOpt("settings"),
          api(conn, Kustomization, { namespace: ns }).getOpt("app"),
        ]),
      (found) => found.every((o) => o === undefined),
    );
    timing("Kustomization deleted → applied objects pruned", since(deleted));
    // The source stays: prune removes only what the Kustomization applied.
    expect(await api(conn, GitRepository, { namespace: ns }).getOpt("app")).toBeDefined();
  });
});

