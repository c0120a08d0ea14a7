/**
 * Emits `<set>/resources.ts`: the whole resource table of one family (k8s, flux, crds) as
 * data, plus a type map keyed like "apps/v1/Deployment" → object type, for dynamic use
 * (sweeps, discovery by kind) where the kind is only known at run time.
 */
import type { Layout, OutputSet } from "./layout.ts";
import { compareStrings, gvkKey, type KindModel } from "./model.ts";
import { generatedHeader } from "./module-emitter.ts";
import type { ImportPaths } from "./import-paths.ts";

/**
 * Renders `<set>/resources.ts`.
 *
 * @example
 * const text = emitResourceTable("k8s", kinds, layout, "Kubernetes v1.37.2", repoImports("../src/base/resource.ts"));
 */
export function emitResourceTable(
  set: OutputSet,
  kinds: readonly KindModel[],
  layout: Layout,
  sourceLine: string,
  imports: ImportPaths,
): string {
  const file = `${set}/resources.ts`;
  const namespaceOf = new Map<string, string>(); // module → import alias
  const rows: { key: string; kind: KindModel; typeRef: string }[] = [];
  for (const kind of kinds) {
    const placement = layout.placements.get(kind.schema);
    if (!placement) continue;
    const info = layout.modules.get(placement.module);
    if (!info || info.set !== set) continue;
    let alias = namespaceOf.get(placement.module);
    if (!alias) {
      alias = info.dir.replace(/[^A-Za-z0-9]+/g, "_");
      namespaceOf.set(placement.module, alias);
    }
    rows.push({ key: gvkKey(kind), kind, typeRef: `${alias}.${placement.name}` });
  }
  rows.sort((a, b) => compareStrings(a.key, b.key));

  const importLines = [...namespaceOf.entries()]
    .sort(([a], [b]) => compareStrings(a, b))
    .map(([module, alias]) => `import * as ${alias} from "${imports.module(file, module)}";`);
  const typeMap = rows.map((r) => `  ${JSON.stringify(r.key)}: ${r.typeRef};`);
  // Entries are the modules' own values: each keeps its exact ResourceType (scope, verbs,
  // subresources), and the table holds references instead of a second copy of the data.
  const table = rows.map((r) => `  ${JSON.stringify(r.key)}: ${r.typeRef},`);
  return [
    generatedHeader(sourceLine),
    ...importLines,
    "",
    `/** Object type of every kind in this table, keyed by "<apiVersion>/<kind>". */`,
    "export interface ResourceTypeMap {",
    ...typeMap,
    "}",
    "",
    "/** A key of the table, e.g. \"apps/v1/Deployment\". */",
    "export type ResourceKey = keyof ResourceTypeMap;",
    "",
    "/**",
    " * Every kind of this family, keyed like ResourceTypeMap. Each entry is the kind module's own",
    " * ResourceType value, so `kube.api(resources[\"apps/v1/Deployment\"], { namespace })` is as exact",
    " * as `kube.api(Deployment, { namespace })`. Importing the table loads every module of the family.",
    " */",
    "export const resources = {",
    ...table,
    "} as const;",
    "",
  ].join("\n");
}
