/**
 * Builds the local control plane from the Kubernetes Go modules, on demand and cached.
 *
 * The binaries land in .cache/controlplane/<stamp>/, where the stamp hashes everything
 * that decides their content (go.mod, go.sum, our Go sources, the ldflags, the Go version).
 * A second run with nothing changed finds the folder complete and builds nothing.
 */
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

export const moduleDir = dirname(fileURLToPath(import.meta.url));
export const repoRoot = resolve(moduleDir, "../..");

export const binaries = ["kube-apiserver", "kube-controller-manager", "kubectl", "etcd", "cptool"] as const;
export type Binary = (typeof binaries)[number];

export interface BuiltControlPlane {
  /** e.g. "v1.37.2". */
  version: string;
  bin: Record<Binary, string>;
  /** True when this call compiled anything. */
  built: boolean;
  seconds: number;
}

/** The k8s.io/kubernetes version go.mod pins, e.g. "v1.37.2". */
export function pinnedKubernetesVersion(): string {
  const gomod = readFileSync(join(moduleDir, "go.mod"), "utf8");
  const match = /^\s*k8s\.io\/kubernetes\s+(v\d+\.\d+\.\d+\S*)/m.exec(gomod);
  if (!match?.[1]) throw new Error(`test/controlplane/go.mod does not require k8s.io/kubernetes`);
  return match[1];
}

function ldflags(version: string): string {
  const [major, minor] = version.replace(/^v/, "").split(".");
  const pkg = "k8s.io/component-base/version";
  return [
    "-s -w",
    `-X ${pkg}.gitVersion=${version}`,
    `-X ${pkg}.gitMajor=${major}`,
    `-X ${pkg}.gitMinor=${minor}`,
    `-X ${pkg}.gitTreeState=clean`,
    // Fixed, so that identical inputs give identical binaries.
    `-X ${pkg}.buildDate=1970-01-01T00:00:00Z`,
  ].join(" ");
}

export function goVersion(): string {
  const out = spawnSync("go", ["env", "GOVERSION"], { encoding: "utf8" });
  if (out.status !== 0) {
    throw new Error(`Go is required to build the control plane (go env GOVERSION failed: ${out.stderr || out.error})`);
  }
  return out.stdout.trim();
}

export function goSources(dir: string): string[] {
  const found: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) found.push(...goSources(path));
    else if (entry.name.endsWith(".go") || entry.name === "go.mod" || entry.name === "go.sum") found.push(path);
  }
  return found.sort();
}

function stamp(version: string): string {
  const hash = createHash("sha256");
  hash.update(goVersion()).update(ldflags(version));
  for (const file of goSources(moduleDir)) hash.update(file.slice(moduleDir.length)).update(readFileSync(file));
  return hash.digest("hex").slice(0, 16);
}

/**
 * Returns the control-plane binaries, building them first when they are missing.
 * @example const cp = buildControlPlane(); console.log(cp.bin["kube-apiserver"]);
 */
export function buildControlPlane(log: (line: string) => void = () => {}): BuiltControlPlane {
  const started = performance.now();
  const version = pinnedKubernetesVersion();
  const out = join(repoRoot, ".cache", "controlplane", `${version}-${stamp(version)}`);
  const bin = Object.fromEntries(binaries.map((b) => [b, join(out, b)])) as Record<Binary, string>;
  const complete = join(out, ".complete");
  if (existsSync(complete)) return { version, bin, built: false, seconds: (performance.now() - started) / 1000 };

  log(`building the control plane ${version} from Go modules into ${out} (first build takes several minutes)`);
  const staging = `${out}.partial-${process.pid}`;
  rmSync(staging, { recursive: true, force: true });
  mkdirSync(staging, { recursive: true });
  const targets = [
    "k8s.io/kubernetes/cmd/kube-apiserver",
    "k8s.io/kubernetes/cmd/kube-controller-manager",
    "k8s.io/kubernetes/cmd/kubectl",
    "./etcd",
    "./cptool",
  ];
  const result = spawnSync("go", ["build", "-trimpath", "-ldflags", ldflags(version), "-o", staging + "/", ...targets], {
    cwd: moduleDir,
    stdio: ["ignore", "inherit", "inherit"],
    env: { ...process.env, CGO_ENABLED: "0" },
  });
  if (result.status !== 0) {
    rmSync(staging, { recursive: true, force: true });
    throw new Error(`go build of the control plane failed (exit ${result.status ?? result.signal})`);
  }
  writeFileSync(join(staging, ".complete"), new Date().toISOString() + "\n");
  rmSync(out, { recursive: true, force: true });
  mkdirSync(dirname(out), { recursive: true });
  renameSync(staging, out);
  // Older builds (other stamps) are dead weight, about 300 MB each.
  for (const entry of readdirSync(dirname(out))) {
    const path = join(dirname(out), entry);
    if (path !== out && !entry.includes(".partial-")) rmSync(path, { recursive: true, force: true });
  }
  const seconds = (performance.now() - started) / 1000;
  log(`built the control plane in ${seconds.toFixed(1)} s`);
  return { version, bin, built: true, seconds };
}
