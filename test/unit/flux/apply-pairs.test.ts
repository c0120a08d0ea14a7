import { describe, expect, test } from "vitest";
import { gitKustomizationConfigs, helmReleaseConfigs } from "../../../src/flux/apply-pairs.ts";

describe("gitKustomizationConfigs", () => {
  test("builds both apply configurations; the Kustomization points at the pair's GitRepository", () => {
    const { gitRepository, kustomization } = gitKustomizationConfigs({
      namespace: "flux-system",
      name: "podinfo",
      labels: { team: "web" },
      gitRepository: { url: "https://github.com/stefanprodan/podinfo", interval: "5m", ref: { branch: "master" } },
      kustomization: { interval: "10m", prune: true, path: "./kustomize", targetNamespace: "apps" },
    });
    expect(gitRepository).toEqual({
      apiVersion: "source.toolkit.fluxcd.io/v1",
      kind: "GitRepository",
      metadata: { name: "podinfo", namespace: "flux-system", labels: { team: "web" } },
      spec: { url: "https://github.com/stefanprodan/podinfo", interval: "5m", ref: { branch: "master" } },
    });
    expect(kustomization).toEqual({
      apiVersion: "kustomize.toolkit.fluxcd.io/v1",
      kind: "Kustomization",
      metadata: { name: "podinfo", namespace: "flux-system", labels: { team: "web" } },
      spec: { interval: "10m", prune: true, path: "./kustomize", targetNamespace: "apps", sourceRef: { kind: "GitRepository", name: "podinfo" } },
    });
  });

  test("a separate Kustomization name; a sourceRef smuggled in is overwritten", () => {
    const { kustomization } = gitKustomizationConfigs({
      namespace: "ns",
      name: "repo",
      kustomizationName: "apps",
      gitRepository: { url: "ssh://git@h/r", interval: "1m" },
      kustomization: { interval: "1m", prune: false, ...({ sourceRef: { kind: "Bucket", name: "other" } } as object) },
    });
    expect(kustomization.metadata).toEqual({ name: "apps", namespace: "ns" });
    expect(kustomization.spec?.sourceRef).toEqual({ kind: "GitRepository", name: "repo" });
  });
});

describe("helmReleaseConfigs", () => {
  test("the HelmRelease's chart template points at the pair's HelmRepository", () => {
    const { helmRepository, helmRelease } = helmReleaseConfigs({
      namespace: "apps",
      name: "podinfo",
      repositoryName: "charts",
      helmRepository: { url: "https://stefanprodan.github.io/podinfo", interval: "1h" },
      helmRelease: { interval: "10m", chart: { chart: "podinfo", version: "6.x" }, values: { replicaCount: 2 } },
    });
    expect(helmRepository).toEqual({
      apiVersion: "source.toolkit.fluxcd.io/v1",
      kind: "HelmRepository",
      metadata: { name: "charts", namespace: "apps" },
      spec: { url: "https://stefanprodan.github.io/podinfo", interval: "1h" },
    });
    expect(helmRelease).toEqual({
      apiVersion: "helm.toolkit.fluxcd.io/v2",
      kind: "HelmRelease",
      metadata: { name: "podinfo", namespace: "apps" },
      spec: {
        interval: "10m",
        values: { replicaCount: 2 },
        chart: { spec: { chart: "podinfo", version: "6.x", sourceRef: { kind: "HelmRepository", name: "charts" } } },
      },
    });
  });

  test("labels go on both objects and on the chart template (the HelmChart helm-controller makes)", () => {
    const { helmRepository, helmRelease } = helmReleaseConfigs({
      namespace: "apps",
      name: "web",
      labels: { team: "web" },
      helmRepository: { url: "https://charts.example.com" },
      helmRelease: { interval: "5m", chart: { chart: "web" } },
    });
    expect(helmRepository.metadata.labels).toEqual({ team: "web" });
    expect(helmRelease.metadata.labels).toEqual({ team: "web" });
    expect(helmRelease.spec?.chart).toEqual({ metadata: { labels: { team: "web" } }, spec: { chart: "web", sourceRef: { kind: "HelmRepository", name: "web" } } });
  });

  test("the repository is named after the release by default", () => {
    const { helmRepository, helmRelease } = helmReleaseConfigs({
      namespace: "apps",
      name: "redis",
      helmRepository: { url: "oci://registry/charts", type: "oci" },
      helmRelease: { interval: "5m", chart: { chart: "redis" } },
    });
    expect(helmRepository.metadata.name).toBe("redis");
    expect(helmRelease.spec?.chart?.spec?.sourceRef).toEqual({ kind: "HelmRepository", name: "redis" });
  });
});
