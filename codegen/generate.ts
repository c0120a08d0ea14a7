/**
 * The pipeline: loaded model → normalised schemas → layout → files. Pure apart from
 * `loadSpecInputs` (reads the spec cache) and `writeOutput` (writes the output folder).
 */
import { mkdir, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { dirname, join, relative } from "node:path";
import type { MaterialisedInputs } from "../specs/materialise.ts";
import { loadCrdYaml } from "./crd-loader.ts";
import { layoutModel, type OutputSet } from "./layout.ts";
import { type ApiModel, compareStrings, mergeModels } from "./model.ts";
import { emitModule } from "./module-emitter.ts";
import { loadOpenApiDocuments } from "./openapi-loader.ts";
import { normalizeModel } from "./schema-normalize.ts";
import { emitResourceTable } from "./table-emitter.ts";
import { createTypeEmitter } from "./type-emitter.ts";

export interface GeneratedFile {
  /** Relative to the output folder, e.g. "k8s/apps/v1/index.ts". */
  readonly path: string;
  readonly text: string;
}

export interface GenerateOptions {
  /** Path of src/base/resource.ts relative to the output folder, e.g. "../src/base/resource.ts". */
  readonly resourceModulePath: string;
  /** Header line per family, naming the inputs (no timestamps: output must be reproducible). */
  readonly sources: Readonly<Partial<Record<OutputSet, string>>>;
}

/**
 * Generates every file for a model. Same model in, byte-identical files out.
 *
 * @example
 * const files = generateFiles(model, { resourceModulePath: "../src/base/resource.ts", sources: { k8s: "Kubernetes v1.37.2" } });
 */
export function generateFiles(rawModel: ApiModel, options: GenerateOptions): GeneratedFile[] {
  const model = normalizeModel(rawModel);
  const layout = layoutModel(model);
  const emitType = createTypeEmitter(model.schemas);
  const files: GeneratedFile[] = [];
  const sets = new Set<OutputSet>();
  for (const [path, info] of layout.modules) {
    sets.add(info.set);
    const sourceLine = options.sources[info.set] ?? "generated from OpenAPI";
    files.push({ path, text: emitModule(path, info, { model, layout, resourceModulePath: options.resourceModulePath, sourceLine, emitType }) });
  }
  for (const set of [...sets].sort(compareStrings)) {
    const sourceLine = options.sources[set] ?? "generated from OpenAPI";
    files.push({ path: `${set}/resources.ts`, text: emitResourceTable(set, model.kinds, layout, sourceLine) });
  }
  return files.sort((a, b) => compareStrings(a.path, b.path));
}

/**
 * Reads the materialised spec cache into one model: Kubernetes documents first, then Flux CRDs.
 *
 * @example
 * const model = await loadSpecInputs(await materialise(await readManifest()));
 */
export async function loadSpecInputs(inputs: MaterialisedInputs, options: { flux?: boolean } = {}): Promise<ApiModel> {
  const names = (await readdir(inputs.kubernetesDir)).filter((n) => n.endsWith("_openapi.json")).sort(compareStrings);
  const docs = [];
  for (const name of names) {
    docs.push({ name, document: JSON.parse(await readFile(join(inputs.kubernetesDir, name), "utf8")) as unknown });
  }
  const models = [loadOpenApiDocuments(docs)];
  if (options.flux !== false) {
    const crdFiles = [];
    for (const flux of inputs.fluxDirs) {
      for (const name of flux.files) crdFiles.push({ name, text: await readFile(join(flux.dir, name), "utf8") });
    }
    models.push(loadCrdYaml(crdFiles));
  }
  return mergeModels(models);
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
