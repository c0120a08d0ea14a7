/**
 * Builds the local control plane from the Kubernetes Go modules, on demand and cached.
 *
 * The binaries land in .cache/controlplane/<stamp>/, where the stamp hashes everything
 * that decides their content (go.mod, go.sum, our Go sources and patches, the ldflags, the
 * Go version). A second run with nothing changed finds the folder complete and builds nothing.
 * Beside the binaries, kwok-files/ holds the Stage and CRD files kwok needs at run time,
 * copied from its Go module.
 */
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { copyFileSync, existsSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { basename, dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { kwokModule, patchedModuleDir, preparePatchedModules } from "./patched-modules.ts";

export const moduleDir = dirname(fileURLToPath(import.meta.url));
export const repoRoot = resolve(moduleDir, "../..");

export const binaries = ["kube-apiserver", "kube-controller-manager", "kube-scheduler", "kubectl", "etcd", "cptool", "kwok"] as const;
export type Binary = (typeof binaries)[number];

/**
 * One `go build` each, so that the log says what each part costs. Go's build cache is
 * shared: a later group reuses every package an earlier one compiled.
 */
const buildGroups: { name: string; targets: string[] }[] = [
  {
    name: "kube-apiserver, kube-controller-manager, kubectl, etcd, cptool",
    targets: ["k8s.io/kubernetes/cmd/kube-apiserver", "k8s.io/kubernetes/cmd/kube-controller-manager", "k8s.io/kubernetes/cmd/kubectl", "./etcd", "./cptool"],
  },
  { name: "kube-scheduler", targets: ["k8s.io/kubernetes/cmd/kube-scheduler"] },
  { name: "kwok", targets: ["sigs.k8s.io/kwok/cmd/kwok"] },
];

/**
 * kwok's own Stage files (kwokctl's defaults: fast node and pod lifecycles, heartbeat through
 * a Lease) and the CRDs of the per-pod objects we let it watch. Paths inside its module.
 */
const kwokStageFiles = [
  "kustomize/stage/node/fast/node-initialize.yaml",
  "kustomize/stage/node/heartbeat-with-lease/node-heartbeat-with-lease.yaml",
  "kustomize/stage/pod/fast/pod-ready.yaml",
  "kustomize/stage/pod/fast/pod-complete.yaml",
  "kustomize/stage/pod/fast/pod-delete.yaml",
];
const kwokCrdFiles = ["execs", "logs", "attaches", "portforwards"].map((p) => `kustomize/crd/bases/kwok.x-k8s.io_${p}.yaml`);

export interface BuiltControlPlane {
  /** e.g. "v1.37.2". */
  version: string;
  bin: Record<Binary, string>;
  /** kwok's Stage files, to pass with --config. */
  kwokStages: string[];
  /** CRDs of kwok's per-pod Exec, Logs, Attach and PortForward objects. */
  kwokCrds: string[];
  /** True when this call compiled anything. */
  built: boolean;
  seconds: number;
  /** Seconds per build group when `built`, e.g. { "kwok": 31.2 }. */
  groupSeconds: Record<string, number>;
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
    else if (/\.(go|patch)$/.test(entry.name) || entry.name === "go.mod" || entry.name === "go.sum") found.push(path);
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
  // Before any go command here: go.mod replaces kwok with the patched copy this makes.
  preparePatchedModules(moduleDir, repoRoot, log);
  const version = pinnedKubernetesVersion();
  const out = join(repoRoot, ".cache", "controlplane", `${version}-${stamp(version)}`);
  const bin = Object.fromEntries(binaries.map((b) => [b, join(out, b)])) as Record<Binary, string>;
  const kwokStages = kwokStageFiles.map((f) => join(out, "kwok-files", "stages", basename(f)));
  const kwokCrds = kwokCrdFiles.map((f) => join(out, "kwok-files", "crds", basename(f)));
  const complete = join(out, ".complete");
  const result = { version, bin, kwokStages, kwokCrds, groupSeconds: {} as Record<string, number> };
  if (existsSync(complete)) return { ...result, built: false, seconds: (performance.now() - started) / 1000 };

  log(`building the control plane ${version} from Go modules into ${out} (first build takes several minutes)`);
  const staging = `${out}.partial-${process.pid}`;
  rmSync(staging, { recursive: true, force: true });
  mkdirSync(staging, { recursive: true });
  try {
    for (const group of buildGroups) {
      const groupStarted = performance.now();
      const go = spawnSync("go", ["build", "-trimpath", "-ldflags", ldflags(version), "-o", staging + "/", ...group.targets], {
        cwd: moduleDir,
        stdio: ["ignore", "inherit", "inherit"],
        env: { ...process.env, CGO_ENABLED: "0" },
      });
      if (go.status !== 0) throw new Error(`go build of ${group.name} failed (exit ${go.status ?? go.signal})`);
      result.groupSeconds[group.name] = (performance.now() - groupStarted) / 1000;
      log(`built ${group.name} in ${result.groupSeconds[group.name]!.toFixed(1)} s`);
    }
    copyKwokFiles(staging);
  } catch (error) {
    rmSync(staging, { recursive: true, force: true });
    throw error;
  }
  writeFileSync(join(staging, ".complete"), new Date().toISOString() + "\n");
  rmSync(out, { recursive: true, force: true });
  mkdirSync(dirname(out), { recursive: true });
  renameSync(staging, out);
  // Older builds (other stamps) are dead weight, about 400 MB each.
  for (const entry of readdirSync(dirname(out))) {
    const path = join(dirname(out), entry);
    if (path !== out && !entry.includes(".partial-")) rmSync(path, { recursive: true, force: true });
  }
  const seconds = (performance.now() - started) / 1000;
  log(`built the control plane in ${seconds.toFixed(1)} s`);
  return { ...result, built: true, seconds };
}

function copyKwokFiles(staging: string): void {
  const source = patchedModuleDir(repoRoot, kwokModule);
  for (const [folder, files] of [["stages", kwokStageFiles], ["crds", kwokCrdFiles]] as const) {
    mkdirSync(join(staging, "kwok-files", folder), { recursive: true });
    for (const file of files) copyFileSync(join(source, file), join(staging, "kwok-files", folder, basename(file)));
  }
}
