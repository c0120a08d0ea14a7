/**
 * Writes generated files to a temp folder and type-checks them (plus optional probe files)
 * with the project's strict options, through the TypeScript API: no child process.
 */
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import ts from "typescript";
import { type GeneratedFile, resourceModulePathFor } from "../../../codegen/generate.ts";
import { repoRoot } from "../../../specs/materialise.ts";

/** The project's strict settings (tsconfig.json), without node types: the stubs reach src/api/, which needs lib "DOM" only. */
export const strictOptions: ts.CompilerOptions = {
  target: ts.ScriptTarget.ES2022,
  module: ts.ModuleKind.NodeNext,
  moduleResolution: ts.ModuleResolutionKind.NodeNext,
  lib: ["lib.es2023.d.ts", "lib.dom.d.ts"],
  strict: true,
  noUncheckedIndexedAccess: true,
  isolatedModules: true,
  verbatimModuleSyntax: true,
  allowImportingTsExtensions: true,
  noEmit: true,
  skipLibCheck: true,
  types: [],
};

/** Resolves `bun-k8s` and its subpaths to this checkout's sources, as an installed package would. */
export const packageAsSources: ts.CompilerOptions = {
  types: ["node"],
  typeRoots: [join(repoRoot, "node_modules", "@types")],
  paths: {
    "bun-k8s": [join(repoRoot, "src", "index.ts")],
    "bun-k8s/manifests": [join(repoRoot, "src", "manifests", "index.ts")],
    "bun-k8s/flux/*": [join(repoRoot, "generated", "flux", "*", "index.ts")],
    "bun-k8s/*": [join(repoRoot, "generated", "k8s", "*", "index.ts")],
  },
};

/** A fresh temp folder; remove it with `dispose`. */
export async function tempOutDir(prefix: string): Promise<{ dir: string; dispose: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  return { dir, dispose: () => rm(dir, { recursive: true, force: true }) };
}

/** The `resourceModulePath` generated files in `outDir` need to reach src/base/resource.ts. */
export function resourcePathFor(outDir: string): string {
  return resourceModulePathFor(outDir, repoRoot);
}

/**
 * Writes `files` (+ `probes`, relative paths → source) into `dir` and returns the diagnostics as
 * "file:line: message" strings.
 */
export async function typecheck(
  dir: string,
  files: readonly GeneratedFile[],
  probes: Record<string, string> = {},
  extraOptions: ts.CompilerOptions = {},
): Promise<string[]> {
  // NodeNext treats .ts files as ES modules only under a package.json that says so.
  const all = [["package.json", '{ "type": "module" }\n'] as const, ...files.map((f) => [f.path, f.text] as const), ...Object.entries(probes)];
  for (const [path, text] of all) {
    await mkdir(dirname(join(dir, path)), { recursive: true });
    await writeFile(join(dir, path), text);
  }
  const program = ts.createProgram(
    all.filter(([p]) => p.endsWith(".ts")).map(([p]) => resolve(dir, p)),
    { ...strictOptions, typeRoots: [], ...extraOptions },
  );
  return ts.getPreEmitDiagnostics(program).map((d) => {
    const message = ts.flattenDiagnosticMessageText(d.messageText, "\n");
    if (!d.file || d.start === undefined) return message;
    const { line } = d.file.getLineAndCharacterOfPosition(d.start);
    return `${d.file.fileName.replace(`${dir}/`, "")}:${line + 1}: ${message}`;
  });
}
