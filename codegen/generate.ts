/**
 * The pipeline: loaded model → normalised schemas → layout → files. Pure apart from
 * `writeOutput` (writes the output folder). Loading the pinned specs is in spec-inputs.ts.
 */
import { mkdir, rm, writeFile } from "node:fs/promises";
import { dirname, join, relative } from "node:path";
import { layoutModel, type OutputSet } from "./layout.ts";
import { type ApiModel, compareStrings } from "./model.ts";
import { emitModule } from "./module-emitter.ts";
import { normalizeModel } from "./schema-normalize.ts";
import { emitResourceTable } from "./table-emitter.ts";
import { type ImportPaths, packageImports, repoImports } from "./import-paths.ts";
import { createTypeEmitter } from "./type-emitter.ts";

export interface GeneratedFile {
  /** Relative to the output folder, e.g. "k8s/apps/v1/index.ts". */
  readonly path: string;
  readonly text: string;
}

export interface GenerateOptions {
  /**
   * This repository's generated/: the path of src/base/resource.ts relative to the output folder,
   * e.g. "../src/base/resource.ts". Every family is written.
   */
  readonly resourceModulePath?: string;
  /**
   * A user's project (bun-k8s-gen): only CRD kinds of the selected groups are written, at the top
   * of the output folder, importing the SDK and the built-in kinds they use from the package.
   */
  readonly package?: PackageTarget;
  /** Header line per family, naming the inputs (no timestamps: output must be reproducible). */
  readonly sources: Readonly<Partial<Record<OutputSet, string>>>;
}

export interface PackageTarget {
  /** The package to import from, "bun-k8s". */
  readonly name: string;
  /** Extension of relative imports: ".js" for NodeNext projects, ".ts" for Bun or allowImportingTsExtensions. */
  readonly extension: ".js" | ".ts";
  /** Which CRD groups to write (default: all). */
  readonly groups?: (group: string) => boolean;
}

/**
 * Generates every file for a model. Same model in, byte-identical files out.
 *
 * @example
 * const files = generateFiles(model, { resourceModulePath: "../src/base/resource.ts", sources: { k8s: "Kubernetes v1.37.2" } });
 */
export function generateFiles(rawModel: ApiModel, options: GenerateOptions): GeneratedFile[] {
  const model = normalizeModel(rawModel);
  const target = options.package;
  const customGroups = new Set(target ? model.kinds.filter((k) => k.custom === true && (target.groups?.(k.group) ?? true)).map((k) => k.group) : []);
  const layout = layoutModel(model, target ? { customGroups, externalRefs: true } : {});
  const written = (module: string) => !target || module.startsWith("crds/");
  let imports: ImportPaths;
  if (target) imports = packageImports(target.name, target.extension, written);
  else if (options.resourceModulePath) imports = repoImports(options.resourceModulePath);
  else throw new Error("generateFiles: give resourceModulePath (this repository) or package (a user's project)");
  const emitType = createTypeEmitter(model.schemas);
  const files: GeneratedFile[] = [];
  const sets = new Set<OutputSet>();
  for (const [path, info] of layout.modules) {
    if (!written(path)) continue;
    sets.add(info.set);
    const sourceLine = options.sources[info.set] ?? "generated from OpenAPI";
    files.push({ path, text: emitModule(path, info, { model, layout, imports, sourceLine, emitType }) });
  }
  for (const set of [...sets].sort(compareStrings)) {
    const sourceLine = options.sources[set] ?? "generated from OpenAPI";
    files.push({ path: `${set}/resources.ts`, text: emitResourceTable(set, model.kinds, layout, sourceLine, imports) });
  }
  // A user's project holds one family: its files sit at the top of the output folder.
  const placed = target ? files.map((f) => ({ path: f.path.replace(/^crds\//, ""), text: f.text })) : files;
  return placed.sort((a, b) => compareStrings(a.path, b.path));
}

/** Import path of src/base/resource.ts as seen from an output folder. */
export function resourceModulePathFor(outDir: string, repoRoot: string): string {
  return relative(outDir, join(repoRoot, "src", "base", "resource.ts")).split("\\").join("/");
}

/**
 * Replaces the generated families (k8s/, flux/, crds/) in `outDir` with `files`; other entries are left alone.
 *
 * @example
 * await writeOutput("generated", files);
 */
export async function writeOutput(outDir: string, files: readonly GeneratedFile[]): Promise<{ bytes: number }> {
  // The output folder always holds exactly one run: no stale family from an earlier one.
  for (const family of ["k8s", "flux", "crds"]) await rm(join(outDir, family), { recursive: true, force: true });
  let bytes = 0;
  const dirs = new Set(files.map((f) => dirname(join(outDir, f.path))));
  for (const d of dirs) await mkdir(d, { recursive: true });
  for (const f of files) {
    await writeFile(join(outDir, f.path), f.text);
    bytes += Buffer.byteLength(f.text);
  }
  return { bytes };
}
