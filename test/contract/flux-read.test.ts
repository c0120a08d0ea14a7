/**
 * FluxClient's reads and applies against the real API server: Git credentials from a real
 * Secret, events (list and watch, with server-side field selectors), the create-or-update
 * pairs, status and the source tree.
 */
import { inspect } from "node:util";
import { beforeAll, describe, expect, test } from "vitest";
import { api } from "../../src/api/index.ts";
import type { Connection } from "../../src/connection/types.ts";
import { ApiError } from "../../src/base/errors.ts";
import type { FluxClient } from "../../src/flux/flux-client.ts";
import type { FluxRef } from "../../src/flux/kinds.ts";
import { formatFluxTree } from "../../src/flux/source-tree.ts";
import type { WatcherEvent } from "../../src/runtime/watcher-events.ts";
import { Secret } from "../../generated/k8s/core/v1/index.ts";
import { Event } from "../../generated/k8s/events/v1/index.ts";
import { GitRepository, HelmChart } from "../../generated/flux/source/v1/index.ts";
import { Kustomization } from "../../generated/flux/kustomize/v1/index.ts";
import { condition, fluxSuite, markReady, writeStatus } from "./flux-controller.ts";

let conn: Connection;
let ns: string;
let flux: FluxClient;
fluxSuite("flux-read", (suite) => ({ conn, ns, flux } = suite));

describe("credentials", () => {
  const PASSWORD = "s3cret-Pa55word-for-test";
  const KEY = "-----BEGIN OPENSSH PRIVATE KEY-----\nAAAAC3NzaC1lZDI1NTE5AAAAtestkey\n-----END OPENSSH PRIVATE KEY-----\n";

  test("basic auth from the Secret spec.secretRef names, redacted when printed", async () => {
    await api(conn, Secret, { namespace: ns }).create({ metadata: { name: "https-auth" }, stringData: { username: "git", password: PASSWORD, "ca.crt": "CA" } });
    await api(conn, GitRepository, { namespace: ns }).create({
      metadata: { name: "private" },
      spec: { url: "https://git.example.invalid/private.git", interval: "5m", secretRef: { name: "https-auth" } },
    });
    const creds = await flux.credentials({ kind: "GitRepository", name: "private", namespace: ns });
    expect(creds?.transport).toBe("https");
    expect(creds?.secret).toEqual({ name: "https-auth", namespace: ns });
    expect(creds?.basicAuth?.username).toBe("git");
    expect(creds?.basicAuth?.password?.reveal()).toBe(PASSWORD);
    expect(creds?.tls?.caCertificate).toBe("CA");
    for (const text of [inspect(creds, { depth: 10 }), JSON.stringify(creds), `${creds?.basicAuth?.password}`]) {
      expect(text).not.toContain(PASSWORD);
    }
  });

  test("SSH identity and known_hosts, from the object itself", async () => {
    await api(conn, Secret, { namespace: ns }).create({
      metadata: { name: "ssh-auth" },
      stringData: { identity: KEY, "identity.pub": "ssh-ed25519 AAAAC3 test", known_hosts: "git.example.invalid ssh-ed25519 AAAAC3" },
    });
    const repo = await api(conn, GitRepository, { namespace: ns }).create({
      metadata: { name: "over-ssh" },
      spec: { url: "ssh://git@git.example.invalid/org/repo.git", interval: "5m", secretRef: { name: "ssh-auth" } },
    });
    const creds = await flux.credentials(repo);
    expect(creds?.transport).toBe("ssh");
    expect(creds?.ssh?.identity.reveal()).toBe(KEY);
    expect(creds?.ssh?.knownHosts).toBe("git.example.invalid ssh-ed25519 AAAAC3");
    expect(creds?.ssh?.identityPublicKey).toBe("ssh-ed25519 AAAAC3 test");
    expect(inspect(creds, { depth: 10 })).not.toContain("testkey");
  });

  test("no secretRef gives undefined; a missing Secret is a 404 that names no secret", async () => {
    await api(conn, GitRepository, { namespace: ns }).create({ metadata: { name: "public" }, spec: { url: "https://h.invalid/r.git", interval: "5m" } });
    expect(await flux.credentials({ kind: "GitRepository", name: "public", namespace: ns })).toBeUndefined();
    await api(conn, GitRepository, { namespace: ns }).create({
      metadata: { name: "dangling" },
      spec: { url: "https://h.invalid/r.git", interval: "5m", secretRef: { name: "nowhere" } },
    });
    const error = await flux.credentials({ kind: "GitRepository", name: "dangling", namespace: ns }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect((error as ApiError).code).toBe(404);
    expect((error as ApiError).message).toContain('secrets "nowhere" not found');
  });
});

describe("events", () => {
  let repo: GitRepository;
  const events = () => api(conn, Event, { namespace: ns });
  const record = (reason: string, regarding: Record<string, string | undefined>, type = "Normal", at = new Date()) =>
    events().create({
      metadata: { generateName: "flux-event-" },
      eventTime: at.toISOString().replace("Z", "000Z"),
      type,
      reason,
      note: `${reason} note`,
      action: "Reconcile",
      reportingController: "source-controller",
      reportingInstance: "source-controller-0",
      regarding: { apiVersion: "source.toolkit.fluxcd.io/v1", kind: "GitRepository", namespace: ns, ...regarding },
    });

  beforeAll(async () => {
    repo = await api(conn, GitRepository, { namespace: ns }).create({ metadata: { name: "evented" }, spec: { url: "https://h.invalid/e.git", interval: "5m" } });
    const uid = repo.metadata!.uid!;
    const t = Date.now();
    await record("NewArtifact", { name: "evented", uid }, "Normal", new Date(t - 2000));
    await record("GitOperationFailed", { name: "evented", uid }, "Warning", new Date(t - 1000));
    await record("OfAnEarlierObject", { name: "evented", uid: "00000000-0000-0000-0000-000000000000" }, "Normal", new Date(t - 3000));
    await record("OtherName", { name: "other", uid });
    await record("OtherKind", { name: "evented", kind: "Kustomization", apiVersion: "kustomize.toolkit.fluxcd.io/v1" });
    await record("OtherGroup", { name: "evented", apiVersion: "example.com/v1" });
  });

  test("lists the events regarding the object, oldest first; the uid leaves out an earlier object's", async () => {
    const byObject = await flux.events(repo);
    expect(byObject.map((e) => e.reason)).toEqual(["NewArtifact", "GitOperationFailed"]);
    const byRef = await flux.events({ kind: "GitRepository", name: "evented", namespace: ns });
    expect(byRef.map((e) => e.reason)).toEqual(["OfAnEarlierObject", "NewArtifact", "GitOperationFailed"]);
    const warnings = await flux.events(repo, { types: ["Warning"] });
    expect(warnings.map((e) => e.reason)).toEqual(["GitOperationFailed"]);
  });

  test("watches: current events, SYNCED, then new ones (and nothing unrelated)", async () => {
    const stop = new AbortController();
    const seen: WatcherEvent<Event>[] = [];
    const watching = (async () => {
      for await (const change of flux.watchEvents(repo, { signal: stop.signal })) {
        seen.push(change);
        if (change.type === "ADDED" && change.object.reason === "Progressing") stop.abort();
      }
    })();
    await until(() => seen.some((c) => c.type === "SYNCED"));
    await record("OtherNameLater", { name: "other", uid: repo.metadata!.uid! });
    await record("Progressing", { name: "evented", uid: repo.metadata!.uid! });
    await watching;
    const reasons = seen.map((c) => (c.type === "ADDED" || c.type === "MODIFIED" ? `${c.type} ${c.object.reason}` : c.type));
    expect(reasons.slice(0, 2).sort()).toEqual(["ADDED GitOperationFailed", "ADDED NewArtifact"]);
    expect(reasons.slice(2)).toEqual(["SYNCED", "ADDED Progressing"]);
  });
});

describe("create-or-update pairs and status", () => {
  test("GitRepository + Kustomization: created, then updated in place by the same apply", async () => {
    const pair = {
      namespace: ns,
      name: "podinfo",
      labels: { app: "podinfo" },
      gitRepository: { url: "https://github.com/stefanprodan/podinfo", interval: "5m", ref: { branch: "master" } },
      kustomization: { interval: "10m", prune: true, path: "./kustomize", targetNamespace: "default" },
    };
    const created = await flux.applyGitRepositoryAndKustomization(pair);
    expect(created.kustomization.spec?.sourceRef).toEqual({ kind: "GitRepository", name: "podinfo" });
    expect(created.gitRepository.metadata?.labels).toEqual({ app: "podinfo" });
    expect(created.gitRepository.metadata?.managedFields?.map((m) => m.manager)).toEqual(["flux-contract"]);

    const updated = await flux.applyGitRepositoryAndKustomization({ ...pair, gitRepository: { ...pair.gitRepository, ref: { tag: "6.5.4" } } });
    expect(updated.gitRepository.metadata?.uid).toBe(created.gitRepository.metadata?.uid);
    expect(updated.gitRepository.metadata?.generation).toBe(2);
    // Server-side apply: a field the manager stops sending is removed.
    expect(updated.gitRepository.spec?.ref).toEqual({ tag: "6.5.4" });
    expect(updated.kustomization.metadata?.generation).toBe(1);

    const dry = await flux.applyGitRepositoryAndKustomization({ ...pair, name: "dry" }, { dryRun: true });
    expect(dry.gitRepository.metadata?.name).toBe("dry");
    expect(await api(conn, Kustomization, { namespace: ns }).getOpt("dry")).toBeUndefined();
  });

  test("HelmRepository + HelmRelease, and the HelmRelease's source tree", async () => {
    const { helmRelease } = await flux.applyHelmRepositoryAndRelease({
      namespace: ns,
      name: "podinfo",
      repositoryName: "podinfo-charts",
      helmRepository: { url: "https://stefanprodan.github.io/podinfo", interval: "1h" },
      helmRelease: { interval: "10m", chart: { chart: "podinfo", version: "6.x" }, values: { replicaCount: 2 }, dependsOn: [{ name: "database" }] },
    });
    expect(helmRelease.spec?.chart?.spec.sourceRef).toEqual({ kind: "HelmRepository", name: "podinfo-charts" });
    expect(helmRelease.spec?.values).toEqual({ replicaCount: 2 });

    // Play helm-controller and source-controller: the chart object, then statuses.
    await api(conn, HelmChart, { namespace: ns }).create({
      metadata: { name: `${ns}-podinfo` },
      spec: { chart: "podinfo", version: "6.x", interval: "10m", sourceRef: { kind: "HelmRepository", name: "podinfo-charts" } },
    });
    const artifact = (revision: string) => ({ path: "p", url: "u", revision, digest: "sha256:00", lastUpdateTime: new Date().toISOString() });
    await markReady(conn, { kind: "HelmRepository", name: "podinfo-charts", namespace: ns }, { artifact: artifact("sha256:1f2e") });
    await markReady(conn, { kind: "HelmChart", name: `${ns}-podinfo`, namespace: ns }, { artifact: artifact("6.5.4") });
    const hr: FluxRef<"HelmRelease"> = { kind: "HelmRelease", name: "podinfo", namespace: ns };
    await writeStatus(conn, hr, {
      observedGeneration: 1,
      helmChart: `${ns}/${ns}-podinfo`,
      lastAttemptedRevision: "6.5.4",
      conditions: [condition("Ready", "False", "DependencyNotReady", "dependency 'database' is not ready")],
    });

    const status = await flux.status(hr);
    expect(status).toMatchObject({ ready: false, state: "failed", reason: "DependencyNotReady", revision: "6.5.4", suspended: false });

    const tree = await flux.tree(hr);
    expect(tree.status?.kind).toBe("HelmRelease");
    expect(tree.source?.ref).toEqual({ kind: "HelmChart", name: `${ns}-podinfo`, namespace: ns });
    expect(tree.source?.status).toMatchObject({ ready: true, revision: "6.5.4" });
    expect(tree.source?.source?.ref).toEqual({ kind: "HelmRepository", name: "podinfo-charts", namespace: ns });
    expect(tree.source?.source?.status).toMatchObject({ ready: true, revision: "sha256:1f2e" });
    expect(tree.dependsOn).toEqual([{ ref: { kind: "HelmRelease", name: "database", namespace: ns }, status: undefined, dependsOn: [] }]);
    expect(formatFluxTree(tree).split("\n")).toEqual([
      `HelmRelease/${ns}/podinfo  failed (DependencyNotReady)  6.5.4`,
      `├─ dependsOn HelmRelease/${ns}/database  (not found)`,
      `└─ HelmChart/${ns}/${ns}-podinfo  Ready  6.5.4`,
      `   └─ HelmRepository/${ns}/podinfo-charts  Ready  sha256:1f2e`,
    ]);
  });
});

async function until(check: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error("condition not met in time");
    await new Promise((r) => setTimeout(r, 20));
  }
}
