/**
 * What a Kustomization or HelmRelease applied, read from the cluster as `flux tree` does: the
 * Kustomization's `status.inventory`; the HelmRelease's `status.inventory`, or else the
 * release Helm stored; and, for a Kustomization or HelmRelease among those objects, what it
 * applied in turn.
 */
import { api } from "../api/client.ts";
import { discoverResource } from "../api/dynamic.ts";
import { isNotFound, ValidationError } from "../base/errors.ts";
import { Secret } from "../../generated/k8s/core/v1/index.ts";
import type { HelmRelease } from "../../generated/flux/helm/v2/index.ts";
import type { Kustomization } from "../../generated/flux/kustomize/v1/index.ts";
import { getFluxObject, type FluxContext } from "./context.ts";
import { decodeHelmRelease, helmStorageSecretName, manifestObjects } from "./helm-storage.ts";
import { groupOf, inventoryOf, type AppliedObject } from "./inventory.ts";
import { FLUX_RESOURCES, isFluxKind, type FluxRef } from "./kinds.ts";
import { fluxStatus, type FluxStatus } from "./status-summary.ts";

/** One applied object; a Flux object among them carries its status, and a Kustomization or HelmRelease what it applied. */
export interface AppliedTree {
  object: AppliedObject;
  /** For a Flux kind this SDK knows; undefined when it is not one, or is gone. */
  status?: FluxStatus;
  /** For a Kustomization or HelmRelease: the objects it applied. */
  applied?: AppliedTree[];
}

/** Nested Kustomizations rarely go deeper than a few levels; this bounds a cycle. */
const MAX_DEPTH = 8;

/**
 * The objects a Kustomization or HelmRelease applied, as a tree.
 *
 * @example const applied = await appliedTree(ctx, await clientFor(ctx, ref).get(ref.name));
 */
export async function appliedTree(ctx: FluxContext, owner: Kustomization | HelmRelease, depth = 0): Promise<AppliedTree[]> {
  const objects = await appliedObjects(ctx, owner);
  const self = owner.metadata;
  return Promise.all(
    objects
      // A Kustomization that applies itself (flux-system) is not its own child.
      .filter((o) => !(o.kind === owner.kind && o.name === self?.name && o.namespace === self?.namespace && isFluxGroup(o, owner.kind)))
      .map((object) => appliedNode(ctx, object, depth)),
  );
}

async function appliedNode(ctx: FluxContext, object: AppliedObject, depth: number): Promise<AppliedTree> {
  const node: AppliedTree = { object };
  if (!isFluxKind(object.kind) || !isFluxGroup(object, object.kind) || !object.namespace) return node;
  const ref: FluxRef = { kind: object.kind, name: object.name, namespace: object.namespace };
  const found = await getFluxObject(ctx, ref);
  if (!found) return node;
  node.status = fluxStatus(found);
  if ((found.kind === "Kustomization" || found.kind === "HelmRelease") && depth + 1 < MAX_DEPTH) {
    node.applied = await appliedTree(ctx, found as Kustomization | HelmRelease, depth + 1);
  }
  return node;
}

/**
 * A Kustomization's inventory; a HelmRelease's inventory, or else the objects of its latest
 * stored release (none before the first one).
 */
export async function appliedObjects(ctx: FluxContext, owner: Kustomization | HelmRelease): Promise<AppliedObject[]> {
  const inventory = inventoryOf(owner);
  if (inventory || owner.kind !== "HelmRelease") return inventory ?? [];
  const release = owner as HelmRelease;
  const latest = release.status?.history?.[0];
  if (!latest) return [];
  const storageNamespace = release.status?.storageNamespace || release.spec?.storageNamespace || release.metadata?.namespace || "";
  let secret: Secret;
  try {
    secret = await api(ctx.conn, Secret, { namespace: storageNamespace }).get(helmStorageSecretName(latest.name, latest.version));
  } catch (error) {
    if (isNotFound(error)) return [];
    throw error;
  }
  const record = decodeHelmRelease(secret);
  return manifestObjects(record.manifest, record.namespace || latest.namespace, (apiVersion, kind) => isNamespaced(ctx, apiVersion, kind));
}

/** Asks discovery; a kind it does not know (a CRD since removed) is taken as namespaced, as Helm does. */
async function isNamespaced(ctx: FluxContext, apiVersion: string, kind: string): Promise<boolean> {
  const slash = apiVersion.indexOf("/");
  const version = slash < 0 ? apiVersion : apiVersion.slice(slash + 1);
  try {
    return (await discoverResource(ctx.conn, { kind, group: groupOf(apiVersion), version })).namespaced;
  } catch (error) {
    if (error instanceof ValidationError) return true;
    throw error;
  }
}

function isFluxGroup(object: AppliedObject, kind: string): boolean {
  return isFluxKind(kind) && groupOf(object.apiVersion) === FLUX_RESOURCES[kind].group;
}
