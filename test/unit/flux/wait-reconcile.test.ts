/**
 * The logic of waitForReady and of the reconcile handshake, against an in-memory API where the
 * test writes the status a controller would, in the order and at the moment it chooses: not
 * before the controller answers, early exits, sources first. The real controllers' answers
 * are in test/contract/flux-gitops.test.ts and flux-helm.test.ts.
 */
import { describe, expect, test } from "vitest";
import { api } from "../../../src/api/client.ts";
import { FluxNotReadyError } from "../../../src/flux/errors.ts";
import { FluxClient } from "../../../src/flux/flux-client.ts";
import type { FluxObject, FluxRef } from "../../../src/flux/kinds.ts";
import type { FluxCondition } from "../../../src/flux/readiness.ts";
import { RECONCILE_REQUEST_ANNOTATION } from "../../../src/flux/reconcile-request.ts";
import { informer } from "../../../src/runtime/informer.ts";
import { Kustomization } from "../../../generated/flux/kustomize/v1/index.ts";
import { InMemoryFluxApi } from "./in-memory-flux-api.ts";

const cond = (type: string, status: FluxCondition["status"], reason: string, generation?: number, message = ""): FluxCondition => ({
  type,
  status,
  reason,
  message,
  lastTransitionTime: "2025-01-01T00:00:00Z",
  ...(generation !== undefined ? { observedGeneration: generation } : {}),
});
const ready = (generation = 1) => ({ observedGeneration: generation, conditions: [cond("Ready", "True", "Succeeded", generation)] });

function setup(): { server: InMemoryFluxApi; flux: FluxClient; repo: FluxRef<"GitRepository"> } {
  const server = new InMemoryFluxApi();
  server.put({ apiVersion: "source.toolkit.fluxcd.io/v1", kind: "GitRepository", metadata: { name: "app" }, spec: { url: "https://h.invalid/a.git", interval: "5m" } });
  return { server, flux: new FluxClient(server), repo: { kind: "GitRepository", name: "app", namespace: "ns" } };
}

/** Still unsettled after a few turns of the event loop (the in-memory server answers at once). */
async function stillPending(promise: Promise<unknown>, ms = 60): Promise<boolean> {
  const marker = Symbol("pending");
  const result = await Promise.race([promise.then(() => "settled", () => "settled"), new Promise((r) => setTimeout(() => r(marker), ms))]);
  return result === marker;
}

/** Plays a controller: answers every reconcile request of `kinds` with `outcome`, recording the order. */
function answerRequests(server: InMemoryFluxApi, outcome: (o: FluxObject) => object = (o) => ready(o.metadata?.generation)): string[] {
  const handled: string[] = [];
  server.onPatch = (o) => {
    const token = o.metadata?.annotations?.[RECONCILE_REQUEST_ANNOTATION];
    if (!token) return;
    handled.push(`${o.kind}/${o.metadata?.name}`);
    server.setStatus(o.kind as "GitRepository", o.metadata!.name!, { ...outcome(o), lastHandledReconcileAt: token });
  };
  return handled;
}

describe("waitForReady", () => {
  test("resolves on Ready=True for the current generation, not on a stale one", async () => {
    const { server, flux, repo } = setup();
    const waiting = flux.waitForReady(repo, { timeoutMs: 5_000 });
    server.setStatus("GitRepository", "app", { observedGeneration: 0, conditions: [cond("Ready", "True", "Succeeded")] });
    expect(await stillPending(waiting)).toBe(true);
    server.setStatus("GitRepository", "app", { ...ready(), artifact: { revision: "main@sha1:0123", path: "p", url: "u", digest: "sha256:00", lastUpdateTime: "2025-01-01T00:00:00Z" } });
    expect((await waiting).status?.artifact?.revision).toBe("main@sha1:0123");
  });

  test("source-controller's failing first clone (status.observedGeneration -1, Ready=False stamped 1) rejects at once", async () => {
    const { server, flux, repo } = setup();
    const waiting = flux.waitForReady(repo, { timeoutMs: 5_000 }).catch((e: unknown) => e);
    server.setStatus("GitRepository", "app", {
      observedGeneration: -1,
      conditions: [cond("Ready", "False", "GitOperationFailed", 1, "authentication required"), cond("Reconciling", "True", "ProgressingWithRetry", 1)],
    });
    const error = (await waiting) as FluxNotReadyError;
    expect(error).toBeInstanceOf(FluxNotReadyError);
    expect(error).toMatchObject({ reason: "GitOperationFailed", conditionMessage: "authentication required", stalled: false, object: repo });
  });

  test("Ready=False waiting on a dependency keeps waiting; Ready=True then resolves", async () => {
    const { server, flux, repo } = setup();
    const waiting = flux.waitForReady(repo, { timeoutMs: 5_000 });
    server.setStatus("GitRepository", "app", { observedGeneration: 1, conditions: [cond("Ready", "False", "DependencyNotReady", 1)] });
    expect(await stillPending(waiting)).toBe(true);
    server.setStatus("GitRepository", "app", ready());
    expect((await waiting).metadata?.name).toBe("app");
  });

  test("failOn stalled waits through Ready=False, not through Stalled=True", async () => {
    const { server, flux, repo } = setup();
    const waiting = flux.waitForReady(repo, { timeoutMs: 5_000, failOn: "stalled" }).catch((e: unknown) => e);
    server.setStatus("GitRepository", "app", { observedGeneration: 1, conditions: [cond("Ready", "False", "GitOperationFailed", 1)] });
    expect(await stillPending(waiting)).toBe(true);
    server.setStatus("GitRepository", "app", {
      observedGeneration: 1,
      conditions: [cond("Ready", "False", "InvalidURL", 1), cond("Stalled", "True", "InvalidURL", 1, "URL scheme not supported")],
    });
    expect(await waiting).toMatchObject({ stalled: true, reason: "InvalidURL", conditionMessage: "URL scheme not supported" });
  });
});

describe("reconcile", () => {
  test("with wait, resolves only once the controller echoes the token", async () => {
    const { server, flux, repo } = setup();
    server.setStatus("GitRepository", "app", { ...ready(), lastHandledReconcileAt: "2020-01-01T00:00:00Z" });
    const waiting = flux.reconcile(repo, { wait: true, timeoutMs: 5_000 });
    let token: string | undefined;
    for (let i = 0; i < 100 && !token; i++) {
      token = server.get("GitRepository", "app").metadata?.annotations?.[RECONCILE_REQUEST_ANNOTATION];
      if (!token) await new Promise((r) => setTimeout(r, 5));
    }
    expect(token).toBeDefined();
    // Ready=True all along, but the request is not handled yet.
    expect(await stillPending(waiting)).toBe(true);
    server.setStatus("GitRepository", "app", { lastHandledReconcileAt: token });
    const result = await waiting;
    expect(result).toMatchObject({ requestedAt: token, handled: true });
  });

  test("a handled request whose result is Ready=False rejects with FluxNotReadyError", async () => {
    const { server, flux, repo } = setup();
    answerRequests(server, (o) => ({ observedGeneration: o.metadata?.generation, conditions: [cond("Ready", "False", "AuthenticationFailed", 1)] }));
    const error = await flux.reconcile(repo, { wait: true, timeoutMs: 5_000 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(FluxNotReadyError);
    expect((error as FluxNotReadyError).reason).toBe("AuthenticationFailed");
  });

  test("withSource: the source is asked and handled before the consumer is asked", async () => {
    const { server, flux } = setup();
    server.put({
      apiVersion: "kustomize.toolkit.fluxcd.io/v1",
      kind: "Kustomization",
      metadata: { name: "app" },
      spec: { interval: "10m", prune: true, sourceRef: { kind: "GitRepository", name: "app" } },
    });
    const handled = answerRequests(server);
    const ks: FluxRef<"Kustomization"> = { kind: "Kustomization", name: "app", namespace: "ns" };
    // An informer of the consumer's kind is the caller's; the source's wait must not use it.
    const kustomizations = informer(api(server, Kustomization, { namespace: "ns" }));
    try {
      const result = await flux.reconcile(ks, { withSource: true, wait: true, timeoutMs: 5_000, informer: kustomizations as never });
      expect(handled).toEqual(["GitRepository/app", "Kustomization/app"]);
      expect(result.source?.handled).toBe(true);
      expect(server.requests.filter((r) => r.startsWith("PATCH"))).toEqual([
        "PATCH /apis/source.toolkit.fluxcd.io/v1/namespaces/ns/gitrepositories/app",
        "PATCH /apis/kustomize.toolkit.fluxcd.io/v1/namespaces/ns/kustomizations/app",
      ]);
    } finally {
      kustomizations.stop();
    }
  });
});
