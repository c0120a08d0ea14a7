/**
 * Builds the Flux controllers and the loopback Git/Helm server from test/flux/go.mod, on
 * demand and cached, the way test/controlplane/build.ts builds the control plane.
 *
 * The binaries land in .cache/flux/<stamp>/, where the stamp hashes everything that decides
 * their content (go.mod, go.sum, our Go sources, the ldflags, the Go version). A second run
 * with nothing changed finds the folder complete and builds nothing.
 */
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { goSources, goVersion } from "../controlplane/build.ts";

export const fluxModuleDir = dirname(fileURLToPath(import.meta.url));
const repoRoot = resolve(fluxModuleDir, "../..");

export const fluxBinaries = ["source-controller", "kustomize-controller", "helm-controller", "notification-controller", "testserver"] as const;
export type FluxBinary = (typeof fluxBinaries)[number];

export interface BuiltFlux {
  /** Module versions from go.mod, e.g. { "source-controller": "v1.9.6" }. */
  versions: Record<Exclude<FluxBinary, "testserver">, string>;
  bin: Record<FluxBinary, string>;
  /** True when this call compiled anything. */
  built: boolean;
  seconds: number;
}

// Stripped; no version stamping (the controllers report it only in logs).
const ldflags = "-s -w";

/** The versions test/flux/go.mod requires of the controllers. */
export function pinnedFluxVersions(): BuiltFlux["versions"] {
  const gomod = readFileSync(join(fluxModuleDir, "go.mod"), "utf8");
  const version = (controller: string): string => {
    const match = new RegExp(`^\\s*github\\.com/fluxcd/${controller}\\s+(v\\S+)`, "m").exec(gomod);
    if (!match?.[1]) throw new Error(`test/flux/go.mod does not require github.com/fluxcd/${controller}`);
    return match[1];
  };
  return {
    "source-controller": version("source-controller"),
    "kustomize-controller": version("kustomize-controller"),
    "helm-controller": version("helm-controller"),
    "notification-controller": version("notification-controller"),
  };
}

function stamp(): string {
  const hash = createHash("sha256");
  hash.update(goVersion()).update(ldflags);
  for (const file of goSources(fluxModuleDir)) hash.update(file.slice(fluxModuleDir.length)).update(readFileSync(file));
  return hash.digest("hex").slice(0, 16);
}

function outputDir(): string {
  return join(repoRoot, ".cache", "flux", stamp());
}

/** The binaries if a complete build is cached, else undefined (nothing is built). */
export function cachedFlux(): BuiltFlux | undefined {
  const out = outputDir();
  if (!existsSync(join(out, ".complete"))) return undefined;
  return { versions: pinnedFluxVersions(), bin: binPaths(out), built: false, seconds: 0 };
}

function binPaths(out: string): BuiltFlux["bin"] {
  return Object.fromEntries(fluxBinaries.map((b) => [b, join(out, b)])) as BuiltFlux["bin"];
}

/**
 * Returns the Flux binaries, building them first when they are missing (about 12 CPU-minutes
 * from an empty Go build cache: 6 minutes on 2 idle cores).
 * @example const flux = buildFlux(console.log); console.log(flux.bin["source-controller"]);
 */
export function buildFlux(log: (line: string) => void = () => {}): BuiltFlux {
  const started = performance.now();
  const out = outputDir();
  const bin = binPaths(out);
  const versions = pinnedFluxVersions();
  if (existsSync(join(out, ".complete"))) return { versions, bin, built: false, seconds: (performance.now() - started) / 1000 };

  log(`building the Flux controllers ${JSON.stringify(versions)} from Go modules into ${out} (from an empty Go cache: about 6 minutes on 2 idle cores)`);
  const staging = `${out}.partial-${process.pid}`;
  rmSync(staging, { recursive: true, force: true });
  mkdirSync(staging, { recursive: true });
  // "tool" names the controllers go.mod lists as tools; -mod=readonly because go.mod must
  // already be complete (it is never tidied, see go.mod).
  const result = spawnSync("go", ["build", "-mod=readonly", "-trimpath", "-ldflags", ldflags, "-o", staging + "/", "tool", "./testserver"], {
    cwd: fluxModuleDir,
    stdio: ["ignore", "inherit", "inherit"],
    env: { ...process.env, CGO_ENABLED: "0" },
  });
  if (result.status !== 0) {
    rmSync(staging, { recursive: true, force: true });
    throw new Error(`go build of the Flux controllers failed (exit ${result.status ?? result.signal})`);
  }
  writeFileSync(join(staging, ".complete"), new Date().toISOString() + "\n");
  rmSync(out, { recursive: true, force: true });
  mkdirSync(dirname(out), { recursive: true });
  renameSync(staging, out);
  // Older builds (other stamps) are dead weight, about 200 MB each.
  for (const entry of readdirSync(dirname(out))) {
    const path = join(dirname(out), entry);
    if (path !== out && !entry.includes(".partial-")) rmSync(path, { recursive: true, force: true });
  }
  const seconds = (performance.now() - started) / 1000;
  log(`built the Flux controllers in ${seconds.toFixed(1)} s`);
  return { versions, bin, built: true, seconds };
}
