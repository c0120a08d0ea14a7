import { describe, expect, test } from "vitest";
import type { FluxObject } from "../../../src/flux/kinds.ts";
import { dependsOnOf, sourceRefOf } from "../../../src/flux/source-refs.ts";

const meta = { name: "app", namespace: "team" };

describe("sourceRefOf", () => {
  const cases: [string, FluxObject, object | undefined][] = [
    [
      "Kustomization sourceRef, namespace defaulted",
      { kind: "Kustomization", metadata: meta, spec: { interval: "1m", prune: true, sourceRef: { kind: "GitRepository", name: "repo" } } },
      { kind: "GitRepository", name: "repo", namespace: "team" },
    ],
    [
      "Kustomization cross-namespace sourceRef",
      { kind: "Kustomization", metadata: meta, spec: { interval: "1m", prune: true, sourceRef: { kind: "OCIRepository", name: "oci", namespace: "flux-system" } } },
      { kind: "OCIRepository", name: "oci", namespace: "flux-system" },
    ],
    [
      "HelmRelease chart template: the HelmChart helm-controller names <ns>-<name> in the source's namespace",
      { kind: "HelmRelease", metadata: meta, spec: { interval: "1m", chart: { spec: { chart: "podinfo", sourceRef: { kind: "HelmRepository", name: "charts", namespace: "flux-system" } } } } },
      { kind: "HelmChart", name: "team-app", namespace: "flux-system" },
    ],
    [
      "HelmRelease with status.helmChart uses it",
      {
        kind: "HelmRelease",
        metadata: meta,
        spec: { interval: "1m", chart: { spec: { chart: "podinfo", sourceRef: { kind: "HelmRepository", name: "charts" } } } },
        status: { helmChart: "other/custom-chart" },
      },
      { kind: "HelmChart", name: "custom-chart", namespace: "other" },
    ],
    [
      "HelmRelease chartRef to an OCIRepository",
      { kind: "HelmRelease", metadata: meta, spec: { interval: "1m", chartRef: { kind: "OCIRepository", name: "podinfo" } } },
      { kind: "OCIRepository", name: "podinfo", namespace: "team" },
    ],
    [
      "HelmChart's repository is always in its own namespace",
      { kind: "HelmChart", metadata: meta, spec: { chart: "c", interval: "1m", sourceRef: { kind: "HelmRepository", name: "charts" } } },
      { kind: "HelmRepository", name: "charts", namespace: "team" },
    ],
    [
      "ImagePolicy → ImageRepository",
      { kind: "ImagePolicy", metadata: meta, spec: { imageRepositoryRef: { name: "img", namespace: "images" }, policy: { semver: { range: "1.x" } } } },
      { kind: "ImageRepository", name: "img", namespace: "images" },
    ],
    [
      "ImageUpdateAutomation → GitRepository",
      { kind: "ImageUpdateAutomation", metadata: meta, spec: { interval: "1m", sourceRef: { kind: "GitRepository", name: "repo" } } },
      { kind: "GitRepository", name: "repo", namespace: "team" },
    ],
    ["a GitRepository has none", { kind: "GitRepository", metadata: meta, spec: { url: "https://h/r", interval: "1m" } }, undefined],
  ];
  test.each(cases)("%s", (_name, object, expected) => {
    expect(sourceRefOf(object)).toEqual(expected);
  });
});

test("dependsOnOf: same kind, namespace defaulted; none for other kinds", () => {
  expect(
    dependsOnOf({
      kind: "Kustomization",
      metadata: meta,
      spec: { interval: "1m", prune: true, sourceRef: { kind: "GitRepository", name: "r" }, dependsOn: [{ name: "infra" }, { name: "crds", namespace: "flux-system" }] },
    }),
  ).toEqual([
    { kind: "Kustomization", name: "infra", namespace: "team" },
    { kind: "Kustomization", name: "crds", namespace: "flux-system" },
  ]);
  expect(dependsOnOf({ kind: "HelmRelease", metadata: meta, spec: { interval: "1m", dependsOn: [{ name: "db" }] } })).toEqual([
    { kind: "HelmRelease", name: "db", namespace: "team" },
  ]);
  expect(dependsOnOf({ kind: "GitRepository", metadata: meta })).toEqual([]);
});
