/**
 * This repository's inputs: the materialised spec cache (specs/) read into one model. Used by
 * `npm run generate` and the tests, never by bun-k8s-gen, so the package carries no specs/ code.
 */
import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import type { MaterialisedInputs } from "../specs/materialise.ts";
import { loadCrdYaml } from "./crd-loader.ts";
import { applyEnums, parseEnumTable } from "./enum-overlay.ts";
import { type ApiModel, compareStrings, mergeModels } from "./model.ts";
import { loadOpenApiDocuments } from "./openapi-loader.ts";

/**
 * Reads the materialised spec cache into one model: Kubernetes documents (with the enums of the
 * pinned Go definitions laid on) first, then Flux CRDs.
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
  const table = parseEnumTable(await readFile(inputs.kubernetesEnums, "utf8"), inputs.kubernetesEnums);
  const models = [applyEnums(loadOpenApiDocuments(docs), table, `k8s.io/kubernetes@${inputs.kubernetesVersion} pkg/generated/openapi`)];
  if (options.flux !== false) {
    const crdFiles = [];
    for (const flux of inputs.fluxDirs) {
      for (const name of flux.files) crdFiles.push({ name, text: await readFile(join(flux.dir, name), "utf8") });
    }
    models.push(loadCrdYaml(crdFiles));
  }
  return mergeModels(models);
}
