/**
 * The identity of a manifest object (apiVersion, kind, namespace, name) and the group-kind
 * strings the ApplySet annotations use ("Deployment.apps", "Secret").
 */
import type { KubeObject } from "../base/object.ts";

/** Which object a result is about. */
export interface ObjectId {
  readonly apiVersion: string;
  readonly kind: string;
  /** Undefined for cluster-scoped objects. */
  readonly namespace: string | undefined;
  readonly name: string;
}

/** A group and kind, as ApplySet records them: group "" is the core group. */
export interface GroupKind {
  readonly group: string;
  readonly kind: string;
}

/** The group of an apiVersion: "apps/v1" → "apps", "v1" → "". */
export function groupOf(apiVersion: string): string {
  const slash = apiVersion.indexOf("/");
  return slash < 0 ? "" : apiVersion.slice(0, slash);
}

/** The version of an apiVersion: "apps/v1" → "v1". */
export function versionOf(apiVersion: string): string {
  return apiVersion.slice(apiVersion.indexOf("/") + 1);
}

/**
 * "Deployment.apps", or "Secret" for the core group (Go's schema.GroupKind.String()).
 *
 * @example formatGroupKind({ group: "apps", kind: "Deployment" }) // "Deployment.apps"
 */
export function formatGroupKind(gk: GroupKind): string {
  return gk.group === "" ? gk.kind : `${gk.kind}.${gk.group}`;
}

/**
 * The inverse of formatGroupKind (Go's schema.ParseGroupKind: the kind ends at the first dot).
 *
 * @example parseGroupKind("Kustomization.kustomize.toolkit.fluxcd.io") // { kind: "Kustomization", group: "kustomize.toolkit.fluxcd.io" }
 */
export function parseGroupKind(text: string): GroupKind {
  const dot = text.indexOf(".");
  return dot < 0 ? { group: "", kind: text } : { group: text.slice(dot + 1), kind: text.slice(0, dot) };
}

/** The id of an object as written (namespace as given; name "" when missing). */
export function idOf(object: KubeObject, namespace?: string): ObjectId {
  return {
    apiVersion: object.apiVersion ?? "",
    kind: object.kind ?? "",
    namespace: namespace ?? object.metadata?.namespace,
    name: object.metadata?.name ?? "",
  };
}

/**
 * "apps/v1 Deployment prod/web", for messages and diff headers.
 *
 * @example describeObject({ apiVersion: "v1", kind: "Namespace", namespace: undefined, name: "prod" }) // "v1 Namespace prod"
 */
export function describeObject(id: ObjectId): string {
  return `${id.apiVersion} ${id.kind} ${id.namespace ? `${id.namespace}/` : ""}${id.name}`;
}

/** A key that tells objects apart: group, kind, namespace and name (not the version). */
export function objectIdKey(id: ObjectId): string {
  return `${groupOf(id.apiVersion)}/${id.kind}/${id.namespace ?? ""}/${id.name}`;
}
