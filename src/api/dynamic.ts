/**
 * The dynamic client: the same generic client for kinds unknown at generation time,
 * over the open `DynamicObject` type. Describe the resource yourself (group, version,
 * plural, scope) or let `discoverResource` find it on the cluster by kind or name.
 */
import type { Connection } from "../connection/types.ts";
import { ValidationError } from "../base/errors.ts";
import { siteOf } from "../connection/error-site.ts";
import type { ResourceType, Verb } from "../base/resource.ts";
import type { DynamicObject } from "../base/object.ts";
import { Discovery, type DiscoveredResource } from "./discovery.ts";

const ALL_VERBS: readonly Verb[] = ["get", "list", "watch", "create", "update", "patch", "delete", "deletecollection"];

/** What `dynamicResource` needs to describe a resource the generated table does not know. */
export interface DynamicResourceSpec<N extends boolean, S extends string> {
  /** "" for the core group. */
  group: string;
  version: string;
  /** URL segment, e.g. "gitrepositories". */
  plural: string;
  namespaced: N;
  /** Checked against object bodies when given; needed for list items to get a kind filled in. */
  kind?: string;
  /** Default: all eight verbs (the server has the last word). */
  verbs?: readonly Verb[];
  /** Subresources to allow, e.g. ["status"]. Default: none. */
  subresources?: readonly S[];
  /** A CRD or aggregated API (no strategic merge). Default: inferred from the group. */
  custom?: boolean;
}

/**
 * Describes a resource by hand, for `api(conn, resource, { namespace })`.
 *
 * @example
 * const Widgets = dynamicResource({ group: "example.com", version: "v1", plural: "widgets", namespaced: true, kind: "Widget", subresources: ["status"] });
 * const widgets = api(conn, Widgets, { namespace: "default" });
 * await widgets.status.get("w1");
 */
export function dynamicResource<const N extends boolean, const S extends string = never>(
  spec: DynamicResourceSpec<N, S>,
): ResourceType<DynamicObject, N, S> {
  const kind = spec.kind ?? "";
  return {
    group: spec.group,
    version: spec.version,
    kind,
    listKind: kind ? `${kind}List` : "",
    plural: spec.plural,
    namespaced: spec.namespaced,
    verbs: spec.verbs ?? ALL_VERBS,
    subresources: spec.subresources ?? [],
    ...(spec.custom !== undefined && { custom: spec.custom }),
  };
}

/** What to look for: a kind ("Deployment") or a resource name (plural, singular or short name: "deploy"). */
export interface ResourceQuery {
  kind?: string;
  resource?: string;
  /** Restrict to one group ("" for core). */
  group?: string;
  /** Restrict to one version; default: the group's preferred version, then the others. */
  version?: string;
}

const discoveries = new WeakMap<Connection, Discovery>();

/**
 * The shared Discovery cache of a connection.
 *
 * @example discoveryFor(conn).invalidate(); // after installing a CRD
 */
export function discoveryFor(conn: Connection): Discovery {
  let d = discoveries.get(conn);
  if (!d) discoveries.set(conn, (d = new Discovery(conn)));
  return d;
}

function matches(r: DiscoveredResource, q: ResourceQuery): boolean {
  if (q.kind !== undefined && r.kind.toLowerCase() !== q.kind.toLowerCase()) return false;
  if (q.resource !== undefined) {
    const name = q.resource.toLowerCase();
    if (r.plural !== name && r.singular !== name && !r.shortNames.includes(name)) return false;
  }
  return true;
}

async function find(discovery: Discovery, q: ResourceQuery): Promise<DiscoveredResource | undefined> {
  const groups = (await discovery.groups()).filter((g) => q.group === undefined || g.name === q.group);
  // Preferred versions first (fetched together), in the server's group priority order, as kubectl does.
  const tryVersions = async (pick: (versions: string[]) => string[]) => {
    const lists = await Promise.all(
      groups.map(async (g) => {
        const versions = pick(g.versions);
        const found = await Promise.all(versions.map((v) => discovery.resourcesOf(g.name, v)));
        return found.flat().find((r) => matches(r, q));
      }),
    );
    return lists.find((r) => r !== undefined);
  };
  if (q.version !== undefined) return tryVersions((vs) => vs.filter((v) => v === q.version));
  return (await tryVersions((vs) => vs.slice(0, 1))) ?? (await tryVersions((vs) => vs.slice(1)));
}

/**
 * Finds a resource on the cluster by kind or name and returns it as a ResourceType for
 * `api()`. Discovery is cached per connection; on a miss the cache is refreshed once (a
 * CRD may have been installed since), then a ValidationError says nothing matched. Pass
 * `options.discovery` to use another cache (e.g. `new Discovery(conn, { aggregated: false })`).
 *
 * @example
 * const GitRepository = await discoverResource(conn, { kind: "GitRepository", group: "source.toolkit.fluxcd.io" });
 * const repos = api(conn, GitRepository, { namespace: "flux-system" });
 */
export async function discoverResource(
  conn: Connection,
  query: ResourceQuery,
  options: { discovery?: Discovery } = {},
): Promise<ResourceType<DynamicObject, boolean, string>> {
  if (query.kind === undefined && query.resource === undefined) {
    throw new ValidationError("discoverResource: give a kind or a resource name");
  }
  const discovery = options.discovery ?? discoveryFor(conn);
  let found = await find(discovery, query);
  if (!found) {
    discovery.invalidate();
    found = await find(discovery, query);
  }
  if (!found) {
    const what = [
      query.kind && `kind ${query.kind}`,
      query.resource && `resource ${query.resource}`,
      query.group !== undefined && `group "${query.group}"`,
      query.version && `version ${query.version}`,
    ].filter(Boolean);
    throw new ValidationError(`discoverResource: the cluster serves no ${what.join(", ")}`, siteOf(conn));
  }
  return {
    group: found.group,
    version: found.version,
    kind: found.kind,
    listKind: `${found.kind}List`,
    plural: found.plural,
    namespaced: found.namespaced,
    verbs: found.verbs,
    subresources: found.subresources,
  };
}
