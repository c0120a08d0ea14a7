import yaml from "js-yaml";
import { expect, test } from "vitest";
import { ValidationError } from "../../../src/base/errors.ts";
import { exportFluxObject, formatFluxManifests } from "../../../src/flux/manifest-export.ts";
import type { GitRepository } from "../../../generated/flux/source/v1/index.ts";
import type { Kustomization } from "../../../generated/flux/kustomize/v1/index.ts";

const served: GitRepository = {
  apiVersion: "source.toolkit.fluxcd.io/v1",
  kind: "GitRepository",
  metadata: {
    name: "app",
    namespace: "flux-system",
    uid: "0f6c1c3e",
    resourceVersion: "4711",
    generation: 3,
    creationTimestamp: "2025-01-01T00:00:00Z",
    finalizers: ["finalizers.fluxcd.io"],
    labels: { team: "a" },
    annotations: { "reconcile.fluxcd.io/requestedAt": "2025-01-02T00:00:00Z" },
    managedFields: [{ manager: "flux", operation: "Apply" }],
  },
  spec: { url: "https://git.example.com/app.git", interval: "5m", ref: { branch: "main" } },
  status: { observedGeneration: 3, conditions: [] },
};

test("keeps apiVersion, kind, name, namespace, labels, annotations and spec; drops the rest", () => {
  const manifest = exportFluxObject<"GitRepository">(served);
  expect(manifest).toEqual({
    apiVersion: "source.toolkit.fluxcd.io/v1",
    kind: "GitRepository",
    metadata: { name: "app", namespace: "flux-system", labels: { team: "a" }, annotations: { "reconcile.fluxcd.io/requestedAt": "2025-01-02T00:00:00Z" } },
    spec: { url: "https://git.example.com/app.git", interval: "5m", ref: { branch: "main" } },
  });
  // A copy: changing the export leaves the object alone.
  (manifest.spec as { interval: string }).interval = "1m";
  expect(served.spec?.interval).toBe("5m");
});

test("empty labels and annotations are left out; a Flux kind is required", () => {
  const ks: Kustomization = { kind: "Kustomization", metadata: { name: "k", namespace: "n", labels: {} }, spec: { interval: "1m", prune: true, sourceRef: { kind: "GitRepository", name: "app" } } };
  expect(exportFluxObject<"Kustomization">(ks)).toEqual({ apiVersion: "kustomize.toolkit.fluxcd.io/v1", kind: "Kustomization", metadata: { name: "k", namespace: "n" }, spec: ks.spec });
  expect(() => exportFluxObject({ kind: "Deployment", metadata: { name: "x", namespace: "n" } } as never)).toThrow(ValidationError);
  expect(() => exportFluxObject({ kind: "GitRepository", metadata: { name: "x" } } as never)).toThrow("no metadata.name or metadata.namespace");
});

test("formatFluxManifests: documents after ---, keys sorted as the CLI's encoder writes them", () => {
  const text = formatFluxManifests([exportFluxObject<"GitRepository">(served), exportFluxObject<"GitRepository">({ ...served, metadata: { name: "b", namespace: "flux-system" } })]);
  expect(text.startsWith("---\napiVersion: source.toolkit.fluxcd.io/v1\nkind: GitRepository\nmetadata:\n  annotations:\n")).toBe(true);
  expect(text).toContain("spec:\n  interval: 5m\n  ref:\n    branch: main\n  url: https://git.example.com/app.git\n");
  const docs = yaml.loadAll(text) as { metadata: { name: string } }[];
  expect(docs.map((d) => d.metadata.name)).toEqual(["app", "b"]);
  expect(text).not.toMatch(/status|uid|resourceVersion|managedFields|creationTimestamp|generation|finalizers/);
});
