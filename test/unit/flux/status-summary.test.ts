import { describe, expect, test } from "vitest";
import { FLUX_RESOURCES, type FluxKind, type FluxObject } from "../../../src/flux/kinds.ts";
import { fluxStatus } from "../../../src/flux/status-summary.ts";
import { ValidationError } from "../../../src/base/errors.ts";

const ready = [{ type: "Ready", status: "True" as const, reason: "Succeeded", message: "all good", lastTransitionTime: "2025-01-01T00:00:00Z" }];
const meta = (generation = 2) => ({ name: "x", namespace: "ns", generation });
const artifact = (revision: string) => ({ revision, digest: "sha256:0", path: "p", url: "u", lastUpdateTime: "2025-01-01T00:00:00Z" });
const observed = (extra: object = {}) => ({ observedGeneration: 2, conditions: ready, lastHandledReconcileAt: "2025-01-01T00:00:01Z", ...extra });

/** One object of every kind, with the status field its revision comes from. */
const samples: { [K in FluxKind]: [FluxObject, string | undefined, string | undefined] } = {
  GitRepository: [{ kind: "GitRepository", metadata: meta(), status: observed({ artifact: artifact("main@sha1:abc") }) }, "main@sha1:abc", undefined],
  OCIRepository: [{ kind: "OCIRepository", metadata: meta(), status: observed({ artifact: artifact("latest@sha256:def") }) }, "latest@sha256:def", undefined],
  Bucket: [{ kind: "Bucket", metadata: meta(), status: observed({ artifact: artifact("sha256:b") }) }, "sha256:b", undefined],
  HelmRepository: [{ kind: "HelmRepository", metadata: meta(), status: observed({ artifact: artifact("sha256:idx") }) }, "sha256:idx", undefined],
  HelmChart: [{ kind: "HelmChart", metadata: meta(), status: observed({ artifact: artifact("6.5.4") }) }, "6.5.4", undefined],
  ExternalArtifact: [{ kind: "ExternalArtifact", metadata: meta(), status: { conditions: ready, artifact: artifact("v1") } }, "v1", undefined],
  Kustomization: [
    { kind: "Kustomization", metadata: meta(), status: observed({ lastAppliedRevision: "main@sha1:1", lastAttemptedRevision: "main@sha1:2" }) },
    "main@sha1:1",
    "main@sha1:2",
  ],
  HelmRelease: [
    {
      kind: "HelmRelease",
      metadata: meta(),
      status: observed({
        lastAttemptedRevision: "6.6.0",
        history: [
          { chartName: "podinfo", chartVersion: "6.5.4", configDigest: "d", digest: "d", firstDeployed: "t", lastDeployed: "t", name: "podinfo", namespace: "ns", status: "deployed", version: 2 },
          { chartName: "podinfo", chartVersion: "6.5.3", configDigest: "d", digest: "d", firstDeployed: "t", lastDeployed: "t", name: "podinfo", namespace: "ns", status: "superseded", version: 1 },
        ],
      }),
    },
    "6.5.4",
    "6.6.0",
  ],
  Receiver: [{ kind: "Receiver", metadata: meta(), status: observed({ webhookPath: "/hook/123" }) }, undefined, undefined],
  Alert: [{ kind: "Alert", metadata: meta(), spec: { providerRef: { name: "slack" }, eventSources: [] } }, undefined, undefined],
  Provider: [{ kind: "Provider", metadata: meta(), spec: { type: "slack" } }, undefined, undefined],
  ImageRepository: [{ kind: "ImageRepository", metadata: meta(), status: observed({ lastScanResult: { tagCount: 3, revision: "sha256:tags" } }) }, "sha256:tags", undefined],
  ImagePolicy: [
    { kind: "ImagePolicy", metadata: meta(), status: observed({ latestRef: { name: "ghcr.io/podinfo", tag: "6.5.4", digest: "sha256:img" } }) },
    "ghcr.io/podinfo:6.5.4@sha256:img",
    undefined,
  ],
  ImageUpdateAutomation: [{ kind: "ImageUpdateAutomation", metadata: meta(), status: observed({ lastPushCommit: "abc123" }) }, "abc123", undefined],
};

describe("fluxStatus", () => {
  test("the table covers every Flux kind", () => {
    expect(Object.keys(samples).sort()).toEqual(Object.keys(FLUX_RESOURCES).sort());
  });

  test.each(Object.entries(samples))("%s: ready, revision and last attempt", (kind, [object, revision, attempted]) => {
    const s = fluxStatus(object);
    expect(s.kind).toBe(kind);
    expect(s.name).toBe("x");
    expect(s.namespace).toBe("ns");
    expect(s.ready).toBe(true);
    expect(s.revision).toBe(revision);
    expect(s.lastAttemptedRevision).toBe(attempted);
    expect(s.suspended).toBe(false);
    expect(s.generation).toBe(2);
  });

  test("static kinds report state static; reconciled kinds carry the Ready reason and message", () => {
    expect(fluxStatus(samples.Alert[0])).toMatchObject({ state: "static", reason: undefined, lastHandledReconcileAt: undefined });
    expect(fluxStatus(samples.GitRepository[0])).toMatchObject({
      state: "ready",
      reason: "Succeeded",
      message: "all good",
      observedGeneration: 2,
      lastHandledReconcileAt: "2025-01-01T00:00:01Z",
    });
  });

  test("ExternalArtifact has no status.observedGeneration: its Ready condition's own generation decides", () => {
    const at = (observedGeneration: number) =>
      fluxStatus({
        kind: "ExternalArtifact",
        metadata: { name: "e", namespace: "ns", generation: 2 },
        status: { conditions: [{ ...ready[0]!, observedGeneration }] },
      });
    expect(at(2).ready).toBe(true);
    expect(at(1)).toMatchObject({ ready: false, state: "progressing" });
  });

  test("HelmRelease before its first release reports the attempted chart version", () => {
    const s = fluxStatus({ kind: "HelmRelease", metadata: meta(), status: { observedGeneration: 2, lastAttemptedRevision: "1.0.0" } });
    expect(s).toMatchObject({ revision: "1.0.0", ready: false, state: "progressing" });
  });

  test("suspended, failing, and not yet observed", () => {
    const s = fluxStatus({
      kind: "Kustomization",
      metadata: meta(3),
      spec: { suspend: true, interval: "1m", prune: true, sourceRef: { kind: "GitRepository", name: "r" } },
      status: { observedGeneration: 3, conditions: [{ ...ready[0]!, status: "False", reason: "BuildFailed", message: "kustomize build failed" }] },
    });
    expect(s).toMatchObject({ suspended: true, ready: false, state: "failed", reason: "BuildFailed", message: "kustomize build failed", revision: undefined });
    expect(fluxStatus({ kind: "Bucket", metadata: meta(5), status: observed() }).state).toBe("progressing");
  });

  test("rejects an object that is not a Flux kind", () => {
    expect(() => fluxStatus({ kind: "ConfigMap" } as unknown as FluxObject)).toThrow(ValidationError);
  });
});
