/**
 * Runs client-child.ts in a child process of the runtime under test (Bun and Deno run the
 * TypeScript as it is; Node runs a bundle Bun builds once per run, so no TypeScript
 * compiler sits in the measured process) and reports its result, its peak RSS (VmHWM
 * from /proc/<pid>/status, read before the child is killed) and its wall time.
 */
import { execFileSync, spawn } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { realNodePath } from "../support/node-runtime.ts";
import type { Step, StepResult } from "./client-child.ts";

const here = dirname(fileURLToPath(import.meta.url));
const repo = join(here, "..", "..");
const childSource = join(here, "client-child.ts");
const bundle = join(repo, ".cache", "hostile", "client-child.mjs");

/** The runtime under test: the one this suite runs on, and so the one its children run on. */
export const runtime: "bun" | "node" | "deno" =
  typeof process.versions.bun === "string" ? "bun" : typeof (process.versions as { deno?: string }).deno === "string" ? "deno" : "node";

/** The Bun binary: this process under Bun, else the npm dev dependency. */
function bunPath(): string {
  return runtime === "bun" ? process.execPath : join(repo, "node_modules", ".bin", "bun");
}

let bundled = false;

/** Node cannot run the TypeScript sources without a loader: bundle the child with Bun (a few hundred ms). */
function nodeBundle(): string {
  if (!bundled) {
    mkdirSync(dirname(bundle), { recursive: true });
    execFileSync(bunPath(), ["build", childSource, "--target=node", "--format=esm", `--outfile=${bundle}`], { cwd: repo, stdio: ["ignore", "ignore", "pipe"] });
    if (!existsSync(bundle) || statSync(bundle).size === 0) throw new Error("bun build produced no bundle");
    bundled = true;
  }
  return bundle;
}

export interface ChildRun {
  result: StepResult | undefined;
  /** Peak resident memory of the child, MiB. */
  peakRssMiB: number;
  /** From spawn to result, ms (process start included). */
  wallMs: number;
  /** How the child ended when it gave no result (a crash). */
  crash?: string;
}

function peakRss(pid: number): number | undefined {
  try {
    const kib = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"))?.[1];
    return kib === undefined ? undefined : Number(kib) / 1024;
  } catch {
    return undefined;
  }
}

/**
 * @example const run = await runChild({ op: "list", kubeconfig }); expect(run.peakRssMiB).toBeLessThan(600);
 */
export function runChild(step: Step, killAfterMs = 60_000): Promise<ChildRun> {
  const [command, args] =
    runtime === "bun" ? [bunPath(), [childSource]] : runtime === "deno" ? [process.execPath, ["run", "-A", childSource]] : [realNodePath(), [nodeBundle()]];
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      cwd: repo,
      env: { ...process.env, HOSTILE_STEP: JSON.stringify(step), NODE_OPTIONS: "" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    let peak = 0;
    let result: StepResult | undefined;
    let wallMs = 0;
    const sample = (): void => {
      if (child.pid !== undefined) peak = Math.max(peak, peakRss(child.pid) ?? 0);
    };
    const poll = setInterval(sample, 20);
    const killer = setTimeout(() => child.kill("SIGKILL"), killAfterMs);
    child.stdout.on("data", (d: Buffer) => {
      stdout += d.toString();
      const line = /^RESULT (.*)$/m.exec(stdout)?.[1];
      if (line !== undefined && result === undefined) {
        wallMs = performance.now() - started;
        result = JSON.parse(line) as StepResult;
        sample();
        child.kill("SIGKILL");
      }
    });
    child.stderr.on("data", (d: Buffer) => (stderr = (stderr + d.toString()).slice(-4000)));
    child.on("error", reject);
    child.on("close", (code, signal) => {
      clearInterval(poll);
      clearTimeout(killer);
      const run: ChildRun = { result, peakRssMiB: Math.round(peak), wallMs: Math.round(wallMs || performance.now() - started) };
      if (!result) run.crash = `exit ${code ?? "-"} signal ${signal ?? "-"}: ${stderr.trim().split("\n").slice(-5).join(" | ")}`;
      resolve(run);
    });
  });
}
