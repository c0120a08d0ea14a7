/**
 * What a Kustomization or HelmRelease applied, from its `status.inventory` (pure). An entry's
 * id is cli-utils' object metadata string, `<namespace>_<name>_<group>_<kind>` (namespace empty
 * for cluster-scoped objects, group empty for the core group, ":" in a name written as "__"),
 * and `v` is the version it was applied at.
 */
import { ValidationError } from "../base/errors.ts";

/** One object a Flux reconciler applied (or any object, named by its type and name). */
export interface AppliedObject {
  /** "apps/v1", or "v1" for the core group. */
  apiVersion: string;
  kind: string;
  name: string;
  /** undefined for a cluster-scoped object. */
  namespace: string | undefined;
}

export interface InventoryEntry {
  id: string;
  v: string;
}

/**
 * The object an inventory entry names.
 *
 * @example parseInventoryEntry({ id: "apps_web_apps_Deployment", v: "v1" }) // { apiVersion: "apps/v1", kind: "Deployment", name: "web", namespace: "apps" }
 */
export function parseInventoryEntry(entry: InventoryEntry): AppliedObject {
  const { id, v } = entry;
  const first = id.indexOf("_");
  const last = id.lastIndexOf("_");
  const beforeLast = last > 0 ? id.lastIndexOf("_", last - 1) : -1;
  // Namespaces, groups and kinds hold no "_": the first field is the namespace, the last two
  // the group and kind, and the name (which may hold "__") is what lies between.
  if (first < 0 || beforeLast <= first || !v) {
    throw new ValidationError(`not a Flux inventory entry: ${JSON.stringify(id)} (want <namespace>_<name>_<group>_<kind> and a version)`);
  }
  const namespace = id.slice(0, first);
  const name = id.slice(first + 1, beforeLast).replaceAll("__", ":");
  const group = id.slice(beforeLast + 1, last);
  const kind = id.slice(last + 1);
  if (!name || !kind) throw new ValidationError(`not a Flux inventory entry: ${JSON.stringify(id)} (no name or kind)`);
  return { apiVersion: group ? `${group}/${v}` : v, kind, name, namespace: namespace || undefined };
}

/**
 * The objects in an object's `status.inventory`, in its order; undefined when it has none
 * (never reconciled, or a HelmRelease from a helm-controller that keeps no inventory).
 *
 * @example inventoryOf(await flux.get(ks))?.map(describeObject) // ["ConfigMap/apps/settings", "Deployment/apps/web"]
 */
export function inventoryOf(object: { status?: { inventory?: { entries?: readonly InventoryEntry[] } } }): AppliedObject[] | undefined {
  const entries = object.status?.inventory?.entries;
  return entries ? entries.map(parseInventoryEntry) : undefined;
}

/** "Deployment/apps/web", or "Namespace/apps" for a cluster-scoped object. @example describeObject(o) */
export function describeObject(object: Pick<AppliedObject, "kind" | "name" | "namespace">): string {
  return object.namespace ? `${object.kind}/${object.namespace}/${object.name}` : `${object.kind}/${object.name}`;
}

/** The API group of an apiVersion ("" for the core group). */
export function groupOf(apiVersion: string): string {
  const slash = apiVersion.indexOf("/");
  return slash < 0 ? "" : apiVersion.slice(0, slash);
}
