/**
 * Finding the real Node from a test that may itself run on Bun: `bun --bun` puts a `node`
 * that is really Bun first on PATH, so `spawn("node")` (and npm's `#!/usr/bin/env node`)
 * would silently run Bun. That shim folder (/tmp/bun-node-<n>-<hash>) is shared by every Bun
 * of the same build on the machine, so its `node` may point at ANOTHER checkout's Bun: a
 * candidate that resolves to any Bun binary is a shim, not only one that resolves to ours.
 */
import { existsSync, realpathSync } from "node:fs";
import { delimiter, dirname, join } from "node:path";

const self = realpathSync(process.execPath);

/** A `node` that is really Bun: ours, or any other (a shim folder another checkout's Bun made). */
function isBun(candidate: string): boolean {
  const target = realpathSync(candidate);
  return target === self || /(^|[/\\])bun(\.exe)?$/.test(target) || /(^|[/\\])bun-node-[^/\\]*[/\\]node$/.test(candidate);
}

function isBunShim(dir: string): boolean {
  const candidate = join(dir, "node");
  return typeof process.versions.bun === "string" && existsSync(candidate) && isBun(candidate);
}

/** The path of the real Node binary. */
export function realNodePath(): string {
  if (!process.versions.bun) return process.execPath;
  for (const dir of (process.env.PATH ?? "").split(delimiter)) {
    const candidate = join(dir, "node");
    if (existsSync(candidate) && !isBun(candidate)) return candidate;
  }
  throw new Error("no Node on PATH besides Bun's node shim");
}

/** The environment for a child process whose `node` must be Node: Bun's shim folders left out of PATH. */
export function envWithRealNode(extra: Record<string, string> = {}): Record<string, string | undefined> {
  const path = (process.env.PATH ?? "").split(delimiter).filter((d) => d !== "" && !isBunShim(d));
  return { ...process.env, PATH: [dirname(realNodePath()), ...path].join(delimiter), ...extra };
}
