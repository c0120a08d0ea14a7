/**
 * The modules an entry loads when it is imported: its static imports and re-exports, followed
 * file by file. `import type` and `export type` are erased and not followed; `import()` loads
 * later and is not followed. `import { type A } from` is followed: under verbatimModuleSyntax it
 * stays as `import {} from`, which still loads the module.
 */
import { existsSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";

export interface StaticGraph {
  /** Repo-relative source files, the entry first. */
  files: string[];
  /** Bare specifiers reached (packages and node: built-ins). */
  packages: string[];
}

// Statements only: `import ... from "x"`, `export ... from "x"`, `import "x"`; comments are removed first.
const STATEMENT = /(?:^|[\s;])(import|export)(\s+type\b)?\s[^;"'`]*?\sfrom\s*["']([^"']+)["']|^\s*import\s*["']([^"']+)["']/gm;

function withoutComments(text: string): string {
  return text.replace(/\/\*[\s\S]*?\*\//g, "").replace(/(^|[^:"'`])\/\/.*$/gm, "$1");
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
    const text = withoutComments(readFileSync(join(root, file), "utf8"));
    for (const m of text.matchAll(STATEMENT)) {
      if (m[2]) continue;
      const spec = m[3] ?? m[4]!;
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
