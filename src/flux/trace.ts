/**
 * `flux trace`: from any object in the cluster back to the Kustomization or HelmRelease that
 * applied it, and on to that one's sources. The reconcilers label what they apply with their
 * own name and namespace (`kustomize.toolkit.fluxcd.io/name` and `/namespace`,
 * `helm.toolkit.fluxcd.io/name` and `/namespace`).
 */
import { api } from "../api/client.ts";
import { discoverResource } from "../api/dynamic.ts";
import { ValidationError } from "../base/errors.ts";
import type { FluxContext } from "./context.ts";
import { describeObject, groupOf, type AppliedObject } from "./inventory.ts";
import { FLUX_RESOURCES, type FluxRef } from "./kinds.ts";
import { fluxTree, type FluxTree } from "./source-tree.ts";

/** An object to trace: a reference, or the object itself as the API returned it. */
export type TraceTarget = AppliedObject | TracedKubeObject;

/** The fields of an object as the API returned it that a trace reads. */
export interface TracedKubeObject {
  apiVersion?: string;
  kind?: string;
  metadata?: { name?: string; namespace?: string; labels?: { [key: string]: string } };
}

/** Where an applied object comes from: the Kustomization or HelmRelease that applied it, and that one's source. */
export interface FluxTrace {
  object: AppliedObject;
  /**
   * The Kustomization or HelmRelease whose labels the object carries, with its status, its
   * chain of sources and its dependencies; undefined when the object is not managed by Flux.
   */
  owner: FluxTree | undefined;
}

/** The two reconcilers that apply objects, and the label prefix each marks them with. */
const OWNERS = [
  { kind: "Kustomization", group: FLUX_RESOURCES.Kustomization.group },
  { kind: "HelmRelease", group: FLUX_RESOURCES.HelmRelease.group },
] as const;

/**
 * The Flux object whose ownership labels these are, or undefined.
 *
 * @example ownerOf({ "kustomize.toolkit.fluxcd.io/name": "apps", "kustomize.toolkit.fluxcd.io/namespace": "flux-system" }) // { kind: "Kustomization", name: "apps", namespace: "flux-system" }
 */
export function ownerOf(labels: { readonly [key: string]: string } | undefined): FluxRef<"Kustomization" | "HelmRelease"> | undefined {
  for (const { kind, group } of OWNERS) {
    const name = labels?.[`${group}/name`];
    const namespace = labels?.[`${group}/namespace`];
    if (name && namespace) return { kind, name, namespace };
  }
  return undefined;
}

/**
 * Reads the object (unless given whole) and follows its ownership labels.
 *
 * @example const { owner } = await traceObject(ctx, { apiVersion: "apps/v1", kind: "Deployment", name: "web", namespace: "apps" });
 */
export async function traceObject(ctx: FluxContext, target: TraceTarget): Promise<FluxTrace> {
  const object = appliedObjectOf(target);
  const labels = isReference(target) ? await labelsOf(ctx, object) : target.metadata?.labels;
  const ownerRef = ownerOf(labels);
  return { object, owner: ownerRef ? await fluxTree(ctx, ownerRef, { applied: false }) : undefined };
}

async function labelsOf(ctx: FluxContext, object: AppliedObject): Promise<{ [key: string]: string } | undefined> {
  const slash = object.apiVersion.indexOf("/");
  const resource = await discoverResource(ctx.conn, {
    kind: object.kind,
    group: groupOf(object.apiVersion),
    version: slash < 0 ? object.apiVersion : object.apiVersion.slice(slash + 1),
  });
  if (resource.namespaced && !object.namespace) {
    throw new ValidationError(`trace ${describeObject(object)}: a ${object.kind} is namespaced; give its namespace`);
  }
  const client = resource.namespaced ? api(ctx.conn, resource, { namespace: object.namespace ?? "" }) : api(ctx.conn, resource);
  return (await client.get(object.name)).metadata?.labels;
}

/**
 * The trace as text, one block per level, like `flux trace`:
 * ```
 * Object:         Deployment/web
 * Namespace:      apps
 * Status:         Managed by Flux
 * ---
 * Kustomization:  apps
 * Namespace:      flux-system
 * Revision:       main@sha1:0123abc
 * Status:         Ready
 * ```
 */
export function formatFluxTrace(trace: FluxTrace): string {
  const field = (name: string, value: string) => `${`${name}:`.padEnd(16)}${value}`;
  const lines = [field("Object", `${trace.object.kind}/${trace.object.name}`)];
  if (trace.object.namespace) lines.push(field("Namespace", trace.object.namespace));
  lines.push(field("Status", trace.owner ? "Managed by Flux" : "Not managed by Flux"));
  for (let node = trace.owner; node; node = node.source) {
    lines.push("---", field(node.ref.kind, node.ref.name), field("Namespace", node.ref.namespace));
    const status = node.status;
    if (!status) {
      lines.push(field("Status", "Not found"));
      continue;
    }
    if (status.revision) lines.push(field("Revision", status.revision));
    lines.push(field("Status", `${status.ready ? "Ready" : `${status.state}${status.reason ? ` (${status.reason})` : ""}`}${status.suspended ? ", suspended" : ""}`));
    if (status.message) lines.push(field("Message", status.message));
  }
  return lines.join("\n");
}

function isReference(target: TraceTarget): target is AppliedObject {
  return !("metadata" in target) && typeof (target as Partial<AppliedObject>).name === "string";
}

function appliedObjectOf(target: TraceTarget): AppliedObject {
  if (isReference(target)) {
    if (!target.apiVersion || !target.kind || !target.name) throw new ValidationError("trace: give an apiVersion, a kind and a name");
    return { apiVersion: target.apiVersion, kind: target.kind, name: target.name, namespace: target.namespace || undefined };
  }
  const { apiVersion, kind, metadata } = target;
  if (!apiVersion || !kind || !metadata?.name) throw new ValidationError("trace: the object has no apiVersion, kind or metadata.name");
  return { apiVersion, kind, name: metadata.name, namespace: metadata.namespace || undefined };
}
