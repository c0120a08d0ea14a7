/**
 * The Flux kinds this toolkit knows, as one table over the generated resource types, and
 * the ways a caller names one object: a reference `{ kind, name, namespace }` or the object
 * itself as the API returned it.
 */
import type { ResourceType } from "../base/resource.ts";
import { ValidationError } from "../base/errors.ts";
import { HelmRelease } from "../../generated/flux/helm/v2/index.ts";
import { ImagePolicy, ImageRepository, ImageUpdateAutomation } from "../../generated/flux/image/v1/index.ts";
import { Kustomization } from "../../generated/flux/kustomize/v1/index.ts";
import { Receiver } from "../../generated/flux/notification/v1/index.ts";
import { Alert, Provider } from "../../generated/flux/notification/v1beta3/index.ts";
import {
  Bucket,
  ExternalArtifact,
  GitRepository,
  HelmChart,
  HelmRepository,
  OCIRepository,
} from "../../generated/flux/source/v1/index.ts";

/** Object type of every Flux kind, by kind name. */
export interface FluxObjectMap {
  Bucket: Bucket;
  ExternalArtifact: ExternalArtifact;
  GitRepository: GitRepository;
  HelmChart: HelmChart;
  HelmRepository: HelmRepository;
  OCIRepository: OCIRepository;
  Kustomization: Kustomization;
  HelmRelease: HelmRelease;
  Receiver: Receiver;
  Alert: Alert;
  Provider: Provider;
  ImageRepository: ImageRepository;
  ImagePolicy: ImagePolicy;
  ImageUpdateAutomation: ImageUpdateAutomation;
}

/** Every Flux kind this SDK knows, by its `kind`. */
export type FluxKind = keyof FluxObjectMap;
/** An object of any Flux kind. */
export type FluxObject = FluxObjectMap[FluxKind];

/** The generated resource type of each kind (the version this SDK was generated for). */
export const FLUX_RESOURCES: { readonly [K in FluxKind]: ResourceType<FluxObjectMap[K], true, string> } = {
  Bucket,
  ExternalArtifact,
  GitRepository,
  HelmChart,
  HelmRepository,
  OCIRepository,
  Kustomization,
  HelmRelease,
  Receiver,
  Alert,
  Provider,
  ImageRepository,
  ImagePolicy,
  ImageUpdateAutomation,
};

/** Kinds whose artifact other objects consume. */
export type SourceKind = "Bucket" | "ExternalArtifact" | "GitRepository" | "HelmChart" | "HelmRepository" | "OCIRepository";

/**
 * Kinds with no reconciler: their controller only reads them (Alert, Provider), or they
 * are produced by some other controller (ExternalArtifact), so they have no
 * `reconcile.fluxcd.io/requestedAt` handshake.
 */
export type UnreconcilableKind = "Alert" | "Provider" | "ExternalArtifact";
/** Every kind a controller reconciles (everything but Alert, Provider and ExternalArtifact). */
export type ReconcilableKind = Exclude<FluxKind, UnreconcilableKind>;
/** Every kind with `spec.suspend`. */
export type SuspendableKind = Exclude<FluxKind, "ExternalArtifact">;

const UNRECONCILABLE: ReadonlySet<string> = new Set<UnreconcilableKind>(["Alert", "Provider", "ExternalArtifact"]);
const SOURCES: ReadonlySet<string> = new Set<SourceKind>([
  "Bucket",
  "ExternalArtifact",
  "GitRepository",
  "HelmChart",
  "HelmRepository",
  "OCIRepository",
]);

/** One Flux object by kind, name and namespace. */
export interface FluxRef<K extends FluxKind = FluxKind> {
  kind: K;
  name: string;
  namespace: string;
}

/** A reference, or the object itself (it must carry `kind` and `metadata.name`/`namespace`). */
export type FluxTarget<K extends FluxKind = FluxKind> = FluxRef<K> | FluxObjectMap[K];

/** The object type a target stands for: `FluxRef<"HelmRelease">` and `HelmRelease` both give HelmRelease. */
export type FluxObjectOf<X> = X extends { kind?: infer K }
  ? NonNullable<K> extends FluxKind
    ? FluxObjectMap[NonNullable<K>]
    : never
  : never;

/** @example isFluxKind("GitRepository") // true */
export function isFluxKind(kind: unknown): kind is FluxKind {
  return typeof kind === "string" && Object.hasOwn(FLUX_RESOURCES, kind);
}

/** @example isReconcilableKind("Alert") // false: alerts are static */
export function isReconcilableKind(kind: string): kind is ReconcilableKind {
  return isFluxKind(kind) && !UNRECONCILABLE.has(kind);
}

/** @example isSourceKind("OCIRepository") // true */
export function isSourceKind(kind: string): kind is SourceKind {
  return SOURCES.has(kind);
}

/**
 * The reference a target stands for, checked: a known kind, a name and a namespace.
 *
 * @example fluxRefOf(await repos.get("podinfo")) // { kind: "GitRepository", name: "podinfo", namespace: "flux-system" }
 */
export function fluxRefOf<K extends FluxKind>(target: FluxTarget<K>): FluxRef<K> {
  if (target === null || typeof target !== "object") {
    throw new ValidationError(`a Flux target must be an object or a { kind, name, namespace } reference`);
  }
  const isObject = "metadata" in target || !("name" in target);
  const metadata = isObject ? (target as { metadata?: { name?: unknown; namespace?: unknown } }).metadata : undefined;
  const kind: unknown = target.kind;
  const name: unknown = isObject ? metadata?.name : (target as FluxRef).name;
  const namespace: unknown = isObject ? metadata?.namespace : (target as FluxRef).namespace;
  if (!isFluxKind(kind)) {
    throw new ValidationError(
      `not a Flux kind: ${typeof kind === "string" ? JSON.stringify(kind) : "kind is missing"} (known: ${Object.keys(FLUX_RESOURCES).join(", ")})`,
    );
  }
  if (typeof name !== "string" || name === "") throw new ValidationError(`${kind} target has no name`);
  if (typeof namespace !== "string" || namespace === "") {
    throw new ValidationError(`${kind} ${name}: the target has no namespace (Flux kinds are namespaced)`);
  }
  const apiVersion: unknown = (target as { apiVersion?: unknown }).apiVersion;
  const group = FLUX_RESOURCES[kind].group;
  if (typeof apiVersion === "string" && !apiVersion.startsWith(`${group}/`)) {
    throw new ValidationError(`${kind} ${namespace}/${name}: apiVersion ${apiVersion} is not in group ${group}`);
  }
  return { kind: kind as K, name, namespace };
}

/** @example describeRef({ kind: "GitRepository", name: "podinfo", namespace: "flux-system" }) // "GitRepository flux-system/podinfo" */
export function describeRef(ref: FluxRef): string {
  return `${ref.kind} ${ref.namespace}/${ref.name}`;
}

/** The apiVersion this SDK reads and writes a kind at. */
export function fluxApiVersion(kind: FluxKind): string {
  const r = FLUX_RESOURCES[kind];
  return `${r.group}/${r.version}`;
}
