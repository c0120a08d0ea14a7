/**
 * FluxClient's reads and applies against the real API server, with no controller answering
 * (unlabelled objects): Git credential Secrets written by the SDK's helper and read back,
 * events (list and watch, with server-side field selectors, on events this file records so
 * that other kinds, groups and earlier objects of the same name are there to be left out),
 * the create-or-update pairs, and the tree of objects nothing has reconciled. The same calls
 * against the real controllers are in flux-gitops.test.ts and flux-helm.test.ts.
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
import { GitRepository } from "../../generated/flux/source/v1/index.ts";
import { Kustomization } from "../../generated/flux/kustomize/v1/index.ts";
import { fluxSuite } from "./flux-suite.ts";

let conn: Connection;
let ns: string;
let flux: FluxClient;
fluxSuite("flux-read", (suite) => ({ conn, ns, flux } = suite));

describe("Git credential Secrets: written by the helper, read back", () => {
  const TOKEN = "s3cret-t0ken-for-test";
  const KEY = "-----BEGIN OPENSSH PRIVATE KEY-----\nAAAAC3NzaC1lZDI1NTE5AAAAtestkey\n-----END OPENSSH PRIVATE KEY-----\n";

  test("SSH: identity, identity.pub and known_hosts, read from the object itself", async () => {
    const written = await flux.applyGitCredentials({
      name: "ssh-auth",
      namespace: ns,
      ssh: { identity: KEY, identityPublicKey: "ssh-ed25519 AAAAC3 test", knownHosts: "git.example.invalid ssh-ed25519 AAAAC3" },
    });
    expect(written.transport).toBe("ssh");
    expect(inspect(written, { depth: 10 })).not.toContain("testkey");
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

  test("re-applied with a bearer token, the basic-auth keys the helper wrote before are gone", async () => {
    await flux.applyGitCredentials({ name: "https-auth", namespace: ns, basicAuth: { username: "git", password: TOKEN } });
    const written = await flux.applyGitCredentials({ name: "https-auth", namespace: ns, bearerToken: TOKEN, caCertificate: "CA" });
    expect(written.bearerToken?.reveal()).toBe(TOKEN);
    expect(written.basicAuth).toBeUndefined();
    const secret = await api(conn, Secret, { namespace: ns }).get("https-auth");
    expect(Object.keys(secret.data ?? {}).sort()).toEqual(["bearerToken", "ca.crt"]);
    expect(secret.metadata?.managedFields?.map((m) => m.manager)).toEqual(["flux-contract"]);
    for (const text of [inspect(written, { depth: 10 }), JSON.stringify(written)]) expect(text).not.toContain(TOKEN);
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

  test("HelmRepository + HelmRelease, and the tree of a release nothing has reconciled", async () => {
    const { helmRelease } = await flux.applyHelmRepositoryAndRelease({
      namespace: ns,
      name: "podinfo",
      repositoryName: "podinfo-charts",
      helmRepository: { url: "https://stefanprodan.github.io/podinfo", interval: "1h" },
      helmRelease: { interval: "10m", chart: { chart: "podinfo", version: "6.x" }, values: { replicaCount: 2 }, dependsOn: [{ name: "database" }] },
    });
    expect(helmRelease.spec?.chart?.spec.sourceRef).toEqual({ kind: "HelmRepository", name: "podinfo-charts" });
    expect(helmRelease.spec?.values).toEqual({ replicaCount: 2 });

    const hr: FluxRef<"HelmRelease"> = { kind: "HelmRelease", name: "podinfo", namespace: ns };
    expect(await flux.status(hr)).toMatchObject({ ready: false, state: "progressing", revision: undefined, suspended: false });
    // No helm-controller made the chart: the tree names it where helm-controller would, as missing.
    const tree = await flux.tree(hr);
    expect(tree.source).toEqual({ ref: { kind: "HelmChart", name: `${ns}-podinfo`, namespace: ns }, status: undefined, dependsOn: [] });
    expect(tree.dependsOn).toEqual([{ ref: { kind: "HelmRelease", name: "database", namespace: ns }, status: undefined, dependsOn: [] }]);
    expect(tree.applied).toEqual([]);
    expect(formatFluxTree(tree).split("\n")).toEqual([
      `HelmRelease/${ns}/podinfo  progressing  -`,
      `├─ dependsOn HelmRelease/${ns}/database  (not found)`,
      `└─ HelmChart/${ns}/${ns}-podinfo  (not found)`,
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
