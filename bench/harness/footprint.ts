/**
 * Footprint: what a consumer installs and ships. bun-k8s is built (tsc, the build config, then packaging/bundle-dist.ts),
 * packed with `npm pack` from a staging copy of the root's package.json and README (so a
 * concurrent `npm run build` in the checkout is not disturbed), and installed alone into an
 * empty consumer folder; client-node is installed alone into another. The same folders
 * then host the cold-start programs.
 */
import { spawnSync } from "node:child_process";
import { copyFileSync, existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import type { FootprintEntry } from "./results-types.ts";
import {
  CLIENT_NODE_COLD_START,
  CLIENT_NODE_LIST_PODS,
  FLOOR_COLD_START,
  bunK8sColdStart,
  bunK8sListPods,
  BUN_K8S_LIST_PODS_IN_CLUSTER,
  type BunK8sEntry,
} from "./programs.ts";
import type { Library } from "./plan.ts";
import type { RuntimeBins } from "./children.ts";

export interface Consumers {
  /** Folder per library holding cold-start.mjs (and its node_modules), or why there is none. */
  dirs: Record<Library, { dir: string } | { error: string }>;
  footprint: Record<"bun-k8s" | "client-node", FootprintEntry | { error: string }>;
}

function sh(command: string, args: string[], cwd: string, what: string): string {
  const r = spawnSync(command, args, { cwd, encoding: "utf8", maxBuffer: 64 * 2 ** 20 });
  if (r.status !== 0) {
    const out = `${r.stderr ?? ""}\n${r.stdout ?? ""}`.trim().split("\n").slice(0, 4).join(" | ");
    throw new Error(`${what} failed (${command} ${args.join(" ")}): ${out.slice(0, 500)}`);
  }
  return r.stdout;
}

const NPM_QUIET = ["--no-audit", "--no-fund", "--prefer-offline", "--loglevel=error"];

function freshConsumer(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, "package.json"), JSON.stringify({ name: "bench-consumer", private: true, type: "module" }, null, 2));
}

/** Sizes as `du --apparent-size` would count them, and the packages besides `self`. */
function measureNodeModules(dir: string, self: string): Pick<FootprintEntry, "installedBytes" | "installedFiles" | "runtimeDependencies"> {
  let bytes = 0;
  let files = 0;
  const sizes = (d: string): void => {
    for (const entry of readdirSync(d, { withFileTypes: true })) {
      const path = join(d, entry.name);
      if (entry.isDirectory()) sizes(path);
      else if (entry.isFile()) {
        bytes += lstatSync(path).size;
        files++;
      }
    }
  };
  const root = join(dir, "node_modules");
  sizes(root);
  return { installedBytes: bytes, installedFiles: files, runtimeDependencies: packagesIn(root).filter((p) => p !== self).length };
}

/** Package names under a node_modules folder, nested node_modules included (npm may nest a second version). */
function packagesIn(nodeModules: string): string[] {
  if (!existsSync(nodeModules)) return [];
  const found: string[] = [];
  const visit = (dir: string, name: string) => {
    if (!existsSync(join(dir, "package.json"))) return;
    found.push(name);
    found.push(...packagesIn(join(dir, "node_modules")));
  };
  for (const entry of readdirSync(nodeModules, { withFileTypes: true })) {
    if (!entry.isDirectory() || entry.name.startsWith(".")) continue;
    const path = join(nodeModules, entry.name);
    if (entry.name.startsWith("@")) {
      for (const scoped of readdirSync(path, { withFileTypes: true })) if (scoped.isDirectory()) visit(join(path, scoped.name), `${entry.name}/${scoped.name}`);
    } else visit(path, entry.name);
  }
  return found;
}

function bundleSize(bins: RuntimeBins, dir: string, program: string, name = "list-pods"): Pick<FootprintEntry, "bundleBytes" | "bundleGzipBytes" | "bundleError" | "bundleComposition"> {
  writeFileSync(join(dir, `${name}.mjs`), program);
  try {
    sh(
      bins.bun,
      ["build", `${name}.mjs`, "--minify", "--target=node", "--outfile", `${name}.bundle.js`, `--metafile=${name}.meta.json`],
      dir,
      "bun build --minify",
    );
    const bundle = readFileSync(join(dir, `${name}.bundle.js`));
    return { bundleBytes: bundle.length, bundleGzipBytes: gzipSync(bundle, { level: 9 }).length, bundleComposition: composition(join(dir, `${name}.meta.json`)) };
  } catch (error) {
    return { bundleBytes: undefined, bundleGzipBytes: undefined, bundleError: (error as Error).message };
  }
}

/** Minified bytes per package (per source folder for bun-k8s itself), largest first, from bun's metafile. */
function composition(metafile: string): Record<string, number> | undefined {
  if (!existsSync(metafile)) return undefined;
  const meta = JSON.parse(readFileSync(metafile, "utf8")) as { outputs: Record<string, { inputs: Record<string, { bytesInOutput: number }> }> };
  const sums = new Map<string, number>();
  for (const output of Object.values(meta.outputs)) {
    for (const [input, { bytesInOutput }] of Object.entries(output.inputs)) {
      const inPackage = input.split("node_modules/").pop()!;
      const parts = inPackage.split("/");
      const key = parts[0] === "bun-k8s" ? parts.slice(0, 4).join("/") : parts[0]!.startsWith("@") ? parts.slice(0, 2).join("/") : parts[0]!;
      sums.set(key, (sums.get(key) ?? 0) + bytesInOutput);
    }
  }
  return Object.fromEntries([...sums].filter(([, b]) => b > 0).sort((a, b) => b[1] - a[1]).slice(0, 12));
}

/** What the package's main entry offers the programs (see BunK8sEntry). */
function detectEntry(bins: RuntimeBins, dir: string): BunK8sEntry {
  const probe = `const m = await import("bun-k8s");
if (typeof m.KubeClient?.load === "function") console.log("KubeClient");
else if (m.loadConfig && m.createConnection && m.api) console.log("functions");`;
  const r = spawnSync(bins.node, ["--input-type=module", "-e", probe], { cwd: dir, encoding: "utf8" });
  const found = r.stdout.trim();
  return found === "KubeClient" || found === "functions" ? found : "dist-modules";
}

function prepareBunK8s(repoRoot: string, buildDir: string, bins: RuntimeBins): { dir: string; entry: FootprintEntry } {
  const stage = join(buildDir, "package");
  rmSync(stage, { recursive: true, force: true });
  mkdirSync(stage, { recursive: true });
  for (const f of ["package.json", "README.md", "LICENSE"]) if (existsSync(join(repoRoot, f))) copyFileSync(join(repoRoot, f), join(stage, f));
  // --noCheck: the emitted JavaScript is the same (isolatedModules); a type error that another
  // engineer is fixing right now must not stop the bench.
  sh(join(repoRoot, "node_modules", ".bin", "tsc"), ["-p", "tsconfig.build.json", "--outDir", join(stage, "dist"), "--noCheck"], repoRoot, "tsc build");
  // The second half of `npm run build` (pack runs with --ignore-scripts): entries and shared chunks, as published.
  sh(bins.bun, [join(repoRoot, "packaging", "bundle-dist.ts"), join(stage, "dist")], repoRoot, "bundle-dist");
  const packed = JSON.parse(sh("npm", ["pack", "--json", "--pack-destination", buildDir, "--loglevel=error", "--ignore-scripts"], stage, "npm pack")) as { filename: string; size: number }[];
  const tarball = join(buildDir, packed[0]!.filename);
  const dir = join(buildDir, "consumers", "bun-k8s");
  freshConsumer(dir);
  sh("npm", ["install", tarball, ...NPM_QUIET], dir, "npm install of the bun-k8s tarball");
  const entry = detectEntry(bins, dir);
  writeFileSync(join(dir, "cold-start.mjs"), bunK8sColdStart(entry));
  const inCluster = bundleSize(bins, dir, BUN_K8S_LIST_PODS_IN_CLUSTER, "list-pods-in-cluster");
  return {
    dir,
    entry: {
      ...measureNodeModules(dir, "bun-k8s"),
      ...bundleSize(bins, dir, bunK8sListPods(entry)),
      inClusterBundleBytes: inCluster.bundleBytes,
      inClusterBundleGzipBytes: inCluster.bundleGzipBytes,
      tarballBytes: packed[0]!.size,
      entry,
    },
  };
}

function prepareClientNode(buildDir: string, bins: RuntimeBins, version: string): { dir: string; entry: FootprintEntry } {
  const dir = join(buildDir, "consumers", "client-node");
  freshConsumer(dir);
  sh("npm", ["install", `@kubernetes/client-node@${version}`, ...NPM_QUIET], dir, "npm install of @kubernetes/client-node");
  writeFileSync(join(dir, "cold-start.mjs"), CLIENT_NODE_COLD_START);
  return { dir, entry: { ...measureNodeModules(dir, "@kubernetes/client-node"), ...bundleSize(bins, dir, CLIENT_NODE_LIST_PODS), entry: "package" } };
}

export function prepareConsumers(repoRoot: string, buildDir: string, bins: RuntimeBins, clientNodeVersion: string): Consumers {
  const out: Consumers = {
    dirs: {} as Consumers["dirs"],
    footprint: {} as Consumers["footprint"],
  };
  const attempts: [Exclude<Library, "floor" | "client-node-2">, () => { dir: string; entry: FootprintEntry }][] = [
    ["bun-k8s", () => prepareBunK8s(repoRoot, buildDir, bins)],
    ["client-node", () => prepareClientNode(buildDir, bins, clientNodeVersion)],
  ];
  for (const [library, prepare] of attempts) {
    try {
      const { dir, entry } = prepare();
      out.dirs[library] = { dir };
      out.footprint[library] = entry;
    } catch (error) {
      const message = (error as Error).message;
      out.dirs[library] = { error: message };
      out.footprint[library] = { error: message };
    }
  }
  const floor = join(buildDir, "consumers", "floor");
  freshConsumer(floor);
  writeFileSync(join(floor, "cold-start.mjs"), FLOOR_COLD_START);
  out.dirs.floor = { dir: floor };
  // Cold start and footprint measure client-node 1.4 from its own consumer folder; 2.0 runs the child cases only.
  out.dirs["client-node-2"] = { error: "not measured: the cold-start consumer holds client-node 1.4 only" };
  return out;
}
