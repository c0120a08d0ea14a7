/**
 * API discovery: which groups, versions and resources a cluster serves. Uses aggregated
 * discovery (two requests for the whole cluster, Kubernetes 1.26+) and falls back to the
 * legacy per-group-version documents. Results are cached per Discovery instance.
 */
import type { Connection } from "../connection/types.ts";
import type { KubeRequest } from "../request/types.ts";
import type { Verb } from "../base/resource.ts";
import { readJson } from "./decode.ts";

/** One resource as the cluster describes it. */
export interface DiscoveredResource {
  group: string;
  version: string;
  kind: string;
  plural: string;
  singular: string;
  shortNames: string[];
  namespaced: boolean;
  verbs: Verb[];
  subresources: string[];
}

/** One group with its versions, the preferred one first. */
export interface DiscoveredGroup {
  name: string;
  versions: string[];
}

const AGGREGATED_ACCEPT =
  "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json";
const VERBS: ReadonlySet<string> = new Set(["get", "list", "watch", "create", "update", "patch", "delete", "deletecollection"]);

interface AggregatedList {
  kind?: string;
  items?: {
    metadata?: { name?: string };
    versions?: {
      version: string;
      resources?: {
        resource: string;
        responseKind?: { kind?: string };
        scope?: string;
        singularResource?: string;
        shortNames?: string[];
        verbs?: string[];
        subresources?: { subresource: string }[];
      }[];
    }[];
  }[];
}

interface LegacyResourceList {
  groupVersion?: string;
  resources?: { name: string; singularName?: string; namespaced?: boolean; kind: string; verbs?: string[]; shortNames?: string[] }[];
}

const verbsOf = (verbs: string[] | undefined): Verb[] => (verbs ?? []).filter((v): v is Verb => VERBS.has(v));

/**
 * A cached view of what one cluster serves.
 *
 * @example
 * const discovery = new Discovery(conn);
 * const all = await discovery.resources();
 * console.log(all.filter((r) => r.group === "apps").map((r) => r.kind));
 */
export class Discovery {
  #groups: Promise<DiscoveredGroup[]> | undefined;
  #byGroupVersion = new Map<string, Promise<DiscoveredResource[]>>();

  private readonly conn: Connection;
  private readonly options: { aggregated?: boolean };

  /**
   * @param options.aggregated ask for aggregated discovery (default true); false reads the
   *   legacy per-group-version documents, as servers before 1.26 require.
   */
  constructor(conn: Connection, options: { aggregated?: boolean } = {}) {
    this.conn = conn;
    this.options = options;
  }

  /** Forgets everything (e.g. after installing a CRD). */
  invalidate(): void {
    this.#groups = undefined;
    this.#byGroupVersion.clear();
  }

  /** Every group, core ("") first, in the server's priority order. */
  groups(): Promise<DiscoveredGroup[]> {
    this.#groups ??= this.#loadGroups().catch((e: unknown) => {
      this.#groups = undefined;
      throw e;
    });
    return this.#groups;
  }

  /** The resources of one group/version (subresources folded into their parent). */
  resourcesOf(group: string, version: string): Promise<DiscoveredResource[]> {
    const key = `${group}/${version}`;
    let entry = this.#byGroupVersion.get(key);
    if (!entry) {
      entry = this.#loadLegacy(group, version).catch((e: unknown) => {
        this.#byGroupVersion.delete(key);
        throw e;
      });
      this.#byGroupVersion.set(key, entry);
    }
    return entry;
  }

  /** Every resource of every version of every group. */
  async resources(): Promise<DiscoveredResource[]> {
    const groups = await this.groups();
    const lists = await Promise.all(groups.flatMap((g) => g.versions.map((v) => this.resourcesOf(g.name, v))));
    return lists.flat();
  }

  async #get<T>(path: string, accept?: string): Promise<T> {
    const request: KubeRequest = { method: "GET", path, ...(accept && { headers: { Accept: accept } }) };
    return readJson<T>(await this.conn.send(request), this.conn, request);
  }

  async #loadGroups(): Promise<DiscoveredGroup[]> {
    const accept = this.options.aggregated === false ? undefined : AGGREGATED_ACCEPT;
    const [core, named] = await Promise.all([
      this.#get<AggregatedList & { versions?: string[] }>("/api", accept),
      this.#get<AggregatedList & { groups?: { name: string; versions: { version: string }[]; preferredVersion?: { version: string } }[] }>(
        "/apis",
        accept,
      ),
    ]);
    if (core.kind === "APIGroupDiscoveryList" && named.kind === "APIGroupDiscoveryList") {
      // Aggregated discovery answered with every resource: fill the per-version cache now.
      return [...this.#absorbAggregated(core, true), ...this.#absorbAggregated(named, false)];
    }
    const groups: DiscoveredGroup[] = [{ name: "", versions: core.versions ?? ["v1"] }];
    for (const g of named.groups ?? []) {
      const preferred = g.preferredVersion?.version;
      const others = g.versions.map((v) => v.version).filter((v) => v !== preferred);
      groups.push({ name: g.name, versions: preferred ? [preferred, ...others] : others });
    }
    return groups;
  }

  #absorbAggregated(list: AggregatedList, core: boolean): DiscoveredGroup[] {
    const groups: DiscoveredGroup[] = [];
    for (const item of list.items ?? []) {
      const group = core ? "" : (item.metadata?.name ?? "");
      const versions: string[] = [];
      for (const v of item.versions ?? []) {
        versions.push(v.version);
        const resources = (v.resources ?? []).map(
          (r): DiscoveredResource => ({
            group,
            version: v.version,
            kind: r.responseKind?.kind ?? "",
            plural: r.resource,
            singular: r.singularResource ?? "",
            shortNames: r.shortNames ?? [],
            namespaced: r.scope === "Namespaced",
            verbs: verbsOf(r.verbs),
            subresources: (r.subresources ?? []).map((s) => s.subresource).sort(),
          }),
        );
        this.#byGroupVersion.set(`${group}/${v.version}`, Promise.resolve(resources));
      }
      groups.push({ name: group, versions });
    }
    return groups;
  }

  async #loadLegacy(group: string, version: string): Promise<DiscoveredResource[]> {
    const list = await this.#get<LegacyResourceList>(group === "" ? `/api/${version}` : `/apis/${group}/${version}`);
    const subresources = new Map<string, string[]>();
    const parents: DiscoveredResource[] = [];
    for (const r of list.resources ?? []) {
      const slash = r.name.indexOf("/");
      if (slash >= 0) {
        const parent = r.name.slice(0, slash);
        subresources.set(parent, [...(subresources.get(parent) ?? []), r.name.slice(slash + 1)]);
        continue;
      }
      parents.push({
        group,
        version,
        kind: r.kind,
        plural: r.name,
        singular: r.singularName || r.kind.toLowerCase(),
        shortNames: r.shortNames ?? [],
        namespaced: r.namespaced === true,
        verbs: verbsOf(r.verbs),
        subresources: [],
      });
    }
    for (const p of parents) p.subresources = (subresources.get(p.plural) ?? []).sort();
    return parents;
  }
}
