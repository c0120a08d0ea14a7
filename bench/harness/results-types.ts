/** The shape of bench/results/<date>.json (schema 1). */
import type { Summary } from "./stats.ts";
import type { ContenderRun, Mode } from "./plan.ts";

export type CaseResult =
  | { ok: true; metrics: Record<string, Summary>; note?: string }
  | { ok: false; error: string; notApplicable?: boolean };

export interface MachineInfo {
  cpuModel: string;
  cores: number;
  memoryGiB: number;
  os: string;
  /** 1-minute load average at the start and the end of the run (other work on the machine skews figures). */
  loadStart: number;
  loadEnd: number;
  /** 1-minute load average when each case started and ended. */
  loadByCase?: Record<string, [number, number]>;
}

export interface FootprintEntry {
  /** Bytes of the consumer's node_modules after installing only this package. */
  installedBytes: number;
  installedFiles: number;
  /** Packages installed besides the package itself. */
  runtimeDependencies: number;
  /** `bun build --minify` of a minimal "list pods" program. */
  bundleBytes: number | undefined;
  bundleGzipBytes: number | undefined;
  bundleError?: string;
  /** Minified bytes by package (by source folder for bun-k8s), the largest twelve. */
  bundleComposition?: Record<string, number>;
  /** The same for the in-cluster "list pods" (bun-k8s only; undefined when it did not build). */
  inClusterBundleBytes?: number | undefined;
  inClusterBundleGzipBytes?: number | undefined;
  /** npm pack size (bun-k8s only: client-node comes from the registry). */
  tarballBytes?: number;
  /** How the programs import the package. */
  entry?: string;
}

export interface BenchResults {
  schema: 1;
  date: string;
  mode: Mode;
  durationSeconds: number;
  machine: MachineInfo;
  runtimes: { bun: string; node: string; node24?: string };
  versions: { bunK8s: string; clientNode: string; clientNode2?: string; kubernetes: string };
  contenders: ContenderRun[];
  /** Case name -> contender id -> result. */
  cases: Record<string, Record<string, CaseResult>>;
  /** Case name -> parameters used. */
  params: Record<string, unknown>;
  footprint: Record<"bun-k8s" | "client-node", FootprintEntry | { error: string }>;
  /** The cost curves' points (results under `cases[key]`), in the order they ran. */
  curves?: { key: string; curve: "list" | "informer" | "watches"; load: number }[];
  /** What the reader must know about how the file came about (e.g. cases merged from a second run). */
  notes?: string[];
  /** Steps a --budget run left out. */
  skipped?: { budgetMinutes: number; steps: string[] };
  /** Exec and port-forward throughput (bench/pod-io), when that step ran or left a results file. */
  podIo?: PodIoResults | undefined;
  /** Problems of the harness itself (any makes the run exit non-zero). */
  harnessErrors: string[];
}

/** bench/pod-io's figures as the main report shows them (MB/s, one child process per contender and case). */
export interface PodIoResults {
  startedAt: string;
  /** Machine, load and versions of that run. */
  header: string;
  contenders: string[];
  cases: { case: string; label: string; byContender: Record<string, { ok: true; summary: Summary } | { ok: false; error: string }> }[];
}
