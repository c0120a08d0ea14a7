/**
 * Cold start: from spawning the runtime to the first list of namespaces being done, measured
 * by the parent (spawn -> the program's report line), plus the program's own import time.
 */
import { spawn } from "node:child_process";
import { join } from "node:path";
import type { BenchTarget } from "../child/contender.ts";
import type { RuntimeBins } from "./children.ts";
import type { Runtime } from "./plan.ts";
import type { MetricSamples } from "./case-params.ts";

interface ColdReport {
  importMs: number;
  totalInProcessMs: number;
  count: number;
}

function once(bins: RuntimeBins, runtime: Runtime, dir: string, target: BenchTarget, timeoutMs: number): Promise<{ spawnToListMs: number; report: ColdReport }> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(bins[runtime], [join(dir, "cold-start.mjs")], {
      cwd: dir,
      env: { ...process.env, KUBECONFIG: target.kubeconfig, BENCH_TARGET: JSON.stringify(target) },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    let report: { spawnToListMs: number; report: ColdReport } | undefined;
    const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
    child.stdout.on("data", (c: Buffer) => {
      const at = performance.now();
      stdout += c.toString("utf8");
      // Only complete lines: a chunk may end in the middle of the report.
      const line = stdout.split("\n").slice(0, -1).find((l) => l.startsWith("BENCH_COLD "));
      if (line && !report) {
        try {
          report = { spawnToListMs: at - started, report: JSON.parse(line.slice("BENCH_COLD ".length)) as ColdReport };
        } catch {
          // Left undefined: reported as "exited before listing namespaces" with stderr.
        }
      }
    });
    child.stderr.on("data", (c: Buffer) => (stderr = (stderr + c.toString("utf8")).slice(-2000)));
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      if (report) return resolve(report);
      const why = signal === "SIGKILL" ? `timed out after ${timeoutMs / 1000} s` : `exited with ${code ?? signal} before listing namespaces`;
      const tail = stderr.trim().split("\n").slice(-4).join(" | ").slice(0, 500);
      reject(new Error(`${why}: ${tail}`));
    });
  });
}

/** Warm-up spawns first (disk cache, JIT caches), then `reps` measured ones. */
export async function coldStart(
  bins: RuntimeBins,
  runtime: Runtime,
  dir: string,
  target: BenchTarget,
  plan: { warmup: number; reps: number },
): Promise<Record<string, MetricSamples>> {
  for (let i = 0; i < plan.warmup; i++) await once(bins, runtime, dir, target, 60_000);
  const total: number[] = [];
  const imports: number[] = [];
  for (let i = 0; i < plan.reps; i++) {
    const r = await once(bins, runtime, dir, target, 60_000);
    if (!(r.report.count > 0)) throw new Error(`the program listed ${r.report.count} namespaces`);
    total.push(r.spawnToListMs);
    imports.push(r.report.importMs);
  }
  return { total: { unit: "ms", samples: total }, import: { unit: "ms", samples: imports } };
}
