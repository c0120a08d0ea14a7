/**
 * FluxClient's waits and writes against the real API server with the Flux CRDs: waitForReady
 * (ready, Ready=False, Stalled, timeout) and the reconcile handshake (with sources). The tests
 * write status themselves, as the Flux controllers would.
 */
import { beforeAll, describe, expect, inject, test } from "vitest";
import { api } from "../../src/api/index.ts";
import type { Connection } from "../../src/connection/types.ts";
import { WaitTimeoutError } from "../../src/base/errors.ts";
import { FluxNotReadyError } from "../../src/flux/errors.ts";
import type { FluxClient } from "../../src/flux/flux-client.ts";
import type { FluxRef } from "../../src/flux/kinds.ts";
import { RECONCILE_REQUEST_ANNOTATION } from "../../src/flux/reconcile-request.ts";
import { GitRepository, HelmChart } from "../../generated/flux/source/v1/index.ts";
import { condition, FakeFluxController, fluxSuite, markReady, writeStatus } from "./flux-controller.ts";

let conn: Connection;
let ns: string;
let flux: FluxClient;
beforeAll(() => {
  expect(inject("cluster").fluxCrds).toBe(true);
});
fluxSuite("flux-wait", (suite) => ({ conn, ns, flux } = suite));

async function gitRepository(name: string, spec: Record<string, unknown> = {}): Promise<FluxRef<"GitRepository">> {
  await api(conn, GitRepository, { namespace: ns }).create({
    metadata: { name },
    spec: { url: "https://example.invalid/repo.git", interval: "5m", ...spec },
  });
  return { kind: "GitRepository", name, namespace: ns };
}

/** Settles within `ms`? A wait that must not finish yet is checked with this. */
async function stillPending(promise: Promise<unknown>, ms = 300): Promise<boolean> {
  const marker = Symbol("pending");
  const result = await Promise.race([promise.then(() => "settled", () => "settled"), new Promise((r) => setTimeout(() => r(marker), ms))]);
  return result === marker;
}

describe("waitForReady", () => {
  test("resolves once Ready=True is reported for the current generation, not before", async () => {
    const ref = await gitRepository("ready");
    const waiting = flux.waitForReady(ref, { timeoutMs: 20_000 });
    // Ready=True, but for a spec the controller saw before: not ready yet.
    await writeStatus(conn, ref, { observedGeneration: 0, conditions: [condition("Ready", "True", "Succeeded")] });
    expect(await stillPending(waiting)).toBe(true);
    await markReady(conn, ref, { artifact: { path: "p", url: "u", revision: "main@sha1:0123", digest: "sha256:00", lastUpdateTime: new Date().toISOString() } });
    const repo = await waiting;
    expect(repo.status?.artifact?.revision).toBe("main@sha1:0123");
    expect(repo.status?.observedGeneration).toBe(repo.metadata?.generation);
  });

  test("Ready=False for the current generation ends the wait with FluxNotReadyError", async () => {
    const ref = await gitRepository("fails");
    const waiting = flux.waitForReady(ref, { timeoutMs: 20_000 }).catch((e: unknown) => e);
    await writeStatus(conn, ref, {
      observedGeneration: 1,
      conditions: [condition("Ready", "False", "GitOperationFailed", "failed to checkout: authentication required", 1)],
    });
    const error = await waiting;
    expect(error).toBeInstanceOf(FluxNotReadyError);
    const e = error as FluxNotReadyError;
    expect(e).toMatchObject({ reason: "GitOperationFailed", conditionMessage: "failed to checkout: authentication required", stalled: false });
    expect(e.object).toEqual(ref);
    expect(e.message).toContain(`GitRepository ${ns}/fails is not ready: Ready=False (GitOperationFailed)`);
  });

  test("Ready=False waiting on a dependency does not end the wait; Ready=True then does", async () => {
    const ref = await gitRepository("dependent");
    const waiting = flux.waitForReady(ref, { timeoutMs: 20_000 });
    await writeStatus(conn, ref, { observedGeneration: 1, conditions: [condition("Ready", "False", "DependencyNotReady", "dependency not ready", 1)] });
    expect(await stillPending(waiting)).toBe(true);
    await markReady(conn, ref);
    expect((await waiting).metadata?.name).toBe("dependent");
  });

  test("Stalled=True ends the wait with a stalled FluxNotReadyError", async () => {
    const ref = await gitRepository("stalled");
    const waiting = flux.waitForReady(ref, { timeoutMs: 20_000, failOn: "stalled" }).catch((e: unknown) => e);
    // failOn "stalled" waits through a plain failure (the controller retries) ...
    await writeStatus(conn, ref, { observedGeneration: 1, conditions: [condition("Ready", "False", "GitOperationFailed", "timeout", 1)] });
    expect(await stillPending(waiting)).toBe(true);
    // ... but not through Stalled.
    await writeStatus(conn, ref, {
      observedGeneration: 1,
      conditions: [condition("Ready", "False", "InvalidURL", "bad url", 1), condition("Stalled", "True", "InvalidURL", "URL scheme not supported", 1)],
    });
    const e = (await waiting) as FluxNotReadyError;
    expect(e).toBeInstanceOf(FluxNotReadyError);
    expect(e).toMatchObject({ stalled: true, reason: "InvalidURL", conditionMessage: "URL scheme not supported" });
  });

  test("times out with WaitTimeoutError naming the object and its last state", async () => {
    const ref = await gitRepository("silent");
    const started = performance.now();
    const error = await flux.waitForReady(ref, { timeoutMs: 800 }).catch((e: unknown) => e);
    const elapsed = performance.now() - started;
    expect(error).toBeInstanceOf(WaitTimeoutError);
    expect((error as Error).message).toBe(
      `GitRepository ${ns}/silent: gave up after 800 ms waiting for it to become ready; last seen: progressing: waiting for the controller to observe generation 1 (it has seen nothing yet)`,
    );
    expect(elapsed).toBeGreaterThanOrEqual(790);
    expect(elapsed).toBeLessThan(5_000);
  });

  test("waits for an object that does not exist yet", async () => {
    const ref: FluxRef<"GitRepository"> = { kind: "GitRepository", name: "later", namespace: ns };
    const waiting = flux.waitForReady(ref, { timeoutMs: 20_000 });
    await gitRepository("later");
    await markReady(conn, ref);
    expect((await waiting).metadata?.name).toBe("later");
  });
});

describe("reconcile", () => {
  test("writes requestedAt and, with wait, resolves only once the controller echoes it", async () => {
    const ref = await gitRepository("handshake");
    await markReady(conn, ref, { lastHandledReconcileAt: "2020-01-01T00:00:00Z" });
    const waiting = flux.reconcile(ref, { wait: true, timeoutMs: 20_000 });
    // Play the controller by hand: wait for the annotation, check the wait is still open, then handle it.
    const repos = api(conn, GitRepository, { namespace: ns });
    let token: string | undefined;
    for (let i = 0; i < 200 && !token; i++) {
      token = (await repos.get("handshake")).metadata?.annotations?.[RECONCILE_REQUEST_ANNOTATION];
      if (!token) await new Promise((r) => setTimeout(r, 25));
    }
    expect(token).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d*[1-9])?Z$/);
    expect(Math.abs(Date.parse(token!) - Date.now())).toBeLessThan(30_000);
    expect(await stillPending(waiting)).toBe(true);
    await markReady(conn, ref, { lastHandledReconcileAt: token });
    const result = await waiting;
    expect(result.requestedAt).toBe(token);
    expect(result.handled).toBe(true);
    expect(result.object.status?.lastHandledReconcileAt).toBe(token);
  });

  test("without wait it only annotates; each request gets a new token", async () => {
    const ref = await gitRepository("fire-and-forget");
    const first = await flux.reconcile(ref);
    const second = await flux.reconcile(ref);
    expect(first.handled).toBe(false);
    expect(second.requestedAt).not.toBe(first.requestedAt);
    expect(second.object.metadata?.annotations?.[RECONCILE_REQUEST_ANNOTATION]).toBe(second.requestedAt);
  });

  test("a handled request whose result is Ready=False rejects with FluxNotReadyError", async () => {
    await gitRepository("handled-failure");
    const fake = new FakeFluxController(conn, ns, ["GitRepository"], {
      only: ["handled-failure"],
      outcome: (o) => ({
        observedGeneration: o.metadata?.generation,
        conditions: [condition("Ready", "False", "AuthenticationFailed", "invalid credentials", o.metadata?.generation)],
      }),
    });
    try {
      await fake.waitForSync();
      const error = await flux.reconcile({ kind: "GitRepository", name: "handled-failure", namespace: ns }, { wait: true, timeoutMs: 20_000 }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(FluxNotReadyError);
      expect((error as FluxNotReadyError).reason).toBe("AuthenticationFailed");
      expect(fake.handled.map((h) => h.ref)).toEqual(["GitRepository/handled-failure"]);
      expect(fake.errors).toEqual([]);
    } finally {
      fake.stop();
    }
  });

  test("withSource: a Kustomization's GitRepository is reconciled and handled first", async () => {
    await flux.applyGitRepositoryAndKustomization({
      namespace: ns,
      name: "with-source",
      gitRepository: { url: "https://example.invalid/app.git", interval: "5m" },
      kustomization: { interval: "10m", prune: true, path: "./deploy" },
    });
    const fake = new FakeFluxController(conn, ns, ["GitRepository", "Kustomization"], { only: ["with-source"] });
    try {
      await fake.waitForSync();
      const result = await flux.reconcile({ kind: "Kustomization", name: "with-source", namespace: ns }, { withSource: true, wait: true, timeoutMs: 20_000 });
      expect(fake.handled.map((h) => h.ref)).toEqual(["GitRepository/with-source", "Kustomization/with-source"]);
      expect(result.source?.requestedAt).toBe(fake.handled[0]!.token);
      expect(result.requestedAt).toBe(fake.handled[1]!.token);
      // The source's handshake completed before the Kustomization was even asked.
      expect(Date.parse(result.requestedAt!)).toBeGreaterThanOrEqual(fake.handled[0]!.at);
      expect(result.object.status?.lastHandledReconcileAt).toBe(result.requestedAt);
      expect(fake.errors).toEqual([]);
    } finally {
      fake.stop();
    }
  });

  test("withSource: a HelmRelease's HelmChart and its HelmRepository come first, in order", async () => {
    await flux.applyHelmRepositoryAndRelease({
      namespace: ns,
      name: "web",
      helmRepository: { url: "https://charts.example.invalid", interval: "1h" },
      helmRelease: { interval: "10m", chart: { chart: "web", version: "1.x" } },
    });
    // helm-controller would create this chart; there is none here, so the test does.
    await api(conn, HelmChart, { namespace: ns }).create({
      metadata: { name: `${ns}-web` },
      spec: { chart: "web", version: "1.x", interval: "10m", sourceRef: { kind: "HelmRepository", name: "web" } },
    });
    const fake = new FakeFluxController(conn, ns, ["HelmRepository", "HelmChart", "HelmRelease"], { only: ["web", `${ns}-web`] });
    try {
      await fake.waitForSync();
      const result = await flux.reconcile({ kind: "HelmRelease", name: "web", namespace: ns }, { withSource: true, wait: true, force: true, timeoutMs: 20_000 });
      expect(fake.handled.map((h) => h.ref)).toEqual(["HelmRepository/web", `HelmChart/${ns}-web`, "HelmRelease/web"]);
      expect(result.source?.object.kind).toBe("HelmChart");
      expect(result.source?.source?.object.kind).toBe("HelmRepository");
      expect(result.object.metadata?.annotations?.["reconcile.fluxcd.io/forceAt"]).toBe(result.requestedAt);
      expect(fake.errors).toEqual([]);
    } finally {
      fake.stop();
    }
  });

  test("with wait and no controller, times out naming the request", async () => {
    const ref = await gitRepository("unanswered");
    const error = await flux.reconcile(ref, { wait: true, timeoutMs: 600 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WaitTimeoutError);
    const token = (await api(conn, GitRepository, { namespace: ns }).get("unanswered")).metadata?.annotations?.[RECONCILE_REQUEST_ANNOTATION];
    expect((error as Error).message).toBe(
      `GitRepository ${ns}/unanswered: gave up after 600 ms waiting for the controller to handle the request of ${token}; ` +
        "last seen: progressing: waiting for the controller to observe generation 1 (it has seen nothing yet)",
    );
  });
});
