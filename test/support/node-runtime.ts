/**
 * Finding the real Node from a test that may itself run on Bun or Deno: `bun --bun` puts a
 * `node` that is really Bun first on PATH, so `spawn("node")` (and npm's `#!/usr/bin/env
 * node`) would silently run Bun; under Deno, process.execPath is Deno. Bun's shim folder is
 * shared between processes and may point at another Bun install than ours, so a candidate is
 * asked what it is rather than compared by path.
 */
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { delimiter, dirname, join } from "node:path";

const verdicts = new Map<string, boolean>();

/** True when the executable at `path` is Node, not Bun pretending to be it. */
function isRealNode(path: string): boolean {
  let verdict = verdicts.get(path);
  if (verdict === undefined) {
    const r = spawnSync(path, ["-e", "process.stdout.write(process.versions.bun ? 'bun' : 'node')"], { encoding: "utf8", timeout: 30_000 });
    verdict = r.status === 0 && r.stdout === "node";
    verdicts.set(path, verdict);
  }
  return verdict;
}

function isBunShim(dir: string): boolean {
  const candidate = join(dir, "node");
  return existsSync(candidate) && !isRealNode(candidate);
}

const notNode = typeof process.versions.bun === "string" || typeof (process.versions as { deno?: string }).deno === "string";

/** The path of the real Node binary. */
export function realNodePath(): string {
  if (!notNode) return process.execPath;
  for (const dir of (process.env.PATH ?? "").split(delimiter)) {
    const candidate = join(dir, "node");
    if (existsSync(candidate) && isRealNode(candidate)) return candidate;
  }
  throw new Error("no Node on PATH besides Bun's node shim");
}

/**
 * The arguments that make `node` run a TypeScript file: none where it strips types itself
 * (Node 22.18+, 24), else the repository's transpiling hooks (Node 20).
 *
 * @example
 * spawn(realNodePath(), [...nodeTypeScriptArgs(realNodePath()), "examples/seed-api.ts"]);
 */
export function nodeTypeScriptArgs(nodePath: string, hooks: string): string[] {
  const r = spawnSync(nodePath, ["-p", "process.features.typescript ?? false"], { encoding: "utf8" });
  const strips = r.status === 0 && /^(strip|transform)$/.test(r.stdout.trim());
  return strips ? [] : ["--import", hooks];
}

/** The environment for a child process whose `node` must be Node: Bun's shim folders left out of PATH. */
export function envWithRealNode(extra: Record<string, string> = {}): Record<string, string | undefined> {
  const path = (process.env.PATH ?? "").split(delimiter).filter((d) => d !== "" && !(process.versions.bun && isBunShim(d)));
  return { ...process.env, PATH: [dirname(realNodePath()), ...path].join(delimiter), ...extra };
}
