/**
 * A Flux object's tree, read from the cluster as `flux tree` shows it: its chain of sources
 * (Kustomization → GitRepository, or HelmRelease → HelmChart → HelmRepository), each with its
 * status, the objects it dependsOn (one level, with their status), and, for a Kustomization
 * or HelmRelease, what it applied (see applied-tree.ts).
 */
import { appliedTree, type AppliedTree } from "./applied-tree.ts";
import { getFluxObject, type FluxContext } from "./context.ts";
import { describeObject } from "./inventory.ts";
import type { FluxRef } from "./kinds.ts";
import { dependsOnOf, isKnownRef, sourceRefOf, type ForeignRef } from "./source-refs.ts";
import { fluxStatus, type FluxStatus } from "./status-summary.ts";
import type { HelmRelease } from "../../generated/flux/helm/v2/index.ts";
import type { Kustomization } from "../../generated/flux/kustomize/v1/index.ts";

/** An object, its source and its dependencies, each with its status (`flux tree`). */
export interface FluxTree {
  ref: FluxRef | ForeignRef;
  /** undefined when the object does not exist, or is of a kind this SDK does not know. */
  status: FluxStatus | undefined;
  /** The object this one takes its input from. */
  source?: FluxTree;
  /** spec.dependsOn, with their status (their own sources are not followed). */
  dependsOn: FluxTree[];
  /** A Kustomization's or HelmRelease's applied objects (the root's only, when asked for). */
  applied?: AppliedTree[];
}

export interface FluxTreeOptions {
  /** Read what a Kustomization or HelmRelease applied (default true). */
  applied?: boolean;
}

/** Sources form a short chain (at most HelmRelease → HelmChart → repository); this bounds a cycle. */
const MAX_DEPTH = 8;

/**
 * Reads an object and follows its sources.
 *
 * @example console.log(formatFluxTree(await fluxTree(ctx, { kind: "HelmRelease", name: "podinfo", namespace: "apps" })));
 */
export async function fluxTree(ctx: FluxContext, ref: FluxRef | ForeignRef, options: FluxTreeOptions = {}, depth = 0): Promise<FluxTree> {
  const object = isKnownRef(ref) ? await getFluxObject(ctx, ref) : undefined;
  const tree: FluxTree = { ref, status: object ? fluxStatus(object) : undefined, dependsOn: [] };
  if (!object || depth >= MAX_DEPTH) return tree;
  const sourceRef = sourceRefOf(object);
  if (sourceRef) tree.source = await fluxTree(ctx, sourceRef, { applied: false }, depth + 1);
  if (depth === 0) {
    tree.dependsOn = await Promise.all(
      dependsOnOf(object).map(async (dep): Promise<FluxTree> => {
        const found = await getFluxObject(ctx, dep);
        return { ref: dep, status: found ? fluxStatus(found) : undefined, dependsOn: [] };
      }),
    );
    if (options.applied !== false && (object.kind === "Kustomization" || object.kind === "HelmRelease")) {
      tree.applied = await appliedTree(ctx, object as Kustomization | HelmRelease);
    }
  }
  return tree;
}

interface Line {
  label: string;
  children: Line[];
}

/**
 * The tree as text, one object per line: dependencies, then the source chain, then what it
 * applied (nested under a Kustomization or HelmRelease it applied):
 * ```
 * Kustomization/flux-system/apps  Ready  main@sha1:0123abc
 * ├─ GitRepository/flux-system/apps  Ready  main@sha1:0123abc
 * ├─ ConfigMap/apps/settings
 * └─ Deployment/apps/web
 * ```
 */
export function formatFluxTree(tree: FluxTree): string {
  const lines: string[] = [statusLabel(`${tree.ref.kind}/${tree.ref.namespace}/${tree.ref.name}`, tree.status)];
  const children: Line[] = tree.dependsOn.map((dep) => ({ label: `dependsOn ${statusLabel(`${dep.ref.kind}/${dep.ref.namespace}/${dep.ref.name}`, dep.status)}`, children: [] }));
  if (tree.source) children.push(sourceLine(tree.source));
  children.push(...(tree.applied ?? []).map(appliedLine));
  draw(children, "", lines);
  return lines.join("\n");
}

function sourceLine(tree: FluxTree): Line {
  return { label: statusLabel(`${tree.ref.kind}/${tree.ref.namespace}/${tree.ref.name}`, tree.status), children: tree.source ? [sourceLine(tree.source)] : [] };
}

function appliedLine(node: AppliedTree): Line {
  const id = describeObject(node.object);
  return { label: node.status ? statusLabel(id, node.status) : id, children: (node.applied ?? []).map(appliedLine) };
}

function draw(children: readonly Line[], indent: string, out: string[]): void {
  children.forEach((child, i) => {
    const last = i === children.length - 1;
    out.push(`${indent}${last ? "└─" : "├─"} ${child.label}`);
    draw(child.children, `${indent}${last ? "   " : "│  "}`, out);
  });
}

function statusLabel(id: string, status: FluxStatus | undefined): string {
  if (!status) return `${id}  (not found)`;
  const state = status.ready ? "Ready" : `${status.state}${status.reason ? ` (${status.reason})` : ""}`;
  const parts = [id, state, status.revision ?? "-"];
  if (status.suspended) parts.push("suspended");
  return parts.join("  ");
}
