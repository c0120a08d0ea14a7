/**
 * Suspend and resume against the real API server: spec.suspend by server-side apply under
 * its own field manager, the reconcile request on resume, and conflicts with other managers.
 * No controller answers here; suspend and resume with the real kustomize-controller are in
 * flux-gitops.test.ts.
 */
import { describe, expect, test } from "vitest";
import { api } from "../../src/api/index.ts";
import type { Connection } from "../../src/connection/types.ts";
import { ApiError } from "../../src/base/errors.ts";
import { FluxSuspendedError } from "../../src/flux/errors.ts";
import type { FluxClient } from "../../src/flux/flux-client.ts";
import type { FluxRef } from "../../src/flux/kinds.ts";
import { RECONCILE_REQUEST_ANNOTATION } from "../../src/flux/reconcile-request.ts";
import { GitRepository } from "../../generated/flux/source/v1/index.ts";
import { fluxSuite } from "./flux-suite.ts";

let conn: Connection;
let ns: string;
let flux: FluxClient;
fluxSuite("flux-suspend", (suite) => ({ conn, ns, flux } = suite));

async function gitRepository(name: string): Promise<FluxRef<"GitRepository">> {
  await api(conn, GitRepository, { namespace: ns }).create({ metadata: { name }, spec: { url: "https://example.invalid/repo.git", interval: "5m" } });
  return { kind: "GitRepository", name, namespace: ns };
}

describe("suspend and resume", () => {
  test("suspend applies spec.suspend under its own manager, leaving the rest of the spec alone", async () => {
    await flux.applyGitRepositoryAndKustomization({
      namespace: ns,
      name: "pausable",
      gitRepository: { url: "https://example.invalid/pausable.git", interval: "5m", ref: { branch: "main" } },
      kustomization: { interval: "10m", prune: true },
    });
    const ref: FluxRef<"Kustomization"> = { kind: "Kustomization", name: "pausable", namespace: ns };
    const suspended = await flux.suspend(ref);
    expect(suspended.spec?.suspend).toBe(true);
    expect(suspended.spec?.sourceRef).toEqual({ kind: "GitRepository", name: "pausable" });
    const owners = suspended.metadata?.managedFields?.filter((m) => JSON.stringify(m.fieldsV1 ?? {}).includes('"f:suspend"')).map((m) => m.manager);
    expect(owners).toEqual(["flux-contract-suspend"]);
    expect((await flux.status(ref)).suspended).toBe(true);

    // Re-applying the pair (which says nothing about suspend) keeps it suspended.
    const again = await flux.applyGitRepositoryAndKustomization({
      namespace: ns,
      name: "pausable",
      gitRepository: { url: "https://example.invalid/pausable.git", interval: "5m", ref: { branch: "main" } },
      kustomization: { interval: "10m", prune: true },
    });
    expect(again.kustomization.spec?.suspend).toBe(true);

    await expect(flux.reconcile(ref)).rejects.toBeInstanceOf(FluxSuspendedError);
  });

  test("resume sets suspend=false and writes a reconcile request", async () => {
    const ref = await gitRepository("resumable");
    await flux.suspend(ref);
    const result = await flux.resume(ref);
    expect(result.object.spec?.suspend).toBe(false);
    expect(result.handled).toBe(false);
    expect(result.object.metadata?.annotations?.[RECONCILE_REQUEST_ANNOTATION]).toBe(result.requestedAt);
  });

  test("suspend takes spec.suspend over from another manager unless force is false", async () => {
    const ref = await gitRepository("contested");
    const repos = api(conn, GitRepository, { namespace: ns });
    await repos.apply(
      { apiVersion: "source.toolkit.fluxcd.io/v1", kind: "GitRepository", metadata: { name: "contested" }, spec: { suspend: true } },
      { fieldManager: "someone-else" },
    );
    const conflict = await flux.resume(ref, { force: false }).catch((e: unknown) => e);
    expect(conflict).toBeInstanceOf(ApiError);
    expect((conflict as ApiError).code).toBe(409);
    expect((await repos.get("contested")).spec?.suspend).toBe(true);
    const resumed = await flux.resume(ref);
    expect(resumed.object.spec?.suspend).toBe(false);
  });

  test("resume's force is the apply's: it does not force a Helm upgrade", async () => {
    await flux.applyHelmRepositoryAndRelease({
      namespace: ns,
      name: "chart",
      helmRepository: { url: "https://charts.example.invalid" },
      helmRelease: { interval: "10m", chart: { chart: "chart" } },
    });
    const ref = { kind: "HelmRelease", name: "chart", namespace: ns } as const;
    await flux.suspend(ref);
    const resumed = await flux.resume(ref, { force: true });
    expect(resumed.object.metadata?.annotations?.[RECONCILE_REQUEST_ANNOTATION]).toBe(resumed.requestedAt);
    expect(resumed.object.metadata?.annotations?.["reconcile.fluxcd.io/forceAt"]).toBeUndefined();
  });

  test("suspend of a missing object is a 404, and creates nothing", async () => {
    const error = await flux.suspend({ kind: "GitRepository", name: "missing", namespace: ns }).catch((e: unknown) => e);
    expect((error as ApiError).code).toBe(404);
    expect(await api(conn, GitRepository, { namespace: ns }).getOpt("missing")).toBeUndefined();
  });
});
