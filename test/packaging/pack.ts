/**
 * vitest globalSetup of the packaging suite: packs the package once (`npm pack`, whose
 * prepack builds dist/ with tsc) and installs the tarball into a temp consumer project, as a
 * user would. The test files add their programs to that project.
 *
 * The package is packed from a staging copy (package.json, tsconfigs, src/, generated/, codegen/, packaging/), so
 * the checkout's dist/ is never touched while other work runs there.
 */
import { cpSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { TestProject } from "vitest/node";
import { repoRoot } from "../../specs/materialise.ts";
import { mustRun } from "./consumer.ts";

export interface PackedPackage {
  /** The .tgz `npm pack` wrote. */
  tarball: string;
  /** Every path in the tarball, sorted. */
  files: string[];
  /** The staging copy it was packed from (holds the built dist/). */
  stage: string;
  /** A project with the tarball installed (and nothing else), type "module". */
  consumer: string;
}

declare module "vitest" {
  export interface ProvidedContext {
    packed: PackedPackage;
  }
}

export default async function setup(project: TestProject): Promise<() => void> {
  const work = mkdtempSync(join(tmpdir(), "bun-k8s-pack-"));
  const stage = join(work, "stage");
  const consumer = join(work, "consumer");
  for (const f of ["package.json", "README.md", "tsconfig.json", "tsconfig.build.json"]) cpSync(join(repoRoot, f), join(stage, f));
  for (const d of ["src", "generated", "codegen", "packaging"]) cpSync(join(repoRoot, d), join(stage, d), { recursive: true });
  // The build needs the dev tools (tsc, @types/node), not a copy of them.
  symlinkSync(join(repoRoot, "node_modules"), join(stage, "node_modules"), "dir");
  const started = performance.now();
  const packed = JSON.parse(
    await mustRun("npm pack (prepack: npm run build)", "npm", ["pack", "--json", "--pack-destination", work, "--loglevel=error"], stage),
  ) as { filename: string; files: { path: string }[] }[];
  const tarball = join(work, packed[0]?.filename ?? "");
  const files = (packed[0]?.files ?? []).map((f) => f.path).sort();
  mkdirSync(consumer, { recursive: true });
  writeFileSync(join(consumer, "package.json"), JSON.stringify({ name: "consumer", private: true, type: "module" }, null, 2));
  await mustRun("npm install of the tarball", "npm", ["install", tarball, "--no-audit", "--no-fund", "--prefer-offline", "--loglevel=error"], consumer);
  console.log(`[packaging] packed and installed ${files.length} files in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  project.provide("packed", { tarball, files, stage, consumer });
  return () => rmSync(work, { recursive: true, force: true });
}
