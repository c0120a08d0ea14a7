/**
 * bun-k8s-gen: typed kinds for your own CRDs, generated into your project.
 *
 *   bun-k8s-gen --out src/k8s crds/ release.yaml     CRD files or folders (other objects in them are skipped)
 *   bun-k8s-gen --out src/k8s --from-cluster [--context NAME] [--kubeconfig FILE]
 *
 * Options: --group G (repeatable; default: every CRD group that bun-k8s does not ship),
 * --extension .js|.ts (of relative imports; default .js, as NodeNext projects need).
 * The output imports the SDK from the installed `bun-k8s` package; its `resources.ts` table
 * goes to `applyManifests(..., { resources: [resources] })`.
 */
import { readdir, readFile, stat } from "node:fs/promises";
import { extname, join, relative, resolve } from "node:path";
import { resources as kubernetesTable } from "../generated/k8s/resources.ts";
import { resources as fluxTable } from "../generated/flux/resources.ts";
import { clusterFetcher } from "./cluster-fetcher.ts";
import { loadFromCluster } from "./cluster-loader.ts";
import { loadCrdYaml } from "./crd-loader.ts";
import { generateFiles, type GeneratedFile } from "./generate.ts";
import { gvkKey, type ApiModel } from "./model.ts";
import { writeUserOutput } from "./user-output.ts";

export interface GenOptions {
  out: string;
  inputs: string[];
  fromCluster: boolean;
  context?: string;
  kubeconfig?: string;
  groups: string[];
  extension: ".js" | ".ts";
}

const USAGE = "usage: bun-k8s-gen --out DIR (CRD-FILE-OR-FOLDER... | --from-cluster [--context NAME] [--kubeconfig FILE]) [--group G]... [--extension .js|.ts]";

/** Parses the command line; throws with the usage on anything unknown. */
export function parseGenArgs(argv: readonly string[]): GenOptions {
  const options: GenOptions = { out: "", inputs: [], fromCluster: false, groups: [], extension: ".js" };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    const [flag, inline] = arg.startsWith("--") && arg.includes("=") ? [arg.slice(0, arg.indexOf("=")), arg.slice(arg.indexOf("=") + 1)] : [arg, undefined];
    const value = (): string => {
      const v = inline ?? argv[++i];
      if (v === undefined || v === "") throw new Error(`${flag} needs a value\n${USAGE}`);
      return v;
    };
    if (flag === "--out") options.out = value();
    else if (flag === "--from-cluster") options.fromCluster = true;
    else if (flag === "--context") options.context = value();
    else if (flag === "--kubeconfig") options.kubeconfig = value();
    else if (flag === "--group") options.groups.push(value());
    else if (flag === "--extension") {
      const ext = value();
      if (ext !== ".js" && ext !== ".ts") throw new Error(`--extension must be .js or .ts, not ${ext}`);
      options.extension = ext;
    } else if (flag === "--help" || flag === "-h") throw new Error(USAGE);
    else if (flag.startsWith("-")) throw new Error(`unknown option ${flag}\n${USAGE}`);
    else options.inputs.push(arg);
  }
  if (!options.out) throw new Error(`--out is required\n${USAGE}`);
  if (options.fromCluster === (options.inputs.length > 0)) throw new Error(`give CRD files or folders, or --from-cluster (one of the two)\n${USAGE}`);
  return options;
}

/** Every YAML or JSON file under the inputs, folders walked recursively, in a stable order. */
async function crdFiles(inputs: readonly string[]): Promise<{ name: string; text: string }[]> {
  const out: { name: string; text: string }[] = [];
  const visit = async (path: string): Promise<void> => {
    if ((await stat(path)).isDirectory()) {
      for (const entry of (await readdir(path)).sort()) await visit(join(path, entry));
    } else if ([".yaml", ".yml", ".json"].includes(extname(path))) {
      const shown = relative(process.cwd(), path);
      out.push({ name: shown && !shown.startsWith("..") ? shown : path, text: await readFile(path, "utf8") });
    }
  };
  for (const input of inputs) await visit(resolve(input));
  return out;
}

/** "group/version/Kind" of every kind the package already ships (Kubernetes and Flux). */
function shippedKinds(): Set<string> {
  return new Set([...Object.keys(kubernetesTable), ...Object.keys(fluxTable)]);
}

export interface GenResult {
  files: GeneratedFile[];
  kinds: string[];
  skipped: string[];
  bytes: number;
}

/**
 * Generates the kinds of the selected CRD groups and writes them into `options.out`, replacing
 * what an earlier run wrote there (files that carry the generated header) and nothing else.
 *
 * @example await generateUserKinds({ out: "src/k8s", inputs: ["crds/"], fromCluster: false, groups: [], extension: ".js" });
 */
export async function generateUserKinds(options: GenOptions): Promise<GenResult> {
  let model: ApiModel;
  let source: string;
  if (options.fromCluster) {
    const { fetchJson, describe, close } = await clusterFetcher({
      ...(options.context !== undefined && { context: options.context }),
      ...(options.kubeconfig !== undefined && { kubeconfigPath: resolve(options.kubeconfig) }),
    });
    try {
      model = await loadFromCluster(fetchJson);
    } finally {
      close();
    }
    source = `from the live cluster's /openapi/v3 (${describe})`;
  } else {
    const files = await crdFiles(options.inputs);
    if (files.length === 0) throw new Error(`no .yaml, .yml or .json files in ${options.inputs.join(", ")}`);
    model = loadCrdYaml(files);
    const names = files.map((f) => f.name);
    source = `from CRDs in ${names.slice(0, 3).join(", ")}${names.length > 3 ? ` and ${names.length - 3} more files` : ""}`;
  }
  const shipped = shippedKinds();
  const custom = model.kinds.filter((k) => k.custom === true);
  const wanted = new Set(options.groups);
  const selected = (group: string) => (wanted.size > 0 ? wanted.has(group) : custom.some((k) => k.group === group && !shipped.has(gvkKey(k))));
  for (const g of wanted) if (!custom.some((k) => k.group === g)) throw new Error(`no CRD of group ${g} in the input`);
  const kinds = custom.filter((k) => selected(k.group));
  if (kinds.length === 0) throw new Error(`no CustomResourceDefinition to generate in the input${custom.length > 0 ? " (bun-k8s already ships every one; name them with --group)" : ""}`);
  const files = generateFiles(model, { package: { name: "bun-k8s", extension: options.extension, groups: selected }, sources: { crds: source } });
  const { bytes } = await writeUserOutput(resolve(options.out), files);
  return {
    files,
    kinds: kinds.map(gvkKey),
    skipped: custom.filter((k) => !selected(k.group)).map(gvkKey),
    bytes,
  };
}

/**
 * The command: parses `argv`, generates, prints a summary. Rejects with a message for the user.
 *
 * @example await runGen(["--out", "src/k8s", "crds/"]);
 */
export async function runGen(argv: readonly string[], print: (line: string) => void = console.log): Promise<void> {
  const options = parseGenArgs(argv);
  const result = await generateUserKinds(options);
  print(`bun-k8s-gen: ${result.kinds.length} kinds, ${result.files.length} files (${(result.bytes / 1024).toFixed(0)} KiB) in ${options.out}`);
  for (const k of result.kinds) print(`  ${k}`);
  if (result.skipped.length > 0) print(`skipped, shipped by bun-k8s (name the group with --group to generate it): ${result.skipped.join(", ")}`);
}
