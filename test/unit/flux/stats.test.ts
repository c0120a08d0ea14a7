import { expect, test } from "vitest";
import { fluxStats, formatFluxStats, formatSize } from "../../../src/flux/stats.ts";
import type { FluxObject } from "../../../src/flux/kinds.ts";

const ready = (generation = 1) => ({ type: "Ready", status: "True" as const, reason: "Succeeded", message: "", lastTransitionTime: "2025-01-01T00:00:00Z", observedGeneration: generation });
const failed = { type: "Ready", status: "False" as const, reason: "GitOperationFailed", message: "", lastTransitionTime: "2025-01-01T00:00:00Z", observedGeneration: 1 };
const git = (name: string, extra: object): FluxObject =>
  ({ kind: "GitRepository", metadata: { name, namespace: "n", generation: 1 }, spec: { url: "https://x/y.git", interval: "1m" }, ...extra }) as FluxObject;

test("counts per kind: running, ready, failing (by the current generation), suspended, storage", () => {
  const objects: FluxObject[] = [
    git("ok", { status: { observedGeneration: 1, conditions: [ready()], artifact: { size: 1000 } } }),
    // source-controller's failing first clone: status.observedGeneration still -1.
    git("denied", { status: { observedGeneration: -1, conditions: [failed] } }),
    git("paused", { spec: { url: "https://x/y.git", interval: "1m", suspend: true }, status: { observedGeneration: 1, conditions: [ready()], artifact: { size: 2048 } } }),
    git("new", {}),
    { kind: "Alert", metadata: { name: "a", namespace: "n" }, spec: { providerRef: { name: "p" }, eventSources: [] } } as FluxObject,
  ];
  expect(fluxStats(objects, ["GitRepository", "Kustomization", "Alert"])).toEqual([
    { kind: "GitRepository", total: 4, running: 3, ready: 2, failing: 1, suspended: 1, storageBytes: 3048 },
    { kind: "Kustomization", total: 0, running: 0, ready: 0, failing: 0, suspended: 0, storageBytes: 0 },
    { kind: "Alert", total: 1, running: 1, ready: 1, failing: 0, suspended: 0, storageBytes: 0 },
  ]);
  expect(fluxStats(objects).map((s) => s.kind)).toEqual(["GitRepository", "Alert"]);
});

test("formatFluxStats and formatSize", () => {
  const text = formatFluxStats(fluxStats([git("ok", { status: { observedGeneration: 1, conditions: [ready()], artifact: { size: 1234 } } })], ["GitRepository", "HelmRelease"]));
  expect(text.split("\n")).toEqual([
    "RECONCILERS    RUNNING  READY  FAILING  SUSPENDED  STORAGE",
    "GitRepository  1        1      0        0          1.2 KiB",
    "HelmRelease    0        0      0        0          -",
  ]);
  expect([0, 512, 1024, 1536, 5 * 1024 * 1024].map(formatSize)).toEqual(["-", "512 B", "1.0 KiB", "1.5 KiB", "5.0 MiB"]);
});
