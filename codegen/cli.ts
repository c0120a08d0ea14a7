/**
 * `npm run generate [-- --out DIR] [--kubernetes 1.34.4] [--no-flux]`
 * `npm run generate -- --from-cluster [--context NAME] [--kubeconfig FILE] [--out DIR]`
 *
 * From specs: materialises the pinned inputs (verifying checksums) and writes the SDK.
 * From a cluster: reads /openapi/v3 through our own connection (kubeconfig context) instead.
 * Prints generation time, file count and output size.
 */
import { resolve } from "node:path";
import { materialise, readManifest, repoRoot } from "../specs/materialise.ts";
import { loadFromCluster } from "./cluster-loader.ts";
import { generateFiles, resourceModulePathFor, writeOutput } from "./generate.ts";
import { loadSpecInputs } from "./spec-inputs.ts";
import type { OutputSet } from "./layout.ts";
import type { ApiModel } from "./model.ts";
import { clusterFetcher } from "./cluster-fetcher.ts";

interface CliOptions {
  out: string;
  kubernetes?: string;
  flux: boolean;
  fromCluster: boolean;
  context?: string;
  kubeconfig?: string;
}

function parseArgs(argv: readonly string[]): CliOptions {
  const out: CliOptions = { out: resolve(repoRoot, "generated"), flux: true, fromCluster: false };
  const value = (i: number, flag: string): string => {
    const v = argv[i];
    if (v === undefined || v.startsWith("--")) throw new Error(`${flag} needs a value`);
    return v;
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    const [flag, inline] = arg.includes("=") ? [arg.slice(0, arg.indexOf("=")), arg.slice(arg.indexOf("=") + 1)] : [arg, undefined];
    const take = (): string => inline ?? value(++i, flag);
    if (flag === "--out") out.out = resolve(take());
    else if (flag === "--kubernetes") out.kubernetes = take();
    else if (flag === "--no-flux") out.flux = false;
    else if (flag === "--from-cluster") out.fromCluster = true;
    else if (flag === "--context") out.context = take();
    else if (flag === "--kubeconfig") out.kubeconfig = resolve(take());
    else throw new Error(`unknown argument "${arg}" (expected --out, --kubernetes, --no-flux, --from-cluster, --context, --kubeconfig)`);
  }
  return out;
}

async function main(): Promise<void> {
  const options = parseArgs(process.argv.slice(2));
  const started = performance.now();
  let model: ApiModel;
  let sources: Partial<Record<OutputSet, string>>;
  if (options.fromCluster) {
    const { fetchJson, describe, close } = await clusterFetcher({
      ...(options.context === undefined ? {} : { context: options.context }),
      ...(options.kubeconfig === undefined ? {} : { kubeconfigPath: options.kubeconfig }),
    });
    try {
      model = await loadFromCluster(fetchJson);
    } finally {
      close();
    }
    const line = `from the live cluster's /openapi/v3 (${describe})`;
    sources = { k8s: line, flux: line, crds: line };
  } else {
    const manifest = await readManifest();
    const inputs = await materialise(manifest, {
      ...(options.kubernetes ? { kubernetesVersion: options.kubernetes } : {}),
      log: (l) => console.log(l),
    });
    model = await loadSpecInputs(inputs, { flux: options.flux });
    const flux = manifest.flux.map((f) => `${f.controller} ${f.version}`).join(", ");
    sources = {
      k8s: `from Kubernetes ${inputs.kubernetesVersion} OpenAPI v3 (k8s.io/kubernetes api/openapi-spec/v3), pinned in specs/manifest.json`,
      flux: `from Flux CRDs (${flux}), pinned in specs/manifest.json`,
    };
  }
  const loaded = performance.now();
  const files = generateFiles(model, { resourceModulePath: resourceModulePathFor(options.out, repoRoot), sources });
  const { bytes } = await writeOutput(options.out, files);
  const done = performance.now();
  const kinds = model.kinds.length;
  const verbs = model.kinds.reduce((n, k) => n + k.verbs.length, 0);
  console.log(
    `generated ${files.length} files, ${(bytes / 1024).toFixed(0)} KiB (${bytes} bytes), ${kinds} kinds, ${verbs} kind-verbs ` +
      `into ${options.out} in ${Math.round(done - started)} ms (load ${Math.round(loaded - started)} ms, emit ${Math.round(done - loaded)} ms)`,
  );
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
