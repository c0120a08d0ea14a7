/**
 * Finding the real Node from a test that may itself run on Bun: `bun --bun` puts a `node`
 * that is really Bun first on PATH, so `spawn("node")` (and npm's `#!/usr/bin/env node`)
 * would silently run Bun.
 */
import { existsSync, realpathSync } from "node:fs";
import { basename, delimiter, dirname, join } from "node:path";

const self = realpathSync(process.execPath);

/**
 * Whether `file` is Bun: our own binary, or another Bun's (the shim folder in /tmp is shared
 * by every checkout on the machine, so its `node` may link to another checkout's Bun).
 */
function isBun(file: string): boolean {
  const real = realpathSync(file);
  return real === self || /^bun(\.exe)?$/.test(basename(real));
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
