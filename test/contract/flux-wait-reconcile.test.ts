/**
 * What FluxClient's waits and reconcile requests send and report against the real API server
 * with the Flux CRDs, when no controller answers (the objects carry no REAL_FLUX_LABEL, so the
 * suite's controllers leave them alone): the timeout messages, and the annotation a request
 * writes. The controllers' answers are in flux-gitops.test.ts and flux-helm.test.ts; the
 * waits' logic, with a stand-in writing the status, in test/unit/flux/wait-reconcile.test.ts.
 */
import { beforeAll, describe, expect, inject, test } from "vitest";
import { api } from "../../src/api/index.ts";
import { WaitTimeoutError } from "../../src/base/errors.ts";
import type { FluxClient } from "../../src/flux/flux-client.ts";
import type { FluxRef } from "../../src/flux/kinds.ts";
import { RECONCILE_REQUEST_ANNOTATION } from "../../src/flux/reconcile-request.ts";
import type { Connection } from "../../src/connection/types.ts";
import { GitRepository } from "../../generated/flux/source/v1/index.ts";
import { fluxSuite } from "./flux-suite.ts";

let conn: Connection;
let ns: string;
let flux: FluxClient;
beforeAll(() => {
  expect(inject("cluster").fluxCrds).toBe(true);
});
fluxSuite("flux-wait", (suite) => ({ conn, ns, flux } = suite));

async function gitRepository(name: string): Promise<FluxRef<"GitRepository">> {
  await api(conn, GitRepository, { namespace: ns }).create({
    metadata: { name },
    spec: { url: "https://example.invalid/repo.git", interval: "5m" },
  });
  return { kind: "GitRepository", name, namespace: ns };
}

describe("with no controller answering", () => {
  test("waitForReady times out with WaitTimeoutError naming the object and its last state", async () => {
    const ref = await gitRepository("silent");
    const error = await flux.waitForReady(ref, { timeoutMs: 800 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WaitTimeoutError);
    expect((error as Error).message).toBe(
      `GitRepository ${ns}/silent: gave up after 800 ms waiting for it to become ready; last seen: progressing: waiting for the controller to observe generation 1 (it has seen nothing yet)`,
    );
  });

  test("reconcile without wait only annotates; each request gets a new token", async () => {
    const ref = await gitRepository("fire-and-forget");
    const first = await flux.reconcile(ref);
    const second = await flux.reconcile(ref);
    expect(first.handled).toBe(false);
    expect(first.requestedAt).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d*[1-9])?Z$/);
    expect(Math.abs(Date.parse(first.requestedAt!) - Date.now())).toBeLessThan(30_000);
    expect(second.requestedAt).not.toBe(first.requestedAt);
    expect(second.object.metadata?.annotations?.[RECONCILE_REQUEST_ANNOTATION]).toBe(second.requestedAt);
  });

  test("reconcile with wait times out naming the request", async () => {
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
