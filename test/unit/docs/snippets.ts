/**
 * Extracts the ```ts blocks of the README and docs/ and type-checks them against the sources,
 * with `bun-k8s/...` imports resolved through package.json's exports map (dist paths mapped back
 * to src/ and generated/). Each block is self-contained: its imports and `declare`s are hoisted,
 * the rest becomes the body of an async function, so top-level await reads naturally.
 */
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join, relative } from "node:path";
import ts from "typescript";

export interface Snippet {
  /** "docs/api.md:12": the line of the opening fence. */
  where: string;
  code: string;
  /**
   * The repo folder the block's relative imports are written from: "```ts from=test/contract"
   * for a block that shows test code. Absent: the block is user code, importing `bun-k8s`.
   */
  from?: string;
}

/** Every ```ts block of a markdown file. */
export function extractSnippets(markdown: string, file: string): Snippet[] {
  const out: Snippet[] = [];
  const lines = markdown.split("\n");
  for (let i = 0; i < lines.length; i++) {
    const fence = /^```ts(?:\s+from=(\S+))?\s*$/.exec(lines[i]!.trim());
    if (!fence) continue;
    const start = i + 1;
    let end = start;
    while (end < lines.length && lines[end]!.trim() !== "```") end++;
    out.push({ where: `${file}:${start}`, code: lines.slice(start, end).join("\n"), ...(fence[1] && { from: fence[1] }) });
    i = end;
  }
  return out;
}

/** One conditional target of package.json's exports. */
export interface ExportTarget {
  types?: string;
  import?: string;
  default?: string;
}

/** Maps a package specifier ("bun-k8s/apps/v1") to the source file it is built from. */
export function sourceResolver(packageJson: { exports: Record<string, string | ExportTarget> }, root: string): (specifier: string) => string | undefined {
  const entries = Object.entries(packageJson.exports).flatMap(([key, target]) => {
    // The JavaScript an ESM import loads: the `import` condition if there is one, else `default`.
    const to = typeof target === "string" ? target : (target.import ?? target.default);
    return to ? [[key.replace(/^\./, "bun-k8s"), to.replace(/^\.\/dist\//, "").replace(/\.js$/, ".ts")] as const] : [];
  });
  return (specifier) => {
    for (const [key, to] of entries) {
      if (!key.includes("*")) {
        if (key === specifier) return join(root, to);
        continue;
      }
      const [before, after] = key.split("*") as [string, string];
      if (specifier.startsWith(before) && specifier.endsWith(after) && specifier.length > before.length + after.length) {
        return join(root, to.replace("*", specifier.slice(before.length, specifier.length - after.length)));
      }
    }
    return undefined;
  };
}

/** A module for one snippet: hoisted imports and declares, the rest inside an async function. */
export function snippetModule(snippet: Snippet, resolve: (specifier: string) => string | undefined, dir: string, root: string): string {
  const head: string[] = [];
  const body: string[] = [];
  const lines = snippet.code.split("\n");
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (/^(import|declare)\s/.test(line)) {
      let statement = line;
      // A multi-line import or declare ends at its semicolon.
      while (!/;\s*(\/\/.*)?$/.test(statement) && i + 1 < lines.length) statement += `\n${lines[++i]!}`;
      head.push(
        statement.replace(/from\s+"([^"]+)"/, (m, spec: string) => {
          let file: string | undefined;
          if (spec.startsWith(".")) {
            if (!snippet.from) throw new Error(`${snippet.where}: a relative import needs the fence to say where it is written from ("\`\`\`ts from=test/contract")`);
            file = join(root, snippet.from, spec);
          } else if (spec === "bun-k8s" || spec.startsWith("bun-k8s/")) {
            file = resolve(spec);
            if (!file) throw new Error(`${snippet.where}: "${spec}" is not an export of the package`);
          } else return m;
          const path = relative(dir, file);
          return `from ${JSON.stringify(path.startsWith(".") ? path : `./${path}`)}`;
        }),
      );
    } else body.push(line);
  }
  return `${head.join("\n")}\n\nexport async function snippet(): Promise<void> {\n${body.join("\n")}\n}\n`;
}

/** Type-checks the snippets; returns one "where: message" line per diagnostic. */
export function checkSnippets(snippets: readonly Snippet[], root: string, outDir: string): string[] {
  const packageJson = JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as { exports: Record<string, string | ExportTarget> };
  const resolve = sourceResolver(packageJson, root);
  rmSync(outDir, { recursive: true, force: true });
  mkdirSync(outDir, { recursive: true });
  const files = new Map<string, Snippet>();
  snippets.forEach((snippet, i) => {
    const file = join(outDir, `snippet-${i}.ts`);
    writeFileSync(file, snippetModule(snippet, resolve, outDir, root));
    files.set(file, snippet);
  });
  const config = ts.readConfigFile(join(root, "tsconfig.json"), (path) => ts.sys.readFile(path));
  const parsed = ts.parseJsonConfigFileContent(config.config, ts.sys, root);
  const program = ts.createProgram([...files.keys()], { ...parsed.options, noEmit: true });
  const out: string[] = [];
  for (const diagnostic of ts.getPreEmitDiagnostics(program)) {
    const snippet = diagnostic.file && files.get(diagnostic.file.fileName);
    if (!snippet) continue;
    out.push(`${snippet.where}: ${ts.flattenDiagnosticMessageText(diagnostic.messageText, "\n")}`);
  }
  // Each run writes its own folder (two unit cells of the matrix may run at once): leave none behind.
  rmSync(outDir, { recursive: true, force: true });
  return out;
}
