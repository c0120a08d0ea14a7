/**
 * What the packaging tests share: running a tool in a consumer project, the public subpaths
 * the tarball serves, and the pinned compilers and @types/node of test/runtimes/toolchain.
 */
import { existsSync } from "node:fs";
import { join } from "node:path";
import { runChild, type ChildResult } from "../support/child-output.ts";
import { envWithRealNode } from "../support/node-runtime.ts";
import { toolchainModules } from "../runtimes/runtimes.ts";

/**
 * Runs a command to completion (Node children get the real Node, also under Bun).
 *
 * @example
 * const { code, stdout } = await run("npm", ["ls"], consumer);
 */
export function run(command: string, args: readonly string[], cwd: string, env: Record<string, string | undefined> = envWithRealNode()): Promise<ChildResult> {
  return runChild(command, args, { cwd, env, killAfterMs: 300_000 });
}

/**
 * Like run(), but a non-zero exit throws with the command's output.
 *
 * @example
 * const json = await mustRun("npm pack", "npm", ["pack", "--json"], stage);
 */
export async function mustRun(what: string, command: string, args: readonly string[], cwd: string, env?: Record<string, string | undefined>): Promise<string> {
  const r = await run(command, args, cwd, env);
  if (r.code !== 0) throw new Error(`${what} failed (exit ${r.code}):\n${r.stderr.slice(-3000)}\n${r.stdout.slice(-3000)}`);
  return r.stdout;
}

/**
 * The package specifiers the tarball serves, one per public entry: the hand-written entries,
 * the resource tables, and every generated group/version, read from the packed file list
 * through package.json's exports patterns.
 *
 * @example
 * publicSubpaths(files); // ["bun-k8s", "bun-k8s/config", ..., "bun-k8s/apps/v1", "bun-k8s/flux/source/v1", ...]
 */
export function publicSubpaths(files: readonly string[]): string[] {
  const fixed = ["bun-k8s", "bun-k8s/config", "bun-k8s/flux", "bun-k8s/resources", "bun-k8s/flux/resources"];
  const family = (prefix: string, as: string) =>
    files
      .map((f) => new RegExp(`^dist/generated/${prefix}/([a-z0-9.-]+/v[a-z0-9]+)/index\\.d\\.ts$`).exec(f)?.[1])
      .filter((g): g is string => g !== undefined)
      .map((g) => `${as}${g}`);
  return [...fixed, ...family("k8s", "bun-k8s/"), ...family("flux", "bun-k8s/flux/")];
}

/**
 * A consumer's tsconfig: strict, NodeNext, no DOM, `skipLibCheck: false` (our .d.ts files are
 * checked too), and @types/node from the project's ./type-roots folder.
 *
 * @example
 * writeFileSync(join(dir, "tsconfig.json"), JSON.stringify(consumerTsconfig({ noEmit: true })));
 */
export function consumerTsconfig(extra: Record<string, unknown>): { compilerOptions: Record<string, unknown>; files: string[] } {
  return {
    compilerOptions: {
      target: "ES2022",
      module: "NodeNext",
      moduleResolution: "NodeNext",
      lib: ["ES2023"],
      strict: true,
      skipLibCheck: false,
      types: ["node"],
      typeRoots: ["./type-roots"],
      ...extra,
    },
    files: ["main.ts"],
  };
}

/** A compiler of the matrix: its tsc entry script. */
export interface Compiler {
  name: string;
  tsc: string;
}

/** TypeScript 6 and 7 as test/runtimes/toolchain pins them. */
export const compilers: readonly Compiler[] = [
  { name: "TypeScript 6", tsc: join(toolchainModules, "typescript6", "bin", "tsc") },
  { name: "TypeScript 7", tsc: join(toolchainModules, "typescript7", "bin", "tsc") },
];

/** The folder holding @types/node of one major version (test/runtimes/toolchain aliases). */
export function typesNode(major: 20 | 22 | 24 | 26): string {
  const dir = join(toolchainModules, `types-node${major}`);
  if (!existsSync(dir)) throw new Error(`${dir} is missing: run npm run runtimes:install`);
  return dir;
}
