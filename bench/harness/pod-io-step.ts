/**
 * The exec and port-forward step of `npm run bench`: runs bench/pod-io (its own control plane
 * with a kwok node, after the main cases' control plane stopped) and reads its results back
 * into the main report.
 */
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { Mode } from "./plan.ts";
import type { PodIoResults } from "./results-types.ts";
import { summarize } from "./stats.ts";

/** Runs the pod I/O bench, writing pod-io.{json,md} into `outDir`; resolves with its exit code. */
export function runPodIo(bun: string, benchDir: string, outDir: string, mode: Mode, log: (line: string) => void): number {
  log("pod-io: exec and port-forward throughput (bench/pod-io, its own control plane with a kwok node)");
  const argv = [join(benchDir, "pod-io", "pod-io-bench.ts"), `--out=${outDir}`, ...(mode === "smoke" ? ["--smoke"] : [])];
  // Its child lines go to stderr, where the orchestrator logs too; stdout carries only the main report.
  const r = spawnSync(bun, argv, { stdio: ["ignore", process.stderr, process.stderr] });
  return r.status ?? 1;
}

interface PodIoFile {
  startedAt: string;
  header: string;
  cases?: { case: string; label: string }[];
  contenders?: string[];
  results: Record<string, Record<string, { ok: true; mbPerSecond: number[] } | { ok: false; error: string }>>;
}

/** The pod I/O results in `outDir`, summarised like the main cases; undefined when there are none. */
export function readPodIo(outDir: string): PodIoResults | undefined {
  const file = join(outDir, "pod-io.json");
  if (!existsSync(file)) return undefined;
  const raw = JSON.parse(readFileSync(file, "utf8")) as PodIoFile;
  const cases = raw.cases ?? Object.keys(raw.results).map((name) => ({ case: name, label: name }));
  const contenders = raw.contenders ?? [...new Set(Object.values(raw.results).flatMap((byId) => Object.keys(byId)))];
  return {
    startedAt: raw.startedAt,
    header: raw.header,
    contenders,
    cases: cases.map(({ case: name, label }) => ({
      case: name,
      label,
      byContender: Object.fromEntries(
        Object.entries(raw.results[name] ?? {}).map(([id, r]) => [id, r.ok ? { ok: true as const, summary: summarize(r.mbPerSecond, "MB/s") } : r]),
      ),
    })),
  };
}
