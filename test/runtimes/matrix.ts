/**
 * The runtime × suite matrix (docs/runtimes.md). `npm test` runs all of it, CI's `.ci/run` too; its two
 * tiers also run alone, for a shorter local loop:
 *
 * - main (`npm run test:main`): unit, hostile and contract on Node 20 and Bun, and the packaging suite;
 * - runtimes (`npm run test:runtimes`): unit on Node 22, 24, 26 and Deno, hostile on Deno,
 *   contract on Node 24 and Deno.
 *
 * Each cell is one vitest run of one project on one runtime. A tier runs in stages; the cells of
 * one stage run at the same time (two contract suites, each with its own control plane, leave
 * the two cores idle half the time when run one after the other; a unit suite runs one vitest
 * worker on 2 cores). Hostile cells run alone: they measure a child's memory and time. The runner keeps going after
 * a failed cell, prints the table (passed/total, wall time) and writes it to .cache/runtimes/.
 */
import { spawn } from "node:child_process";
import { createInterface } from "node:readline";
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { delimiter, join } from "node:path";
import { repoRoot } from "../../specs/materialise.ts";
import { assertInstalled, runtimes, type Runtime, type RuntimeName } from "./runtimes.ts";

export type Suite = "unit" | "hostile" | "contract" | "packaging";
export type TierName = "main" | "runtimes";

export interface Cell {
  runtime: RuntimeName;
  suite: Suite;
}

export interface Tier {
  /** The documented command that runs this tier. */
  command: string;
  /** Run in order; the cells of one stage run at the same time. */
  stages: readonly (readonly Cell[])[];
}

export const tiers: Record<TierName, Tier> = {
  main: {
    command: "npm run test:main",
    stages: [
      // Side by side, as in the runtimes tier: vitest leaves one of the 2 cores idle.
      [
        { runtime: "node20", suite: "unit" },
        { runtime: "bun", suite: "unit" },
      ],
      // Hostile servers measure a child's memory and time: alone, never beside another cell.
      [{ runtime: "node20", suite: "hostile" }],
      [{ runtime: "bun", suite: "hostile" }],
      [
        { runtime: "node20", suite: "contract" },
        { runtime: "bun", suite: "contract" },
      ],
      [{ runtime: "node20", suite: "packaging" }],
    ],
  },
  runtimes: {
    command: "npm run test:runtimes",
    stages: [
      // Vitest runs one worker on 2 cores (cores - 1): two unit cells side by side use both
      // (Node 24 and 26 one after the other 4 min 28 s, side by side 3 min 15 s; docs/runtimes.md).
      [
        { runtime: "node22", suite: "unit" },
        { runtime: "node24", suite: "unit" },
      ],
      [
        { runtime: "node26", suite: "unit" },
        { runtime: "deno", suite: "unit" },
      ],
      [{ runtime: "deno", suite: "hostile" }],
      [
        { runtime: "node24", suite: "contract" },
        { runtime: "deno", suite: "contract" },
      ],
    ],
  },
};

export interface CellResult extends Cell {
  label: string;
  passed: number;
  failed: number;
  skipped: number;
  total: number;
  seconds: number;
  exitCode: number | null;
}

const resultsDir = join(repoRoot, ".cache", "runtimes");
const vitest = join(repoRoot, "node_modules", "vitest", "vitest.mjs");

/** What vitest's json reporter writes that we read. */
interface VitestJson {
  numTotalTests: number;
  numPassedTests: number;
  numFailedTests: number;
  numPendingTests: number;
  numTodoTests: number;
}

function cellEnv(runtime: Runtime): Record<string, string | undefined> {
  const path = [...runtime.pathFirst, ...(process.env.PATH ?? "").split(delimiter)].join(delimiter);
  return { ...process.env, PATH: path, BUN_K8S_EXPECT_RUNTIME: runtime.expect, DENO_NO_UPDATE_CHECK: "1", DENO_NO_PROMPT: "1" };
}

/** Passes a child's output through, each line tagged with its cell when cells run side by side. */
function relay(stream: NodeJS.ReadableStream, out: NodeJS.WritableStream, tag: string | undefined): void {
  if (!tag) {
    stream.pipe(out);
    return;
  }
  createInterface({ input: stream }).on("line", (line) => out.write(`[${tag}] ${line}\n`));
}

/**
 * Runs one vitest project on one runtime, its output passed through (each line tagged with the
 * cell when `tagged`), and reads the counts from vitest's json report.
 *
 * @example
 * const r = await runCell({ runtime: "node24", suite: "unit" });
 * console.log(`${r.passed}/${r.total} in ${r.seconds} s`);
 */
export async function runCell(cell: Cell, tagged = false): Promise<CellResult> {
  const runtime = runtimes()[cell.runtime];
  assertInstalled(runtime);
  mkdirSync(resultsDir, { recursive: true });
  const report = join(resultsDir, `${cell.suite}-${cell.runtime}.json`);
  rmSync(report, { force: true });
  const args = [...runtime.runArgs, vitest, "run", "--project", cell.suite, "--reporter=default", "--reporter=json", `--outputFile.json=${report}`];
  console.log(`\n[matrix] ${cell.suite} on ${runtime.label}: ${runtime.bin} ${args.join(" ")}`);
  const started = performance.now();
  const exitCode = await new Promise<number | null>((resolve, reject) => {
    const child = spawn(runtime.bin, args, { cwd: repoRoot, env: cellEnv(runtime), stdio: ["ignore", "pipe", "pipe"] });
    const tag = tagged ? `${cell.suite}@${cell.runtime}` : undefined;
    relay(child.stdout, process.stdout, tag);
    relay(child.stderr, process.stderr, tag);
    child.on("error", reject);
    child.on("close", resolve);
  });
  const seconds = Math.round((performance.now() - started) / 100) / 10;
  let counts: VitestJson = { numTotalTests: 0, numPassedTests: 0, numFailedTests: 0, numPendingTests: 0, numTodoTests: 0 };
  try {
    counts = JSON.parse(readFileSync(report, "utf8")) as VitestJson;
  } catch {
    // No report: vitest died before its reporters ran; the exit code tells.
  }
  return {
    ...cell,
    label: runtime.label,
    passed: counts.numPassedTests,
    failed: counts.numFailedTests,
    skipped: counts.numPendingTests + counts.numTodoTests,
    total: counts.numTotalTests,
    seconds,
    exitCode,
  };
}

/** A cell passed when vitest exited 0 and ran at least one test. */
export function cellPassed(r: CellResult): boolean {
  return r.exitCode === 0 && r.failed === 0 && r.passed > 0;
}

function minutes(seconds: number): string {
  return seconds < 60 ? `${seconds.toFixed(0)} s` : `${Math.floor(seconds / 60)} min ${(seconds % 60).toFixed(0).padStart(2, "0")} s`;
}

/**
 * The results as a Markdown table: runtime × suite → passed/total and wall time, and the
 * tier's own wall time (less than the sum when cells ran side by side).
 *
 * @example
 * console.log(formatTable(results, 725));
 */
export function formatTable(results: readonly CellResult[], wallSeconds: number): string {
  const rows = results.map((r) => {
    const skipped = r.skipped > 0 ? ` (${r.skipped} skipped)` : "";
    const verdict = cellPassed(r) ? "ok" : `FAILED (exit ${r.exitCode})`;
    return `| ${r.label} | ${r.suite} | ${r.passed}/${r.total}${skipped} | ${minutes(r.seconds)} | ${verdict} |`;
  });
  const sum = results.reduce((s, r) => s + r.seconds, 0);
  return [
    "| runtime | suite | passed/total | wall time | result |",
    "| --- | --- | --- | --- | --- |",
    ...rows,
    `| | | | ${minutes(wallSeconds)} | wall time of the run (cells added up: ${minutes(sum)}) |`,
  ].join("\n");
}

/**
 * Runs every stage of the given tiers in order, the cells of a stage side by side, and returns
 * whether all passed.
 *
 * @example
 * process.exitCode = (await runTiers(["main"])) ? 0 : 1;
 */
export async function runTiers(names: readonly TierName[], only?: ReadonlySet<string>): Promise<boolean> {
  const stages = names
    .flatMap((n) => tiers[n].stages)
    .map((stage) => stage.filter((c) => !only || only.has(`${c.suite}@${c.runtime}`)))
    .filter((stage) => stage.length > 0);
  if (stages.length === 0) throw new Error(`no cell of ${names.join(", ")} matches ${[...(only ?? [])].join(", ")}`);
  const started = performance.now();
  const results: CellResult[] = [];
  for (const stage of stages) results.push(...(await Promise.all(stage.map((cell) => runCell(cell, stage.length > 1)))));
  const table = formatTable(results, (performance.now() - started) / 1000);
  console.log(`\n[matrix] ${names.join(" + ")}\n${table}`);
  mkdirSync(resultsDir, { recursive: true });
  writeFileSync(join(resultsDir, `${names.join("+")}.md`), `${table}\n`);
  writeFileSync(join(resultsDir, `${names.join("+")}.json`), `${JSON.stringify(results, null, 2)}\n`);
  return results.every(cellPassed);
}
