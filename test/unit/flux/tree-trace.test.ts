import { expect, test } from "vitest";
import { formatFluxTree, type FluxTree } from "../../../src/flux/source-tree.ts";
import { formatFluxTrace, ownerOf } from "../../../src/flux/trace.ts";
import type { FluxStatus } from "../../../src/flux/status-summary.ts";

const status = (kind: FluxStatus["kind"], name: string, over: Partial<FluxStatus> = {}): FluxStatus => ({
  kind,
  name,
  namespace: "apps",
  ready: true,
  state: "ready",
  reason: "Succeeded",
  message: "done",
  revision: "main@sha1:0123abc",
  lastAttemptedRevision: undefined,
  suspended: false,
  generation: 1,
  observedGeneration: 1,
  lastHandledReconcileAt: undefined,
  ...over,
});

test("formatFluxTree: dependencies, the source chain, then applied objects with nested reconcilers", () => {
  const tree: FluxTree = {
    ref: { kind: "Kustomization", name: "apps", namespace: "apps" },
    status: status("Kustomization", "apps"),
    dependsOn: [{ ref: { kind: "Kustomization", name: "infra", namespace: "apps" }, status: undefined, dependsOn: [] }],
    source: { ref: { kind: "GitRepository", name: "apps", namespace: "apps" }, status: status("GitRepository", "apps"), dependsOn: [] },
    applied: [
      { object: { apiVersion: "v1", kind: "Namespace", name: "web", namespace: undefined } },
      {
        object: { apiVersion: "helm.toolkit.fluxcd.io/v2", kind: "HelmRelease", name: "web", namespace: "apps" },
        status: status("HelmRelease", "web", { ready: false, state: "failed", reason: "InstallFailed", revision: "1.0.0", suspended: true }),
        applied: [
          { object: { apiVersion: "v1", kind: "ConfigMap", name: "web", namespace: "web" } },
          { object: { apiVersion: "apps/v1", kind: "Deployment", name: "web", namespace: "web" } },
        ],
      },
      { object: { apiVersion: "v1", kind: "Service", name: "web", namespace: "apps" } },
    ],
  };
  expect(formatFluxTree(tree).split("\n")).toEqual([
    "Kustomization/apps/apps  Ready  main@sha1:0123abc",
    "├─ dependsOn Kustomization/apps/infra  (not found)",
    "├─ GitRepository/apps/apps  Ready  main@sha1:0123abc",
    "├─ Namespace/web",
    "├─ HelmRelease/apps/web  failed (InstallFailed)  1.0.0  suspended",
    "│  ├─ ConfigMap/web/web",
    "│  └─ Deployment/web/web",
    "└─ Service/apps/web",
  ]);
});

test("formatFluxTree without applied objects keeps the source chain last", () => {
  const tree: FluxTree = {
    ref: { kind: "HelmRelease", name: "web", namespace: "apps" },
    status: status("HelmRelease", "web", { revision: "1.0.0" }),
    dependsOn: [],
    source: {
      ref: { kind: "HelmChart", name: "apps-web", namespace: "apps" },
      status: status("HelmChart", "apps-web", { revision: "1.0.0" }),
      dependsOn: [],
      source: { ref: { kind: "HelmRepository", name: "charts", namespace: "apps" }, status: status("HelmRepository", "charts", { revision: "sha256:1f2e" }), dependsOn: [] },
    },
  };
  expect(formatFluxTree(tree).split("\n")).toEqual([
    "HelmRelease/apps/web  Ready  1.0.0",
    "└─ HelmChart/apps/apps-web  Ready  1.0.0",
    "   └─ HelmRepository/apps/charts  Ready  sha256:1f2e",
  ]);
});

test("ownerOf reads Flux's ownership labels, kustomize-controller's first", () => {
  expect(ownerOf({ "kustomize.toolkit.fluxcd.io/name": "apps", "kustomize.toolkit.fluxcd.io/namespace": "flux-system" })).toEqual({
    kind: "Kustomization",
    name: "apps",
    namespace: "flux-system",
  });
  expect(ownerOf({ "helm.toolkit.fluxcd.io/name": "web", "helm.toolkit.fluxcd.io/namespace": "apps", app: "web" })).toEqual({ kind: "HelmRelease", name: "web", namespace: "apps" });
  // Both halves are needed.
  expect(ownerOf({ "kustomize.toolkit.fluxcd.io/name": "apps" })).toBeUndefined();
  expect(ownerOf(undefined)).toBeUndefined();
});

test("formatFluxTrace: the object, its owner, the owner's sources", () => {
  const owner: FluxTree = {
    ref: { kind: "Kustomization", name: "apps", namespace: "flux-system" },
    status: status("Kustomization", "apps", { message: "Applied revision: main@sha1:0123abc" }),
    dependsOn: [],
    source: { ref: { kind: "GitRepository", name: "fleet", namespace: "flux-system" }, status: undefined, dependsOn: [] },
  };
  expect(formatFluxTrace({ object: { apiVersion: "apps/v1", kind: "Deployment", name: "web", namespace: "apps" }, owner }).split("\n")).toEqual([
    "Object:         Deployment/web",
    "Namespace:      apps",
    "Status:         Managed by Flux",
    "---",
    "Kustomization:  apps",
    "Namespace:      flux-system",
    "Revision:       main@sha1:0123abc",
    "Status:         Ready",
    "Message:        Applied revision: main@sha1:0123abc",
    "---",
    "GitRepository:  fleet",
    "Namespace:      flux-system",
    "Status:         Not found",
  ]);
  expect(formatFluxTrace({ object: { apiVersion: "v1", kind: "Namespace", name: "apps", namespace: undefined }, owner: undefined })).toBe(
    "Object:         Namespace/apps\nStatus:         Not managed by Flux",
  );
});
