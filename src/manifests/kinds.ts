/**
 * Finds the ResourceType of each manifest's apiVersion and kind: the generated tables first
 * (Kubernetes, Flux, and any tables the caller adds, such as bun-k8s-gen output), then kinds
 * defined by CRDs in the same batch, then discovery for everything else. Answers are cached.
 */
import type { Connection } from "../connection/types.ts";
import { discoverResource, discoveryFor } from "../api/dynamic.ts";
import { isRecord, type DynamicObject } from "../base/object.ts";
import type { ResourceType, Verb } from "../base/resource.ts";
import { ValidationError } from "../base/errors.ts";
import { resources as kubernetesTable } from "../../generated/k8s/resources.ts";
import { resources as fluxTable } from "../../generated/flux/resources.ts";
import { groupOf, versionOf } from "./object-id.ts";

/** Any resource type: the resolver hands them out over the open object type. */
export type AnyResource = ResourceType<DynamicObject, boolean, string, Verb>;

/** Extra kinds: a resource table (`{ "example.com/v1/Widget": Widget }`) or a list of ResourceTypes. */
export type ResourceTables = readonly (Readonly<Record<string, ResourceType<unknown, boolean, string, Verb>>> | ResourceType<unknown, boolean, string, Verb>)[];

const key = (apiVersion: string, kind: string) => `${apiVersion}/${kind}`;

function isResourceType(value: unknown): value is AnyResource {
  return isRecord(value) && typeof value.plural === "string" && typeof value.kind === "string" && typeof value.version === "string";
}

/**
 * The ResourceType of each served version of a CRD, read off the CRD object itself, so its
 * custom objects can be applied before discovery has caught up.
 *
 * @example resourcesOfCrd(crdManifest) // [{ group: "example.com", version: "v1", kind: "Widget", plural: "widgets", ... }]
 */
export function resourcesOfCrd(crd: DynamicObject): AnyResource[] {
  const spec = isRecord(crd.spec) ? crd.spec : {};
  const names = isRecord(spec.names) ? spec.names : {};
  const group = spec.group;
  const kind = names.kind;
  const plural = names.plural;
  if (typeof group !== "string" || typeof kind !== "string" || typeof plural !== "string") return [];
  const versions = Array.isArray(spec.versions) ? spec.versions.filter(isRecord) : [];
  return versions
    .filter((v) => v.served !== false && typeof v.name === "string")
    .map((v) => {
      const sub = isRecord(v.subresources) ? v.subresources : {};
      return {
        group,
        version: v.name as string,
        kind,
        listKind: typeof names.listKind === "string" ? names.listKind : `${kind}List`,
        plural,
        namespaced: spec.scope !== "Cluster",
        verbs: ["create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"],
        subresources: ["scale", "status"].filter((s) => sub[s] !== undefined),
        custom: true,
      };
    });
}

/** Resolves apiVersion + kind to a ResourceType for one connection. */
export class KindResolver {
  readonly #conn: Connection;
  readonly #known = new Map<string, AnyResource>();
  readonly #discovered = new Map<string, Promise<AnyResource>>();

  constructor(conn: Connection, tables: ResourceTables = []) {
    this.#conn = conn;
    for (const table of [kubernetesTable, fluxTable, ...tables]) {
      const entries = isResourceType(table) ? [table] : Object.values(table);
      for (const r of entries) {
        if (!isResourceType(r)) continue;
        const apiVersion = r.group === "" ? r.version : `${r.group}/${r.version}`;
        this.#known.set(key(apiVersion, r.kind), r);
      }
    }
  }

  /** Adds the kinds a CRD of this batch defines (they win over discovery, not over tables). */
  addCrd(crd: DynamicObject): void {
    for (const r of resourcesOfCrd(crd)) {
      const k = key(r.group === "" ? r.version : `${r.group}/${r.version}`, r.kind);
      if (!this.#known.has(k)) this.#known.set(k, r);
    }
  }

  /** Forgets discovery answers (after CRDs were installed). */
  invalidate(): void {
    this.#discovered.clear();
    discoveryFor(this.#conn).invalidate();
  }

  /**
   * The ResourceType of an apiVersion and kind; rejects with ValidationError when neither a
   * table nor the cluster knows it.
   */
  async resolve(apiVersion: string, kind: string): Promise<AnyResource> {
    const k = key(apiVersion, kind);
    const known = this.#known.get(k);
    if (known) return known;
    let pending = this.#discovered.get(k);
    if (!pending) {
      pending = discoverResource(this.#conn, { kind, group: groupOf(apiVersion), version: versionOf(apiVersion) });
      // A failed lookup is not cached: the next call asks again (a CRD may have arrived).
      pending.catch(() => this.#discovered.delete(k));
      this.#discovered.set(k, pending);
    }
    try {
      return await pending;
    } catch (e) {
      if (e instanceof ValidationError) throw new ValidationError(`the cluster serves no kind ${kind} in ${apiVersion}`, e.site);
      throw e;
    }
  }

  /** The ResourceType of a group and kind in the cluster's preferred version (for ApplySet pruning). */
  async resolveGroupKind(group: string, kind: string): Promise<AnyResource> {
    try {
      return await discoverResource(this.#conn, { kind, group });
    } catch (e) {
      if (e instanceof ValidationError) throw new ValidationError(`the cluster serves no kind ${kind} in group "${group}"`, e.site);
      throw e;
    }
  }
}
