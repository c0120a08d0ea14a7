/**
 * Where a Flux object gets its input from (pure): a Kustomization's sourceRef, the
 * HelmChart behind a HelmRelease, a HelmChart's repository, an ImagePolicy's
 * ImageRepository. Namespaces default to the referring object's, as the controllers do.
 */
import type { HelmRelease } from "../../generated/flux/helm/v2/index.ts";
import type { ImagePolicy, ImageUpdateAutomation } from "../../generated/flux/image/v1/index.ts";
import type { Kustomization } from "../../generated/flux/kustomize/v1/index.ts";
import type { HelmChart } from "../../generated/flux/source/v1/index.ts";
import { isFluxKind, type FluxKind, type FluxObject, type FluxRef } from "./kinds.ts";

/** A reference to something that is not a Flux kind this SDK knows (e.g. a newer source kind). */
export interface ForeignRef {
  kind: string;
  name: string;
  namespace: string;
}

/**
 * The one object `object` takes its input from, or undefined for kinds without one.
 * A HelmRelease built from a chart template reads the HelmChart helm-controller made for it
 * (named in status.helmChart, else "<namespace>-<name>" in the chart source's namespace).
 *
 * @example sourceRefOf(kustomization) // { kind: "GitRepository", name: "podinfo", namespace: "flux-system" }
 */
export function sourceRefOf(object: FluxObject): FluxRef | ForeignRef | undefined {
  const namespace = object.metadata?.namespace ?? "";
  const ref = (kind: string, name: string, ns: string | undefined): FluxRef | ForeignRef => ({ kind, name, namespace: ns || namespace });
  switch (object.kind) {
    case "Kustomization": {
      const source = (object as Kustomization).spec?.sourceRef;
      return source ? ref(source.kind, source.name, source.namespace) : undefined;
    }
    case "HelmRelease":
      return helmReleaseSource(object as HelmRelease, namespace);
    case "HelmChart": {
      const source = (object as HelmChart).spec?.sourceRef;
      // A HelmChart reads its source from its own namespace only.
      return source ? ref(source.kind, source.name, namespace) : undefined;
    }
    case "ImagePolicy": {
      const repository = (object as ImagePolicy).spec?.imageRepositoryRef;
      return repository ? ref("ImageRepository", repository.name, repository.namespace) : undefined;
    }
    case "ImageUpdateAutomation": {
      const source = (object as ImageUpdateAutomation).spec?.sourceRef;
      return source ? ref(source.kind, source.name, source.namespace) : undefined;
    }
    default:
      return undefined;
  }
}

function helmReleaseSource(release: HelmRelease, namespace: string): FluxRef | ForeignRef | undefined {
  const chartRef = release.spec?.chartRef;
  if (chartRef) {
    return { kind: chartRef.kind, name: chartRef.name, namespace: chartRef.namespace || namespace };
  }
  const fromStatus = release.status?.helmChart?.split("/");
  if (fromStatus?.length === 2 && fromStatus[0] && fromStatus[1]) {
    return { kind: "HelmChart", namespace: fromStatus[0], name: fromStatus[1] };
  }
  const template = release.spec?.chart?.spec;
  if (!template) return undefined;
  const name = release.metadata?.name ?? "";
  return { kind: "HelmChart", name: `${namespace}-${name}`, namespace: template.sourceRef.namespace || namespace };
}

/**
 * The objects that must be ready before this one is reconciled (Kustomization and
 * HelmRelease `spec.dependsOn`), as references of the same kind.
 *
 * @example dependsOnOf(kustomization) // [{ kind: "Kustomization", name: "infra", namespace: "flux-system" }]
 */
export function dependsOnOf(object: FluxObject): FluxRef[] {
  if (object.kind !== "Kustomization" && object.kind !== "HelmRelease") return [];
  const kind: FluxKind = object.kind;
  const namespace = object.metadata?.namespace ?? "";
  const dependsOn = (object as Kustomization | HelmRelease).spec?.dependsOn ?? [];
  return dependsOn.map((d) => ({ kind, name: d.name, namespace: d.namespace || namespace }));
}

/** True when the reference names a kind this SDK can read. */
export function isKnownRef(ref: FluxRef | ForeignRef): ref is FluxRef {
  return isFluxKind(ref.kind);
}
