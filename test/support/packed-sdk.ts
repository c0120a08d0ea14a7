/**
 * The package as users get it: `npm pack` (whose prepack builds dist/: tsc, then packaging/bundle-dist.ts) of a staging
 * copy, so the checkout's dist/ is never touched while other work runs there. The tarball is
 * cached under .cache/packed/, keyed by the content of everything that goes into it, so the
 * contract files that install it (generator) pack once per change, not once each.
 */
import { createHash } from "node:crypto";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { repoRoot } from "../../specs/materialise.ts";
import { runChild } from "./child-output.ts";
import { envWithRealNode } from "./node-runtime.ts";

const ROOT_FILES = ["package.json", "README.md", "tsconfig.json", "tsconfig.build.json"];
const FOLDERS = ["src", "generated", "codegen", "packaging"];

export interface PackedSdk {
  /** Absolute path of the .tgz. */
  tarball: string;
  /** Paths inside the package, sorted. */
  files: string[];
}

function contentKey(): string {
  const hash = createHash("sha256");
  const add = (path: string): void => {
    if (statSync(path).isDirectory()) {
      for (const entry of readdirSync(path).sort()) add(join(path, entry));
      return;
    }
    hash.update(path.slice(repoRoot.length)).update("\0").update(readFileSync(path)).update("\0");
  };
  for (const f of ROOT_FILES) add(join(repoRoot, f));
  for (const d of FOLDERS) add(join(repoRoot, d));
  return hash.digest("hex").slice(0, 24);
}

/**
 * The packed SDK for the current sources: from the cache, or packed now (about half a minute).
 *
 * @example const { tarball } = await packedSdk(); // then `npm install <tarball>` in a temp project
 */
export async function packedSdk(): Promise<PackedSdk> {
  const dir = join(repoRoot, ".cache", "packed", contentKey());
  const manifest = join(dir, "pack.json");
  if (existsSync(manifest)) return JSON.parse(readFileSync(manifest, "utf8")) as PackedSdk;
  const work = mkdtempSync(join(repoRoot, ".cache", "pack-"));
  try {
    const stage = join(work, "stage");
    for (const f of ROOT_FILES) cpSync(join(repoRoot, f), join(stage, f));
    for (const d of FOLDERS) cpSync(join(repoRoot, d), join(stage, d), { recursive: true });
    // The build needs the dev tools (tsc, @types/node), not a copy of them.
    symlinkSync(join(repoRoot, "node_modules"), join(stage, "node_modules"), "dir");
    const out = join(work, "out");
    mkdirSync(out);
    const r = await runChild("npm", ["pack", "--json", "--pack-destination", out, "--loglevel=error"], { cwd: stage, env: envWithRealNode() });
    if (r.code !== 0) throw new Error(`npm pack (prepack: npm run build) failed (exit ${r.code}):\n${r.stderr.slice(-3000)}\n${r.stdout.slice(-3000)}`);
    const packed = JSON.parse(r.stdout) as { filename: string; files: { path: string }[] }[];
    const filename = packed[0]?.filename ?? "";
    const result: PackedSdk = { tarball: join(dir, filename), files: (packed[0]?.files ?? []).map((f) => f.path).sort() };
    writeFileSync(join(out, "pack.json"), JSON.stringify(result));
    const cache = join(repoRoot, ".cache", "packed");
    mkdirSync(cache, { recursive: true });
    // Tarballs of earlier sources are of no more use.
    for (const old of readdirSync(cache)) if (join(cache, old) !== dir) rmSync(join(cache, old), { recursive: true, force: true });
    // Another run may have packed the same sources meanwhile; either copy will do.
    if (!existsSync(dir)) renameSync(out, dir);
    return JSON.parse(readFileSync(manifest, "utf8")) as PackedSdk;
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
