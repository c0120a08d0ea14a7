/**
 * The two pairs a GitOps service creates most (pure builders): a GitRepository with the
 * Kustomization that applies it, and a HelmRepository with a HelmRelease of one of its
 * charts. The consumer's source reference is filled in from the pair, so it cannot point
 * elsewhere by mistake.
 */
import type { ApplyConfiguration, DeepPartial } from "../request/patch-types.ts";
import type { HelmRelease, HelmReleaseSpec } from "../../generated/flux/helm/v2/index.ts";
import type { Kustomization, KustomizationSpec } from "../../generated/flux/kustomize/v1/index.ts";
import type { GitRepository, GitRepositorySpec, HelmRepository, HelmRepositorySpec } from "../../generated/flux/source/v1/index.ts";

type ChartTemplateSpec = NonNullable<HelmReleaseSpec["chart"]>["spec"];

/** A GitRepository and the Kustomization that applies it, created or updated together. */
export interface GitKustomizationPair {
  namespace: string;
  /** Name of the GitRepository, and of the Kustomization unless `kustomizationName` is set. */
  name: string;
  kustomizationName?: string;
  /** Labels put on both objects. */
  labels?: Record<string, string>;
  gitRepository: DeepPartial<GitRepositorySpec> & Pick<GitRepositorySpec, "url" | "interval">;
  kustomization: DeepPartial<Omit<KustomizationSpec, "sourceRef">> & Pick<KustomizationSpec, "interval" | "prune">;
}

/** A HelmRepository and a HelmRelease installing a chart from it, created or updated together. */
export interface HelmReleasePair {
  namespace: string;
  /** Name of the HelmRelease, and of the HelmRepository unless `repositoryName` is set. */
  name: string;
  repositoryName?: string;
  /** Labels put on both objects, and on the HelmChart helm-controller makes from the chart template. */
  labels?: Record<string, string>;
  helmRepository: DeepPartial<HelmRepositorySpec> & Pick<HelmRepositorySpec, "url">;
  helmRelease: DeepPartial<Omit<HelmReleaseSpec, "chart" | "chartRef">> &
    Pick<HelmReleaseSpec, "interval"> & {
      /** The chart template; its sourceRef is the pair's HelmRepository. */
      chart: DeepPartial<Omit<ChartTemplateSpec, "sourceRef">> & Pick<ChartTemplateSpec, "chart">;
    };
}

/**
 * The apply configurations of a GitRepository + Kustomization pair.
 *
 * @example
 * const { gitRepository, kustomization } = gitKustomizationConfigs({
 *   namespace: "flux-system", name: "podinfo",
 *   gitRepository: { url: "https://github.com/stefanprodan/podinfo", interval: "5m", ref: { branch: "master" } },
 *   kustomization: { interval: "10m", prune: true, path: "./kustomize" },
 * });
 */
export function gitKustomizationConfigs(pair: GitKustomizationPair): {
  gitRepository: ApplyConfiguration<GitRepository>;
  kustomization: ApplyConfiguration<Kustomization>;
} {
  const labels = pair.labels ? { labels: { ...pair.labels } } : {};
  return {
    gitRepository: {
      apiVersion: "source.toolkit.fluxcd.io/v1",
      kind: "GitRepository",
      metadata: { name: pair.name, namespace: pair.namespace, ...labels },
      spec: pair.gitRepository,
    },
    kustomization: {
      apiVersion: "kustomize.toolkit.fluxcd.io/v1",
      kind: "Kustomization",
      metadata: { name: pair.kustomizationName ?? pair.name, namespace: pair.namespace, ...labels },
      spec: { ...pair.kustomization, sourceRef: { kind: "GitRepository", name: pair.name } },
    },
  };
}

/**
 * The apply configurations of a HelmRepository + HelmRelease pair.
 *
 * @example
 * const { helmRepository, helmRelease } = helmReleaseConfigs({
 *   namespace: "apps", name: "podinfo",
 *   helmRepository: { url: "https://stefanprodan.github.io/podinfo", interval: "1h" },
 *   helmRelease: { interval: "10m", chart: { chart: "podinfo", version: "6.x" }, values: { replicaCount: 2 } },
 * });
 */
export function helmReleaseConfigs(pair: HelmReleasePair): {
  helmRepository: ApplyConfiguration<HelmRepository>;
  helmRelease: ApplyConfiguration<HelmRelease>;
} {
  const labels = pair.labels ? { labels: { ...pair.labels } } : {};
  const repositoryName = pair.repositoryName ?? pair.name;
  const { chart, ...release } = pair.helmRelease;
  return {
    helmRepository: {
      apiVersion: "source.toolkit.fluxcd.io/v1",
      kind: "HelmRepository",
      metadata: { name: repositoryName, namespace: pair.namespace, ...labels },
      spec: pair.helmRepository,
    },
    helmRelease: {
      apiVersion: "helm.toolkit.fluxcd.io/v2",
      kind: "HelmRelease",
      metadata: { name: pair.name, namespace: pair.namespace, ...labels },
      spec: {
        ...release,
        chart: { ...(pair.labels ? { metadata: { labels: { ...pair.labels } } } : {}), spec: { ...chart, sourceRef: { kind: "HelmRepository", name: repositoryName } } },
      },
    },
  };
}
