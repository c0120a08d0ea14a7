/**
 * Decides where every schema lands: which generated module (one per group/version) and under
 * which TypeScript name. Shared apimachinery schemas (ObjectMeta, Quantity, ...) land once in
 * k8s/meta/v1 instead of being repeated per group, which keeps the output small.
 */
import { schemaGvks } from "./openapi-loader.ts";
import { type ApiModel, compareStrings, type Gvk, schemaRefPrefix } from "./model.ts";

/** The three families of output: built-in kinds, Flux kinds, and any other CRD a cluster serves. */
export type OutputSet = "k8s" | "flux" | "crds";

export interface ModuleInfo {
  readonly set: OutputSet;
  /** Folder under the set, e.g. "apps/v1", "core/v1", "source/v1". */
  readonly dir: string;
  readonly group: string;
  readonly version: string;
}

export interface Placement {
  /** Module path relative to the output folder, e.g. "k8s/apps/v1/index.ts". */
  readonly module: string;
  /** TypeScript identifier inside that module. */
  readonly name: string;
}

export interface Layout {
  /** Module path → what it holds. Sorted by path. */
  readonly modules: ReadonlyMap<string, ModuleInfo>;
  /** Schema name → placement. */
  readonly placements: ReadonlyMap<string, Placement>;
  /**
   * Schemas referred to but not in the model (ObjectMeta, from CRD files alone), placed where
   * the SDK ships them: imported from the package, never written.
   */
  readonly external: ReadonlyMap<string, Placement>;
}

export interface LayoutOptions {
  /** Groups whose kinds go to the "crds" family whatever their name (a user's CRDs in a *.k8s.io group). */
  customGroups?: ReadonlySet<string>;
  /** Place refs to schemas missing from the model (see Layout.external). */
  externalRefs?: boolean;
}

const metaGv = { group: "meta.k8s.io", version: "v1" };

/** Which family a group belongs to. */
export function setOfGroup(group: string): OutputSet {
  return familyOf(group);
}

function familyOf(group: string): OutputSet {
  if (group.endsWith(".toolkit.fluxcd.io")) return "flux";
  if (group === "" || !group.includes(".") || group.endsWith(".k8s.io")) return "k8s";
  return "crds";
}

/** Short folder name of a group within its family: "" → core, "networking.k8s.io" → networking. */
export function shortGroupDir(group: string): string {
  if (group === "") return "core";
  return setOfGroup(group) === "crds" ? group : (group.split(".")[0] as string);
}

function packageOf(schemaName: string): string {
  const i = schemaName.lastIndexOf(".");
  return i < 0 ? "" : schemaName.slice(0, i);
}

function identifierOf(schemaName: string): string {
  const last = schemaName.slice(schemaName.lastIndexOf(".") + 1);
  const cleaned = last.replace(/[^A-Za-z0-9_$]/g, "_");
  return /^[0-9]/.test(cleaned) ? `_${cleaned}` : cleaned;
}

function pascal(text: string): string {
  return text
    .split(/[^A-Za-z0-9]+/)
    .filter((p) => p !== "")
    .map((p) => (p[0] as string).toUpperCase() + p.slice(1))
    .join("");
}

/**
 * Maps each Go package / CRD schema prefix to the group/version it belongs to, from the
 * kinds' schemas first, then any schema that declares exactly one GVK.
 */
function packageGroupVersions(model: ApiModel): Map<string, { group: string; version: string }> {
  const out = new Map<string, { group: string; version: string }>();
  for (const k of model.kinds) {
    const pkg = packageOf(k.schema);
    if (!out.has(pkg)) out.set(pkg, { group: k.group, version: k.version });
  }
  for (const [name, schema] of model.schemas) {
    const pkg = packageOf(name);
    const gvks: Gvk[] = schemaGvks(schema);
    if (gvks.length === 1 && !out.has(pkg)) out.set(pkg, { group: (gvks[0] as Gvk).group, version: (gvks[0] as Gvk).version });
  }
  return out;
}

function groupVersionOf(
  schemaName: string,
  byPackage: Map<string, { group: string; version: string }>,
): { group: string; version: string } {
  const pkg = packageOf(schemaName);
  if (pkg.startsWith("io.k8s.apimachinery.")) return metaGv;
  const known = byPackage.get(pkg);
  if (known) return known;
  // io.k8s.api.<group>.<version> with no kind of its own: guess from the package name.
  const m = /^io\.k8s\.api\.([a-z0-9]+)\.(v[0-9a-z]+)$/.exec(pkg);
  if (m) return { group: m[1] === "core" ? "" : (m[1] as string), version: m[2] as string };
  return metaGv;
}

/** Every schema name a `$ref` in the model points at. */
function referencedSchemas(model: ApiModel): Set<string> {
  const refs = new Set<string>();
  const visit = (value: unknown): void => {
    if (Array.isArray(value)) value.forEach(visit);
    else if (value && typeof value === "object") {
      for (const [k, v] of Object.entries(value)) {
        if (k === "$ref" && typeof v === "string" && v.startsWith(schemaRefPrefix)) refs.add(v.slice(schemaRefPrefix.length));
        else visit(v);
      }
    }
  };
  for (const schema of model.schemas.values()) visit(schema);
  return refs;
}

/**
 * Places every schema of the model.
 *
 * @example
 * const { placements } = layoutModel(model);
 * placements.get("io.k8s.api.apps.v1.Deployment"); // { module: "k8s/apps/v1/index.ts", name: "Deployment" }
 */
export function layoutModel(model: ApiModel, options: LayoutOptions = {}): Layout {
  const custom = options.customGroups ?? new Set<string>();
  const setOfGroup = (group: string): OutputSet => (custom.has(group) ? "crds" : familyOf(group));
  const shortGroupDir = (group: string): string => (group === "" ? "core" : setOfGroup(group) === "crds" ? group : (group.split(".")[0] as string));
  const byPackage = packageGroupVersions(model);
  const gvOfSchema = new Map<string, { group: string; version: string }>();
  for (const name of model.schemas.keys()) gvOfSchema.set(name, groupVersionOf(name, byPackage));

  // Folder names: the short form unless two groups of one family would share it.
  const groups = new Set<string>([...gvOfSchema.values()].map((gv) => gv.group));
  const dirUsers = new Map<string, Set<string>>();
  for (const g of groups) {
    const key = `${setOfGroup(g)}/${shortGroupDir(g)}`;
    dirUsers.set(key, (dirUsers.get(key) ?? new Set()).add(g));
  }
  const groupDir = (g: string): string => {
    const short = shortGroupDir(g);
    return (dirUsers.get(`${setOfGroup(g)}/${short}`)?.size ?? 0) > 1 ? g : short;
  };

  const modules = new Map<string, ModuleInfo>();
  const members = new Map<string, string[]>();
  for (const [schemaName, gv] of gvOfSchema) {
    const set = setOfGroup(gv.group);
    const dir = `${groupDir(gv.group)}/${gv.version}`;
    const module = `${set}/${dir}/index.ts`;
    if (!modules.has(module)) modules.set(module, { set, dir, group: gv.group, version: gv.version });
    members.set(module, [...(members.get(module) ?? []), schemaName]);
  }

  const placements = new Map<string, Placement>();
  for (const [module, names] of members) {
    const taken = new Set<string>();
    // Sorted so that a collision is always resolved the same way.
    for (const schemaName of [...names].sort(compareStrings)) {
      let name = identifierOf(schemaName);
      if (taken.has(name)) name = `${pascal(packageOf(schemaName).split(".").slice(-2).join("-"))}${name}`;
      while (taken.has(name)) name = `${name}_`;
      taken.add(name);
      placements.set(schemaName, { module, name });
    }
  }
  const external = new Map<string, Placement>();
  if (options.externalRefs) {
    for (const ref of referencedSchemas(model)) {
      if (model.schemas.has(ref)) continue;
      const gv = groupVersionOf(ref, byPackage);
      external.set(ref, { module: `${setOfGroup(gv.group)}/${groupDir(gv.group)}/${gv.version}/index.ts`, name: identifierOf(ref) });
    }
  }
  const sortedModules = new Map([...modules.entries()].sort(([a], [b]) => compareStrings(a, b)));
  return { modules: sortedModules, placements, external };
}
