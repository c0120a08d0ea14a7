/**
 * Installs the matrix's runtimes and compilers (test/runtimes/toolchain/package.json) with `npm ci`,
 * unless the installed set already matches the lockfile, and checks that every runtime runs
 * and reports the version the table will name.
 */
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { runtimes, toolchainDir, toolchainModules, type Runtime } from "./runtimes.ts";

const stampFile = join(toolchainModules, ".bun-k8s-lock-sha256");

function lockHash(): string {
  return createHash("sha256").update(readFileSync(join(toolchainDir, "package-lock.json"))).digest("hex");
}

function reportedVersion(runtime: Runtime): string {
  const r = spawnSync(runtime.bin, ["--version"], { encoding: "utf8" });
  if (r.status !== 0) throw new Error(`${runtime.bin} --version failed (exit ${r.status}): ${r.stderr || r.error?.message}`);
  // "v24.22.3" (Node), "1.4.5" (Bun), "deno 2.9.6 (stable, ...)\nv8 ..." (Deno)
  return (r.stdout.match(/\d+\.\d+\.\d+/) ?? [""])[0];
}

/**
 * `npm ci` into test/runtimes/node_modules when the lockfile changed or a binary is missing;
 * install scripts stay off (the binaries need none). Returns the runtimes with their versions.
 *
 * @example
 * for (const line of installRuntimes()) console.log(line);
 */
export function installRuntimes(): string[] {
  const all = Object.values(runtimes());
  const hash = lockHash();
  const current = existsSync(stampFile) && readFileSync(stampFile, "utf8").trim() === hash && all.every((r) => existsSync(r.bin));
  if (!current) {
    const r = spawnSync("npm", ["ci", "--ignore-scripts", "--no-audit", "--no-fund", "--loglevel=error"], { cwd: toolchainDir, stdio: "inherit" });
    if (r.status !== 0) throw new Error(`npm ci in ${toolchainDir} failed (exit ${r.status})`);
    writeFileSync(stampFile, `${hash}\n`);
  }
  const checked = all.map((runtime) => {
    const version = reportedVersion(runtime);
    if (!runtime.label.endsWith(` ${version}`)) throw new Error(`${runtime.bin} reports ${version}, the matrix pins ${runtime.label}`);
    return `${runtime.label}: ${runtime.bin}`;
  });
  return [current ? `${toolchainDir} matches its lockfile` : `installed ${toolchainDir}`, ...checked];
}
