/**
 * The runtimes the test matrix runs on, and how each one launches a vitest project. One test
 * code base: a suite runs on a runtime because vitest itself runs on it (its workers inherit
 * the runtime), so `createTransport` and everything below it take that runtime's path.
 *
 * The binaries come from npm (test/runtimes/toolchain/package.json, installed by `npm run
 * runtimes:install` into its git-ignored node_modules), so CI gets exact versions on any machine.
 */
import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { repoRoot } from "../../specs/materialise.ts";

export const toolchainDir = join(repoRoot, "test", "runtimes", "toolchain");
export const toolchainModules = join(toolchainDir, "node_modules");

export type RuntimeName = "node20" | "node22" | "node24" | "node26" | "bun" | "deno";

export interface Runtime {
  name: RuntimeName;
  /** What the README and the result table call it, with the exact version. */
  label: string;
  /** The executable. */
  bin: string;
  /** Arguments before the script: how this runtime runs a Node-style ESM program. */
  runArgs: readonly string[];
  /** What `BUN_K8S_EXPECT_RUNTIME` says, checked by test/contract/foundation.test.ts. */
  expect: string;
  /** Folders to put first on PATH, so that `node` in a child process is this runtime's Node. */
  pathFirst: readonly string[];
}

interface ToolchainManifest {
  devDependencies: Record<string, string>;
}

function toolchainVersion(alias: string): string {
  const manifest = JSON.parse(readFileSync(join(toolchainDir, "package.json"), "utf8")) as ToolchainManifest;
  const spec = manifest.devDependencies[alias];
  if (!spec) throw new Error(`test/runtimes/toolchain/package.json pins no ${alias}`);
  return spec.replace(/^npm:[^@]+@/, "");
}

function repoBunVersion(): string {
  const pkg = JSON.parse(readFileSync(join(repoRoot, "node_modules", "bun", "package.json"), "utf8")) as { version: string };
  return pkg.version;
}

function node(major: 20 | 22 | 24 | 26): Runtime {
  const bin = join(toolchainModules, `node${major}`, "bin", "node");
  return {
    name: `node${major}`,
    label: `Node ${toolchainVersion(`node${major}`)}`,
    bin,
    runArgs: [],
    expect: `node@${major}`,
    pathFirst: [dirname(bin)],
  };
}

/** Every runtime of the matrix, by name. */
export function runtimes(): Record<RuntimeName, Runtime> {
  const bun = join(repoRoot, "node_modules", ".bin", "bun");
  const deno = join(toolchainModules, "@deno", "linux-x64-glibc", "deno");
  return {
    node20: node(20),
    node22: node(22),
    node24: node(24),
    node26: node(26),
    // --bun: vitest and its workers run on Bun, not on the Node its shebang names.
    bun: { name: "bun", label: `Bun ${repoBunVersion()}`, bin: bun, runArgs: ["--bun"], expect: "bun", pathFirst: [] },
    // -A: the suites read kubeconfigs, spawn exec plugins and kubectl, and listen on loopback.
    deno: {
      name: "deno",
      label: `Deno ${toolchainVersion("deno")}`,
      bin: deno,
      runArgs: ["run", "-A"],
      expect: "deno",
      pathFirst: [],
    },
  };
}

/** Throws a clear error when a runtime's binary was not installed. */
export function assertInstalled(runtime: Runtime): void {
  if (!existsSync(runtime.bin)) {
    throw new Error(`${runtime.label} is not installed at ${runtime.bin}: run npm run runtimes:install`);
  }
}
