/**
 * The one resource model every loader produces and every emitter reads. It knows nothing
 * about where a spec came from (OpenAPI document, CRD YAML, live cluster).
 */
import type { Verb } from "../src/base/resource.ts";

/** An OpenAPI 3 schema object as parsed from JSON/YAML. Loaders keep it untyped on purpose. */
export type SchemaObject = { [key: string]: unknown };

/** Group/version/kind, with "" for the core group. */
export interface Gvk {
  readonly group: string;
  readonly version: string;
  readonly kind: string;
}

/** What a subresource path offers, in API terms (connect = exec/attach/portforward/proxy style). */
export type SubresourceVerb = "get" | "create" | "update" | "patch" | "delete" | "connect";

export interface SubresourceModel {
  /** Last path segment, e.g. "status", "scale", "eviction", "log". */
  readonly name: string;
  readonly verbs: readonly SubresourceVerb[];
  /** The kind its requests/responses carry (Scale for /scale, Eviction for /eviction), when the spec says. */
  readonly kind?: Gvk;
}

export interface KindModel extends Gvk {
  readonly listKind: string;
  /** URL segment, e.g. "deployments". */
  readonly plural: string;
  readonly namespaced: boolean;
  /** Sorted. */
  readonly verbs: readonly Verb[];
  /** Sorted by name. */
  readonly subresources: readonly SubresourceModel[];
  /** Name of the object schema in `ApiModel.schemas`. */
  readonly schema: string;
  /** Name of the list schema, when the spec has one. */
  readonly listSchema?: string;
  /**
   * Served by a CustomResourceDefinition (or an aggregated server) that rejects strategic
   * merge patches: true for CRDs, false when the spec shows strategic merge on the kind's
   * patch. Undefined when the spec cannot tell (the kind has no patch verb).
   */
  readonly custom?: boolean;
}

/** Everything one generation run knows: kinds plus every schema they (transitively) use. */
export interface ApiModel {
  /** Sorted by group, version, kind. */
  readonly kinds: readonly KindModel[];
  /** Schema name (e.g. "io.k8s.api.apps.v1.Deployment") → schema. */
  readonly schemas: ReadonlyMap<string, SchemaObject>;
}

/** The standard verbs of a custom resource (the CRD machinery serves all of them). */
export const crdVerbs: readonly Verb[] = [
  "create",
  "delete",
  "deletecollection",
  "get",
  "list",
  "patch",
  "update",
  "watch",
];

/** Prefix of every `$ref` into the shared schema table. */
export const schemaRefPrefix = "#/components/schemas/";

/** "apps/v1/Deployment" or "v1/Pod": the key of the type map. */
export function gvkKey(g: Gvk): string {
  return g.group === "" ? `${g.version}/${g.kind}` : `${g.group}/${g.version}/${g.kind}`;
}

/** Code-unit order, so output never depends on the locale. */
export function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Sorts kinds by group, version, kind. */
export function sortKinds(kinds: Iterable<KindModel>): KindModel[] {
  return [...kinds].sort(
    (a, b) => compareStrings(a.group, b.group) || compareStrings(a.version, b.version) || compareStrings(a.kind, b.kind),
  );
}

/**
 * Merges models from several loaders; the first definition of a schema or kind wins, so
 * callers pass the most authoritative source first.
 *
 * @example
 * const model = mergeModels([k8sModel, fluxModel]);
 */
export function mergeModels(models: readonly ApiModel[]): ApiModel {
  const schemas = new Map<string, SchemaObject>();
  const kinds = new Map<string, KindModel>();
  for (const m of models) {
    for (const [name, s] of m.schemas) if (!schemas.has(name)) schemas.set(name, s);
    for (const k of m.kinds) if (!kinds.has(gvkKey(k))) kinds.set(gvkKey(k), k);
  }
  return { kinds: sortKinds(kinds.values()), schemas };
}
