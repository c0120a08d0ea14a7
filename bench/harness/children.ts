/**
 * Child processes: bundling each contender for both runtimes, and running one case in a
 * fresh process per contender and runtime.
 */
import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, rmSync } from "node:fs";
import { dirname, join } from "node:path";
import type { BenchTarget } from "../child/contender.ts";
import type { CaseParams, ChildResult } from "./case-params.ts";
import type { Library, Runtime } from "./plan.ts";

export interface RuntimeBins {
  bun: string;
  node: string;
  node24: string;
}

/** Bundles by library; `error` when the bundle could not be built (a module not written yet...). */
export type Bundles = Record<Library, { file: string } | { error: string }>;

/**
 * Bundles each contender's entry with `bun build --target=node`, so Node 20 runs the same
 * JavaScript that Bun runs. client-node stays external (resolved from bench/node_modules, as
 * a user would install it); bun-k8s and js-yaml are bundled from the checkout.
 */
export function buildBundles(benchDir: string, outDir: string, bins: RuntimeBins): Bundles {
  mkdirSync(outDir, { recursive: true });
  const out = {} as Bundles;
  for (const library of ["bun-k8s", "client-node", "client-node-2", "floor"] as const) {
    const file = join(outDir, `${library}.mjs`);
    const r = spawnSync(
      bins.bun,
      ["build", join(benchDir, "child", `${library}.ts`), "--target=node", "--external", "@kubernetes/client-node", "--external", "client-node-2", "--outfile", file],
      { encoding: "utf8" },
    );
    out[library] =
      r.status === 0 && existsSync(file)
        ? { file }
        : { error: `not available yet: bundling bench/child/${library}.ts failed: ${buildError(r.stderr || r.stdout)}` };
  }
  return out;
}

/** Bun prints the source line and a caret before "error: ..."; the error lines say it all. */
function buildError(output: string): string {
  const errors = output.split("\n").filter((l) => /^\s*error:/.test(l));
  return errors.length ? firstLines(errors.join("\n"), 3) : firstLines(output, 3);
}

function firstLines(text: string, n: number): string {
  return text
    .split("\n")
    .map((l) => l.trim())
    .filter(Boolean)
    .slice(0, n)
    .join(" | ")
    .slice(0, 500);
}

export function runtimeArgs(runtime: Runtime): string[] {
  // Node needs --expose-gc for the memory cases; Bun has Bun.gc.
  return runtime === "bun" ? [] : ["--expose-gc"];
}

/** Runs one case in a new process; never rejects: a crash or a timeout is a failed result. */
export function runCaseInChild(
  bins: RuntimeBins,
  runtime: Runtime,
  bundle: string,
  params: CaseParams,
  target: BenchTarget,
  timeoutMs: number,
): Promise<ChildResult> {
  const resultFile = join(dirname(bundle), `result-${process.pid}-${++resultCounter}.json`);
  rmSync(resultFile, { force: true });
  return new Promise((resolve) => {
    const child = spawn(bins[runtime], [...runtimeArgs(runtime), bundle, JSON.stringify(params)], {
      env: { ...process.env, BENCH_TARGET: JSON.stringify(target), BENCH_RESULT_FILE: resultFile },
      stdio: ["ignore", "ignore", "pipe"],
    });
    let stderr = "";
    child.stderr.on("data", (c: Buffer) => (stderr = (stderr + c.toString("utf8")).slice(-4000)));
    const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      const why = signal === "SIGKILL" ? `timed out after ${timeoutMs / 1000} s` : `exited with ${code ?? signal}`;
      const tail = firstLines(stderr.split("\n").slice(-6).join("\n"), 6);
      try {
        if (existsSync(resultFile)) return resolve(JSON.parse(readFileSync(resultFile, "utf8")) as ChildResult);
        resolve({ ok: false, error: `${why} and no result: ${tail}` });
      } catch (error) {
        resolve({ ok: false, error: `${why}, result unreadable (${(error as Error).message}): ${tail}` });
      } finally {
        rmSync(resultFile, { force: true });
      }
    });
  });
}

let resultCounter = 0;
