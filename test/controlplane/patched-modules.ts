/**
 * Go modules the control plane builds with a small patch of our own (see patches/).
 *
 * The module comes from the Go module proxy like every other dependency (`go mod download`,
 * checked against the h1: sum pinned here and by the checksum database), is copied out of
 * the read-only module cache into the git-ignored .cache/go-patched/<path>@<version>/, and
 * the patch is applied there. go.mod's `replace` points at that folder. A marker file
 * records what was applied, so an unchanged patch is not applied twice.
 */
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { chmodSync, cpSync, existsSync, readFileSync, readdirSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";

export interface PatchedModule {
  path: string;
  version: string;
  /** The module zip's hash as go.sum and the checksum database write it. */
  sum: string;
  /** Relative to test/controlplane/. */
  patch: string;
}

export const kwokModule: PatchedModule = {
  path: "sigs.k8s.io/kwok",
  version: "v0.8.0",
  sum: "h1:OTIOTwgROqPMovcTwxICx2eYQ4AwLpSx5EpjbDKF4SQ=",
  patch: "patches/kwok-v0.8.0.patch",
};

export const patchedModules: readonly PatchedModule[] = [kwokModule];

const MARKER = ".bun-k8s-patched";

/** Where the patched copy lives; go.mod's replace names the same folder. */
export function patchedModuleDir(repoRoot: string, m: PatchedModule): string {
  return join(repoRoot, ".cache", "go-patched", `${m.path}@${m.version}`);
}

/**
 * Makes sure every patched module's copy exists and carries its current patch.
 * Must run before any go command in test/controlplane: go.mod replaces into these folders.
 * @example preparePatchedModules(moduleDir, repoRoot, console.log);
 */
export function preparePatchedModules(moduleDir: string, repoRoot: string, log: (line: string) => void = () => {}): void {
  const gomod = readFileSync(join(moduleDir, "go.mod"), "utf8");
  for (const m of patchedModules) {
    const dir = patchedModuleDir(repoRoot, m);
    const replace = `${m.path} ${m.version} => ../../.cache/go-patched/${m.path}@${m.version}`;
    if (!gomod.includes(replace)) throw new Error(`test/controlplane/go.mod must contain "replace ${replace}"`);
    const patchFile = resolve(moduleDir, m.patch);
    const patch = readFileSync(patchFile);
    const want = `${m.sum}\n${createHash("sha256").update(patch).digest("hex")}\n`;
    if (existsSync(join(dir, MARKER)) && readFileSync(join(dir, MARKER), "utf8") === want) continue;

    log(`patching ${m.path}@${m.version} with ${m.patch}`);
    const source = downloadModule(m);
    const staging = `${dir}.partial-${process.pid}`;
    removeTree(staging);
    cpSync(source, staging, { recursive: true });
    // The module cache is read-only; the copy must be writable to patch and to remove.
    makeWritable(staging);
    const applied = spawnSync("git", ["apply", "--whitespace=nowarn", patchFile], {
      cwd: staging,
      encoding: "utf8",
      // Stops git from taking our own repository (which holds .cache/) as the one to patch.
      env: { ...process.env, GIT_CEILING_DIRECTORIES: dirname(staging) },
    });
    if (applied.status !== 0) {
      removeTree(staging);
      throw new Error(`${m.patch} does not apply to ${m.path}@${m.version}: ${applied.stderr || applied.error}`);
    }
    writeFileSync(join(staging, MARKER), want);
    removeTree(dir);
    renameSync(staging, dir);
  }
}

/** `go mod download` outside our module (whose replace may point at a folder not made yet). */
function downloadModule(m: PatchedModule): string {
  const out = spawnSync("go", ["mod", "download", "-json", `${m.path}@${m.version}`], { cwd: tmpdir(), encoding: "utf8" });
  const info = out.status === 0 ? (JSON.parse(out.stdout) as { Dir?: string; Sum?: string; Error?: string }) : undefined;
  if (!info?.Dir) throw new Error(`go mod download ${m.path}@${m.version} failed: ${info?.Error ?? out.stderr ?? out.error}`);
  if (info.Sum !== m.sum) throw new Error(`${m.path}@${m.version} has sum ${info.Sum}, pinned ${m.sum}`);
  return info.Dir;
}

function makeWritable(path: string): void {
  chmodSync(path, 0o755);
  for (const entry of readdirSync(path, { withFileTypes: true })) {
    const child = join(path, entry.name);
    if (entry.isDirectory()) makeWritable(child);
    else if (entry.isFile()) chmodSync(child, 0o644);
  }
}

function removeTree(path: string): void {
  if (!existsSync(path)) return;
  makeWritable(path);
  rmSync(path, { recursive: true, force: true });
}
