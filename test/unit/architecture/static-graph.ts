/**
 * The modules an entry loads when it is imported: its static imports and re-exports, followed
 * file by file (importsIn's "static" kind). `import type` and `export type` are erased and
 * `import()` loads later: neither is followed.
 */
import { existsSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { importsIn } from "./layers.ts";

export interface StaticGraph {
  /** Repo-relative source files, the entry first. */
  files: string[];
  /** Bare specifiers reached (packages and node: built-ins). */
  packages: string[];
}

/**
 * @example
 * staticImports(repoRoot, "src/index.ts").packages; // ["node:events", ...]
 */
export function staticImports(root: string, entry: string): StaticGraph {
  const files: string[] = [];
  const packages = new Set<string>();
  const seen = new Set<string>();
  const visit = (file: string): void => {
    if (seen.has(file)) return;
    seen.add(file);
    files.push(file);
    for (const { spec, kind } of importsIn(readFileSync(join(root, file), "utf8"))) {
      if (kind !== "static") continue;
      if (!spec.startsWith(".")) {
        packages.add(spec);
        continue;
      }
      const target = relative(root, resolve(dirname(join(root, file)), spec));
      if (!existsSync(join(root, target))) throw new Error(`${file} imports ${spec}, which does not exist`);
      visit(target);
    }
  };
  visit(entry);
  return { files, packages: [...packages].sort() };
}
