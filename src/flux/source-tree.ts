/**
 * The chain of sources behind a Flux object, read from the cluster: Kustomization →
 * GitRepository, or HelmRelease → HelmChart → HelmRepository, each with its status, plus
 * the objects it dependsOn (one level, with their status).
 */
import { isNotFound } from "../base/errors.ts";
import { clientFor, type FluxContext } from "./context.ts";
import type { FluxObject, FluxRef } from "./kinds.ts";
import { dependsOnOf, isKnownRef, sourceRefOf, type ForeignRef } from "./source-refs.ts";
import { fluxStatus, type FluxStatus } from "./status-summary.ts";

/** An object, its source and its dependencies, each with its status (`flux tree`). */
export interface FluxTree {
  ref: FluxRef | ForeignRef;
  /** undefined when the object does not exist, or is of a kind this SDK does not know. */
  status: FluxStatus | undefined;
  /** The object this one takes its input from. */
  source?: FluxTree;
  /** spec.dependsOn, with their status (their own sources are not followed). */
  dependsOn: FluxTree[];
}

/** Sources form a short chain (at most HelmRelease → HelmChart → repository); this bounds a cycle. */
const MAX_DEPTH = 8;

/**
 * Reads an object and follows its sources.
 *
 * @example console.log(formatFluxTree(await fluxTree(ctx, { kind: "HelmRelease", name: "podinfo", namespace: "apps" })));
 */
export async function fluxTree(ctx: FluxContext, ref: FluxRef | ForeignRef, depth = 0): Promise<FluxTree> {
  const object = isKnownRef(ref) ? await getOpt(ctx, ref) : undefined;
  const tree: FluxTree = { ref, status: object ? fluxStatus(object) : undefined, dependsOn: [] };
  if (!object || depth >= MAX_DEPTH) return tree;
  const sourceRef = sourceRefOf(object);
  if (sourceRef) tree.source = await fluxTree(ctx, sourceRef, depth + 1);
  if (depth === 0) {
    tree.dependsOn = await Promise.all(
      dependsOnOf(object).map(async (dep): Promise<FluxTree> => {
        const found = await getOpt(ctx, dep);
        return { ref: dep, status: found ? fluxStatus(found) : undefined, dependsOn: [] };
      }),
    );
  }
  return tree;
}

/**
 * The tree as text, one object per line:
 * ```
 * Kustomization/flux-system/apps  Ready  main@sha1:0123abc
 * └─ GitRepository/flux-system/podinfo  Ready  main@sha1:0123abc
 * ```
 */
export function formatFluxTree(tree: FluxTree): string {
  const lines: string[] = [];
  const label = (t: FluxTree): string => {
    const id = `${t.ref.kind}/${t.ref.namespace}/${t.ref.name}`;
    if (!t.status) return `${id}  (not found)`;
    const state = t.status.ready ? "Ready" : `${t.status.state}${t.status.reason ? ` (${t.status.reason})` : ""}`;
    const parts = [id, state, t.status.revision ?? "-"];
    if (t.status.suspended) parts.push("suspended");
    return parts.join("  ");
  };
  lines.push(label(tree));
  for (const dep of tree.dependsOn) lines.push(`├─ dependsOn ${label(dep)}`);
  let indent = "";
  for (let node = tree.source; node; node = node.source) {
    lines.push(`${indent}└─ ${label(node)}`);
    indent += "   ";
  }
  return lines.join("\n");
}

async function getOpt(ctx: FluxContext, ref: FluxRef): Promise<FluxObject | undefined> {
  try {
    return (await clientFor(ctx, ref).get(ref.name)) as FluxObject;
  } catch (error) {
    if (isNotFound(error)) return undefined;
    throw error;
  }
}
