/**
 * Lets Node 20 run this repository's TypeScript sources unbundled, for tests that spawn an
 * example or a script on Node: `node --import ./test/support/node-typescript-hooks.mjs file.ts`.
 * Each .ts file is transpiled on load with the project's own TypeScript (types are erased,
 * nothing is checked; `npm run typecheck` does that). Node 22.18+ and 24 strip types
 * themselves (the sources are erasable: tsconfig's erasableSyntaxOnly), so only Node 20 needs this.
 */
import { register } from "node:module";
import { readFile } from "node:fs/promises";
import { isMainThread } from "node:worker_threads";

// Imported with --import on the main thread: install this same file as the loader hooks,
// which Node runs on its own thread.
if (isMainThread) register(import.meta.url);

let typescript;

/** Node's `load` hook: .ts files under file: URLs become ES modules. */
export async function load(url, context, nextLoad) {
  if (!url.startsWith("file:") || !url.endsWith(".ts")) return nextLoad(url, context);
  typescript ??= (await import("typescript")).default;
  const source = await readFile(new URL(url), "utf8");
  const { outputText } = typescript.transpileModule(source, {
    fileName: url,
    compilerOptions: {
      module: typescript.ModuleKind.ESNext,
      target: typescript.ScriptTarget.ES2022,
      verbatimModuleSyntax: true,
    },
  });
  return { format: "module", source: outputText, shortCircuit: true };
}
