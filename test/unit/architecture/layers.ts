/**
 * The import-direction check: reads the layer list from docs/architecture.md and every
 * relative import of src/ and generated/, and reports each import that goes up a layer.
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";

export interface Layer {
  rank: number;
  /** Repo-relative path prefix: a folder ending in "/" or a single file. */
  prefix: string;
}

export interface ImportEdge {
  from: string;
  to: string;
}

/** Reads the numbered list between the layers markers: "1. `src/base/` — ...". */
export function parseLayers(markdown: string): Layer[] {
  const start = markdown.indexOf("<!-- layers:start -->");
  const end = markdown.indexOf("<!-- layers:end -->");
  if (start < 0 || end < start) throw new Error("docs/architecture.md has no layers:start/layers:end block");
  const layers: Layer[] = [];
  for (const match of markdown.slice(start, end).matchAll(/^(\d+)\. `([^`]+)`/gm)) {
    layers.push({ rank: Number(match[1]), prefix: match[2]! });
  }
  return layers;
}

/** The layer a repo-relative file belongs to (longest prefix), or undefined outside the layers. */
export function layerOf(file: string, layers: readonly Layer[]): Layer | undefined {
  let best: Layer | undefined;
  for (const layer of layers) {
    const hit = layer.prefix.endsWith("/") ? file.startsWith(layer.prefix) : file === layer.prefix;
    if (hit && (!best || layer.prefix.length > best.prefix.length)) best = layer;
  }
  return best;
}

/** Every import that goes from a lower layer to a higher one, as "from → to" lines. */
export function upwardImports(edges: readonly ImportEdge[], layers: readonly Layer[]): string[] {
  const out: string[] = [];
  for (const edge of edges) {
    const from = layerOf(edge.from, layers);
    const to = layerOf(edge.to, layers);
    if (from && to && to.rank > from.rank) out.push(`${edge.from} (${from.prefix}) imports ${edge.to} (${to.prefix})`);
  }
  return out;
}

/** How a module is referenced: loaded with the importer, erased (type-only), or loaded later (`import()`). */
export type ImportKind = "static" | "type" | "dynamic";

const IMPORT = /(?:^|[\s;])(?:import|export)(\s+type\b)?\s[^;]*?\sfrom\s*["']([^"']+)["']|import\(\s*["']([^"']+)["']\s*\)|^\s*import\s*["']([^"']+)["']/gm;

function withoutComments(text: string): string {
  return text.replace(/\/\*[\s\S]*?\*\//g, "").replace(/(^|[^:"'`])\/\/.*$/gm, "$1");
}

/**
 * The module specifiers a source file names, with how each is referenced. `import { type A } from`
 * is static: under verbatimModuleSyntax it stays as `import {} from`, which still loads the module.
 *
 * @example importsIn('import type { A } from "./a.ts";\nimport { b } from "./b.ts";') // [{ spec: "./a.ts", kind: "type" }, { spec: "./b.ts", kind: "static" }]
 */
export function importsIn(text: string): { spec: string; kind: ImportKind }[] {
  return [...withoutComments(text).matchAll(IMPORT)].map((m) =>
    m[3] !== undefined ? { spec: m[3], kind: "dynamic" } : { spec: (m[2] ?? m[4])!, kind: m[1] ? "type" : "static" },
  );
}

/** The relative imports of the .ts files under `dirs`, as repo-relative edges. */
export function collectImports(root: string, dirs: readonly string[]): ImportEdge[] {
  const edges: ImportEdge[] = [];
  const walk = (dir: string): void => {
    for (const name of readdirSync(dir)) {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) walk(path);
      else if (name.endsWith(".ts")) {
        for (const { spec } of importsIn(readFileSync(path, "utf8"))) {
          if (!spec.startsWith(".")) continue;
          edges.push({ from: relative(root, path), to: relative(root, resolve(dirname(path), spec)) });
        }
      }
    }
  };
  for (const dir of dirs) walk(join(root, dir));
  return edges;
}
