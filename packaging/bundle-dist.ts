/**
 * The second half of `npm run build`: rebundles tsc's JavaScript in dist/src into one entry file
 * per public entry point plus chunks (rolldown, code splitting): the main entry's whole static
 * graph in one chunk, so importing it loads 2 modules instead of 64 (issue 17: on Node the ESM
 * loader's cost is per module — resolve, package-scope lookup, read, compile, link — far more
 * than per byte), and what loads later (`import()`) in chunks of its own. Declarations stay
 * tsc's, file for file. dist/generated and dist/codegen keep their files and import dist/src
 * by relative path, so every dist/src file they import is an entry too, at its old path: one
 * module instance per class, so `instanceof ApiError` holds across subpaths.
 *
 *   bun packaging/bundle-dist.ts [distDir]     (default: dist)
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "rolldown";

/** One import of a JavaScript module: its specifier, and whether it loads later (`import("...")`). */
export interface ModuleImport {
  spec: string;
  dynamic: boolean;
}

/**
 * The imports and re-exports of a built JavaScript module, comments aside (a TSDoc example
 * that imports "./bun-fetch.ts" is not an import).
 *
 * @example
 * moduleImports('import { a } from "./a.js"; await import("node:http2");'); // [{ spec: "./a.js", dynamic: false }, { spec: "node:http2", dynamic: true }]
 */
export function moduleImports(source: string): ModuleImport[] {
  const code = source.replace(/\/\*[\s\S]*?\*\//g, "").replace(/^\s*\/\/.*$/gm, "");
  const found: ModuleImport[] = [];
  for (const m of code.matchAll(/(?:^|[\s;}])(?:import|export)\s[^;'"]*?from\s*["']([^"']+)["']|\bimport\s*\(\s*["']([^"']+)["']\s*\)|^import\s*["']([^"']+)["']/gm)) {
    found.push({ spec: (m[1] ?? m[2] ?? m[3])!, dynamic: m[2] !== undefined });
  }
  return found;
}

function relativeImports(source: string): string[] {
  return moduleImports(source)
    .map((i) => i.spec)
    .filter((spec) => spec.startsWith("."));
}

function jsFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true, encoding: "utf8" })
    .filter((f) => f.endsWith(".js"))
    .map((f) => join(dir, f));
}

/** The files under `within` that `entry` imports statically, transitively, without `entry` itself. */
function staticGraph(entry: string, within: string): Set<string> {
  const seen = new Set<string>();
  const visit = (file: string) => {
    if (seen.has(file) || relative(within, file).startsWith("..")) return;
    seen.add(file);
    for (const i of moduleImports(readFileSync(file, "utf8"))) if (!i.dynamic && i.spec.startsWith(".")) visit(resolve(dirname(file), i.spec));
  };
  visit(entry);
  seen.delete(entry);
  return seen;
}

/**
 * Entry names (paths under dist/src without ".js"): the package's exports targets in dist/src,
 * and every dist/src file that dist/generated or dist/codegen imports.
 */
export function bundleEntries(root: string, dist: string): string[] {
  const src = join(dist, "src");
  const entries = new Set<string>();
  const add = (file: string) => {
    const rel = relative(src, file);
    if (rel.startsWith("..") || !rel.endsWith(".js")) return;
    if (!existsSync(file)) throw new Error(`bundle-dist: ${rel} is imported or exported but tsc did not emit it`);
    entries.add(rel.slice(0, -".js".length));
  };
  const pkg = JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as { exports: Record<string, string | { default?: string }> };
  for (const target of Object.values(pkg.exports)) {
    const file = typeof target === "string" ? target : target.default;
    if (file?.startsWith("./dist/src/") && !file.includes("*")) add(join(root, file.replace(/^\.\/dist\//, `${relative(root, dist)}/`)));
  }
  for (const file of [...jsFiles(join(dist, "generated")), ...jsFiles(join(dist, "codegen"))]) {
    for (const spec of relativeImports(readFileSync(file, "utf8"))) add(resolve(dirname(file), spec));
  }
  return [...entries].sort();
}

export async function bundleDist(root: string, dist: string): Promise<{ entries: string[]; files: string[] }> {
  const src = join(dist, "src");
  const entries = bundleEntries(root, dist);
  const mainGraph = staticGraph(join(src, "index.js"), src);
  const out = join(dist, ".bundle");
  rmSync(out, { recursive: true, force: true });
  await build({
    input: Object.fromEntries(entries.map((e) => [e, join(src, `${e}.js`)])),
    // Packages (js-yaml, ws) and node: built-ins stay imports, resolved by the consumer's runtime.
    // So do dist/generated's kinds (flux and controller import them): they keep their own files,
    // the ones a consumer's `bun-k8s/core/v1` loads, so each resource table is one object.
    external: (id, importer) => {
      if (!id.startsWith(".") && !id.startsWith("/")) return true;
      const file = importer && id.startsWith(".") ? resolve(dirname(importer), id) : id;
      return relative(src, file).startsWith("..");
    },
    platform: "node",
    // Module comments in the chunks then name dist/src paths ("// base/errors.js"), not the build machine's.
    cwd: src,
    logLevel: "warn",
    // The entries' export lists are the public surface: kept exactly, never merged or trimmed.
    preserveEntrySignatures: "strict",
    output: {
      dir: out,
      format: "esm",
      entryFileNames: "[name].js",
      chunkFileNames: "chunks/[name]-[hash].js",
      // Readable stack traces: names and layout as written (classes keep their names, which errors report).
      minify: false,
      // JSDoc lives in the declarations; dropped here it is a third less for every runtime to parse (~0.5 ms).
      comments: { jsdoc: false, legal: true, annotation: true },
      // Everything the main entry loads at import goes in one chunk: Node 24 imports the main entry
      // and a kind in ~15 ms from one chunk, ~30 ms from the 20 that splitting by sharing makes.
      // Other entries that import part of it (api/client.js, config) load the whole chunk.
      codeSplitting: { groups: [{ name: "main", test: (id: string) => mainGraph.has(id) }] },
    },
  });
  // tsc's per-file JavaScript goes; its declarations stay beside the bundled entries.
  for (const file of jsFiles(src)) rmSync(file);
  const files = jsFiles(out).map((f) => relative(out, f));
  for (const f of files) {
    mkdirSync(dirname(join(src, f)), { recursive: true });
    renameSync(join(out, f), join(src, f));
  }
  rmSync(out, { recursive: true, force: true });
  for (const f of jsFiles(src)) {
    for (const spec of relativeImports(readFileSync(f, "utf8"))) {
      if (!existsSync(resolve(dirname(f), spec))) throw new Error(`bundle-dist: ${relative(dist, f)} imports ${spec}, which the bundle did not write`);
    }
  }
  return { entries, files: files.sort() };
}

// Run as a script (npm run build, the bench); imported, it only offers the functions.
if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
  const dist = resolve(process.argv[2] ?? join(root, "dist"));
  const { entries, files } = await bundleDist(root, dist);
  // stderr: `npm pack --json` runs the build (prepack) and its stdout must stay JSON.
  process.stderr.write(`bundle-dist: ${entries.length} entries, ${files.length} files in ${relative(process.cwd(), join(dist, "src")) || "."}\n`);
}
