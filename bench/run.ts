/**
 * npm run bench | bench:smoke — bun-k8s side by side with @kubernetes/client-node and the
 * raw floor, on Bun and on Node, against ONE local kube-apiserver in one session.
 *
 *   bun bench/run.ts [--smoke] [--cases=list,watch,...] [--contenders=bun-k8s@bun,...] [--out=DIR]
 *   bun bench/run.ts --render=bench/results/<date>.json   (redraw the table and chart only)
 *   --budget=MIN: start no step after MIN minutes; what was left out is listed in the report
 *   --curve-rounds=N: rounds per cost-curve point (full: 3)
 *
 * Writes <out>/<date>.json, <out>/<date>.md, <out>/latest.md and <out>/latest.svg
 * (out: bench/results, or bench/.build/smoke for --smoke). Figures are never asserted; the
 * exit code is non-zero only when the harness itself breaks.
 */
import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { cpus, loadavg, platform, release, totalmem } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { ControlPlane } from "../test/controlplane/launcher.ts";
import type { BenchTarget } from "./child/contender.ts";
import type { CaseParams, ChildResult, MetricSamples } from "./harness/case-params.ts";
import { buildBundles, runCaseInChild, type RuntimeBins } from "./harness/children.ts";
import { coldStart } from "./harness/cold-start.ts";
import { prepareConsumers } from "./harness/footprint.ts";
import { CONTENDERS, CURVE_CONTENDERS, GET_TARGET, NAMESPACES, makePlan, type ContenderRun } from "./harness/plan.ts";
import { readPodIo, runPodIo } from "./harness/pod-io-step.ts";
import { renderMarkdown } from "./harness/report-markdown.ts";
import { renderSvg } from "./harness/report-svg.ts";
import type { BenchResults, CaseResult } from "./harness/results-types.ts";
import { deleteNamespace, ensureNamespace, seedConfigMaps, waitNamespacesGone, type SeedTarget } from "./harness/seed.ts";
import { summarize } from "./harness/stats.ts";

const benchDir = dirname(fileURLToPath(import.meta.url));
const repoRoot = dirname(benchDir);
const buildDir = join(benchDir, ".build");
const log = (line: string) => process.stderr.write(`[bench] ${line}\n`);

const args = new Map(
  process.argv.slice(2).map((a) => {
    const [k, v] = a.replace(/^--/, "").split("=", 2);
    return [k!, v ?? "true"] as const;
  }),
);
const mode = args.has("smoke") ? "smoke" : "full";
const plan = makePlan(mode, args.has("curve-rounds") ? Number(args.get("curve-rounds")) : undefined);
const onlyCases = args.get("cases")?.split(",");
const contenders = CONTENDERS.filter((c) => !args.has("contenders") || args.get("contenders")!.split(",").includes(c.id));
const outDir = args.get("out") ?? (mode === "smoke" ? join(buildDir, "smoke") : join(benchDir, "results"));
const wanted = (name: string) => !onlyCases || onlyCases.includes(name);
const budgetMin = args.has("budget") ? Number(args.get("budget")) : undefined;
/** Steps left out because the time budget ran out. */
const skipped: string[] = [];
/** Whether a step may still start (`reserveMin`: minutes it needs before the budget ends). */
function inBudget(step: string, reserveMin = 0): boolean {
  const elapsedMin = (performance.now() - started) / 60_000;
  if (budgetMin === undefined || elapsedMin < budgetMin - reserveMin) return true;
  skipped.push(step);
  log(`${step}: not started, ${elapsedMin.toFixed(1)} min into a ${budgetMin} min budget`);
  return false;
}
/** Cases run after the per-request, hog and curve cases: the first to go when time is short. */
const DEFERRED = new Set(["informer-transformed", "informer-metadata", "informer-metadata-transformed", "reconcile"]);

const harnessErrors: string[] = [];
const started = performance.now();
const loadStart = loadavg()[0]!;

function commandOutput(command: string, argv: string[], cwd = repoRoot): string {
  const r = spawnSync(command, argv, { cwd, encoding: "utf8" });
  return r.status === 0 ? r.stdout.trim() : "";
}

function which(name: string): string {
  return commandOutput("sh", ["-c", `command -v ${name}`]) || name;
}

const bins: RuntimeBins = {
  bun: join(repoRoot, "node_modules", ".bin", "bun"),
  node: process.versions.bun ? (process.env.npm_node_execpath ?? which("node")) : process.execPath,
  // The pinned Node 24 of the runtime matrix (test/runtimes); its contenders record an error when it is not installed.
  node24: join(repoRoot, "test", "runtimes", "toolchain", "node_modules", "node24", "bin", "node"),
};

/** Why a contender's runtime cannot run, or undefined. */
function missingRuntime(c: ContenderRun): string | undefined {
  return existsSync(bins[c.runtime]) || c.runtime === "node" ? undefined : `${c.runtime} is not installed at ${bins[c.runtime]}: run npm run runtimes:install`;
}

function clientNodeVersion(): string {
  const manifest = join(benchDir, "node_modules", "@kubernetes", "client-node", "package.json");
  if (!existsSync(manifest) || !existsSync(clientNode2Manifest)) {
    log("installing the bench's own dependencies (npm ci --prefix bench)");
    const r = spawnSync("npm", ["ci", "--prefix", benchDir, "--no-audit", "--no-fund", "--loglevel=error"], { stdio: "inherit" });
    if (r.status !== 0) throw new Error("npm ci --prefix bench failed");
  }
  return (JSON.parse(readFileSync(manifest, "utf8")) as { version: string }).version;
}

const clientNode2Manifest = join(benchDir, "node_modules", "client-node-2", "package.json");

function clientNode2Version(): string {
  return existsSync(clientNode2Manifest) ? (JSON.parse(readFileSync(clientNode2Manifest, "utf8")) as { version: string }).version : "not installed";
}

function bunK8sVersion(): string {
  const { version } = JSON.parse(readFileSync(join(repoRoot, "package.json"), "utf8")) as { version: string };
  const sha = commandOutput("git", ["rev-parse", "--short", "HEAD"]);
  const dirty = commandOutput("git", ["status", "--porcelain", "--", "src", "generated"]) ? "+uncommitted" : "";
  return sha ? `${version} (${sha}${dirty})` : version;
}

function toCaseResult(r: ChildResult): CaseResult {
  if (!r.ok) return r;
  return { ok: true, metrics: Object.fromEntries(Object.entries(r.metrics).map(([k, m]) => [k, summarize(m.samples, m.unit)])) };
}

/**
 * Busy loops on `processes` cores, for the "+hog" cases: per-request overhead then costs the
 * SDK wall time, as it does on a loaded machine. Stopped by the caller.
 */
function startCpuHog(node: string, processes: number): { stop: () => void } {
  const children = Array.from({ length: processes }, () => spawn(node, ["-e", "for (;;) {}"], { stdio: "ignore" }));
  return { stop: () => children.forEach((c) => c.kill("SIGKILL")) };
}

/**
 * CPU time (user + system) so far in ms of a process and its children, from /proc/<pid>/stat
 * (Linux; counted in clock ticks, 10 ms): the control plane's pids are its `cptool run`
 * supervisors, the server is their child. undefined where there is no /proc.
 */
function processCpuMs(pid: number | undefined): number | undefined {
  if (pid === undefined) return undefined;
  const stat = (p: string): string[] | undefined => {
    try {
      const text = readFileSync(`/proc/${p}/stat`, "utf8");
      // Fields after the command name (which may hold spaces) start at the state, field 3.
      return text.slice(text.lastIndexOf(")") + 2).split(" ");
    } catch {
      return undefined;
    }
  };
  const own = stat(String(pid));
  if (!own) return undefined;
  let ticks = 0;
  for (const p of readdirSync("/proc")) {
    if (!/^\d+$/.test(p)) continue;
    const fields = p === String(pid) ? own : stat(p);
    // ppid is field 4, utime and stime 14 and 15.
    if (fields && (p === String(pid) || fields[1] === String(pid))) ticks += Number(fields[11]) + Number(fields[12]);
  }
  return (ticks * 1000) / CLOCK_TICKS_PER_SECOND;
}
const CLOCK_TICKS_PER_SECOND = 100;

/** How many rounds a case is split into, and what one round's child runs (one round, one repetition, or one informer). */
function interleaved(p: CaseParams): { rounds: number; one: CaseParams } {
  switch (p.case) {
    case "sequential-get":
    case "concurrent-get":
    case "create-delete":
      return { rounds: p.rounds, one: { ...p, rounds: 1 } };
    case "list":
    case "watch":
    case "watches":
      return { rounds: p.reps, one: { ...p, reps: 1 } };
    case "reconcile":
      return { rounds: 1, one: p };
    default:
      return { rounds: plan.informerProcesses, one: p };
  }
}

/** Concatenates the samples of several child runs of the same case (the informer runs once per process). */
function mergeRuns(runs: ChildResult[]): ChildResult {
  const failed = runs.find((r) => !r.ok);
  if (failed) return failed;
  const metrics: Record<string, MetricSamples> = {};
  for (const r of runs) {
    if (!r.ok) continue;
    for (const [k, m] of Object.entries(r.metrics)) (metrics[k] ??= { unit: m.unit, samples: [] }).samples.push(...m.samples);
  }
  return { ok: true, metrics };
}

async function main(): Promise<number> {
  const clientNode = clientNodeVersion();
  const runtimes = {
    bun: commandOutput(bins.bun, ["--version"]),
    node: commandOutput(bins.node, ["--version"]).replace(/^v/, ""),
    node24: existsSync(bins.node24) ? commandOutput(bins.node24, ["--version"]).replace(/^v/, "") : "not installed",
  };
  log(`mode ${mode}; Bun ${runtimes.bun}, Node ${runtimes.node}, client-node ${clientNode}; load ${loadStart.toFixed(2)} on ${cpus().length} cores`);

  log("bundling the contenders");
  const bundles = buildBundles(benchDir, join(buildDir, "child"), bins);
  for (const [library, b] of Object.entries(bundles)) if ("error" in b) log(`${library}: ${b.error}`);

  log("footprint: building, packing and installing bun-k8s; installing client-node");
  // Cold start and the footprint need the packed consumers; a run of other cases alone (--cases) skips them.
  const skipConsumers = !wanted("cold-start") && !wanted("footprint");
  const notRun = { error: "not run (--cases)" };
  const consumers = skipConsumers
    ? { dirs: { "bun-k8s": notRun, "client-node": notRun, "client-node-2": notRun, floor: notRun }, footprint: { "bun-k8s": notRun, "client-node": notRun } }
    : prepareConsumers(repoRoot, buildDir, bins, clientNode);
  for (const [library, d] of Object.entries(consumers.dirs)) if ("error" in d) log(`${library} consumer: ${d.error}`);

  // Exec and port-forward throughput first, on their own control plane with a kwok node (bench/pod-io):
  // a --budget run then cuts the deferred informer variants, not these.
  if (wanted("pod-io") && inBudget("pod-io")) {
    const code = runPodIo(bins.bun, benchDir, outDir, mode, log);
    if (code !== 0) log(`pod-io bench exited with ${code}; its last results file (if any) is reported`);
  }

  log("starting the local control plane");
  const cp = await ControlPlane.start({ installFluxCrds: false, log: (l) => log(`controlplane: ${l}`) });
  const apiserverPid = cp.pids()["kube-apiserver"];
  const stopOnSignal = () => void cp.stop().finally(() => process.exit(130));
  process.once("SIGINT", stopOnSignal);
  process.once("SIGTERM", stopOnSignal);

  const pki = cp.info.pkiDir!;
  const target: BenchTarget = {
    server: cp.info.server,
    kubeconfig: cp.info.kubeconfigs.admin,
    caFile: cp.info.caFile,
    certFile: join(pki, "admin.crt"),
    keyFile: join(pki, "admin.key"),
  };
  const seed: SeedTarget = {
    server: target.server,
    tls: { ca: readFileSync(target.caFile, "utf8"), cert: readFileSync(target.certFile, "utf8"), key: readFileSync(target.keyFile, "utf8") },
  };
  const namespaces = Object.values(NAMESPACES);
  const cases: BenchResults["cases"] = {};
  const loadByCase: Record<string, [number, number]> = {};
  const load1 = () => Math.round(loadavg()[0]! * 100) / 100;
  const params: BenchResults["params"] = {};
  try {
    log(`seeding: ${plan.listObjects} ConfigMaps to list, ${plan.watchObjects} to watch`);
    const seedStart = performance.now();
    for (const ns of namespaces) await ensureNamespace(seed, ns);
    const getCount = await seedConfigMaps(seed, NAMESPACES.get, GET_TARGET, 1);
    const listCount = await seedConfigMaps(seed, NAMESPACES.list, "list", plan.listObjects);
    const watchCount = await seedConfigMaps(seed, NAMESPACES.watch, "watch", plan.watchObjects);
    log(`seeded in ${((performance.now() - seedStart) / 1000).toFixed(1)} s (namespaces hold ${getCount}, ${listCount}, ${watchCount} ConfigMaps)`);
    // The cost curves' namespaces (their middle point is the watch namespace); the count includes kube-root-ca.crt.
    const curveCounts = new Map<string, number>([[NAMESPACES.watch, watchCount]]);
    if (wanted("curves")) {
      const curveStart = performance.now();
      curveCounts.set(NAMESPACES.curveSmall, await seedConfigMaps(seed, NAMESPACES.curveSmall, "curve", plan.curveObjects.small));
      curveCounts.set(NAMESPACES.curveLarge, await seedConfigMaps(seed, NAMESPACES.curveLarge, "curve", plan.curveObjects.large));
      log(`seeded the curve namespaces in ${((performance.now() - curveStart) / 1000).toFixed(1)} s (load ${load1()})`);
    }

    const byContender = (c: ContenderRun) => c.id;
    if (wanted("cold-start")) {
      cases["cold-start"] = {};
      params["cold-start"] = plan.coldStart;
      const loadAtStart = load1();
      for (const c of contenders) {
        const d = consumers.dirs[c.library];
        const missing = missingRuntime(c);
        let result: CaseResult;
        if (missing) result = { ok: false, error: missing };
        else if ("error" in d) result = { ok: false, error: d.error };
        else {
          try {
            result = toCaseResult({ ok: true, metrics: await coldStart(bins, c.runtime, d.dir, target, plan.coldStart) });
          } catch (error) {
            result = { ok: false, error: (error as Error).message };
          }
        }
        cases["cold-start"][byContender(c)] = result;
        logResult("cold-start", c, result);
      }
      loadByCase["cold-start"] = [loadAtStart, load1()];
    }

    /** Runs one case for every contender (or those of `only`), round by round, under the results key `key`. */
    const runCase = async (key: string, expected: CaseParams, only?: ContenderRun[]): Promise<void> => {
      params[key] = expected;
      const byId: Record<string, CaseResult> = (cases[key] = {});
      const loadAtStart = load1();
      const caseStart = performance.now();
      // Round by round (A B C A B C), each round a fresh child per contender, so load drift hits every contender alike.
      const { rounds, one } = interleaved(expected);
      const running = only ?? contenders;
      const runsById = new Map<string, ChildResult[]>(running.map((c) => [c.id, []]));
      for (let round = 1; round <= rounds; round++) {
        if (rounds > 1) log(`${key}: round ${round}/${rounds}, load ${load1()}`);
        for (const c of running) {
          const runs = runsById.get(c.id)!;
          if (runs.some((r) => !r.ok)) continue; // failed once this run: recorded, not retried within the run
          const bundle = bundles[c.library];
          const missing = missingRuntime(c) ?? ("error" in bundle ? bundle.error : undefined);
          if (missing || "error" in bundle) {
            runs.push({ ok: false, error: missing ?? "no bundle" });
            continue;
          }
          const p: CaseParams = one.case === "create-delete" ? { ...one, prefix: c.id.replace("@", "-") } : one;
          // Informers: what the API server spent serving the child too (its list or streaming list dominates it).
          const serverCpuBefore = p.case.startsWith("informer") ? processCpuMs(apiserverPid) : undefined;
          const run = await runCaseInChild(bins, c.runtime, bundle.file, p, target, plan.childTimeoutMs);
          const serverCpuAfter = serverCpuBefore === undefined ? undefined : processCpuMs(apiserverPid);
          if (run.ok && serverCpuBefore !== undefined && serverCpuAfter !== undefined) {
            run.metrics.serverCpu = { unit: "ms CPU", samples: [serverCpuAfter - serverCpuBefore] };
          }
          runs.push(run);
        }
      }
      for (const c of running) {
        const result = toCaseResult(mergeRuns(runsById.get(c.id)!));
        byId[byContender(c)] = result;
        logResult(key, c, result);
      }
      loadByCase[key] = [loadAtStart, load1()];
      log(`${key}: ${((performance.now() - caseStart) / 1000).toFixed(0)} s, ${((performance.now() - started) / 60_000).toFixed(1)} min into the run`);
    };

    const planned = async (base: CaseParams): Promise<void> => {
      if (!wanted(base.case) || !inBudget(base.case)) return;
      const expected: CaseParams =
        base.case === "list"
          ? { ...base, expected: listCount }
          : base.case === "watch"
            ? { ...base, events: watchCount }
            : "expected" in base
              ? { ...base, expected: watchCount }
              : base.case === "sequential-get" || base.case === "concurrent-get"
                ? { ...base, name: `${GET_TARGET}-0` }
                : base;
      await runCase(base.case, expected);
    };
    for (const base of plan.cases) if (!DEFERRED.has(base.case)) await planned(base);


    // The per-request cases again while busy loops take every core: overhead per request shows as the SDK's CPU.
    for (const name of plan.hog.cases) {
      const base = plan.cases.find((c) => c.case === name);
      if (!base || !wanted(`${name}+hog`) || !inBudget(`${name}+hog`)) continue;
      const expected: CaseParams = base.case === "sequential-get" || base.case === "concurrent-get" ? { ...base, name: `${GET_TARGET}-0` } : base;
      const hog = startCpuHog(bins.node, plan.hog.processes);
      log(`${name}+hog: ${plan.hog.processes} busy-loop processes running`);
      try {
        await runCase(`${name}+hog`, expected);
      } finally {
        hog.stop();
      }
    }

    // Cost curves: the same work at growing loads, bun-k8s against client-node (and the floor where it applies).
    if (wanted("curves")) {
      const curveContenders = contenders.filter((c) => CURVE_CONTENDERS.includes(c.id));
      for (const point of plan.curves) {
        const p = point.params;
        const count = curveCounts.get(p.namespace) ?? 0;
        const expected: CaseParams =
          p.case === "list" || p.case === "informer" ? { ...p, expected: count } : p.case === "watches" ? { ...p, eventsEach: count } : p;
        // The floor has no informer: it would only record "n/a".
        const only = point.curve === "informer" ? curveContenders.filter((c) => c.library !== "floor") : curveContenders;
        if (inBudget(point.key)) await runCase(point.key, expected, only);
      }
    }
    for (const base of plan.cases) if (DEFERRED.has(base.case)) await planned(base);
  } catch (error) {
    harnessErrors.push(`run: ${(error as Error).stack ?? String(error)}`);
  } finally {
    try {
      for (const ns of namespaces) await deleteNamespace(seed, ns);
      // The local control plane's data goes with it; wait only briefly so the deletion is visible in the log.
      const gone = await waitNamespacesGone(seed, namespaces, mode === "smoke" ? 5_000 : 15_000);
      log(gone ? "bench namespaces deleted" : "bench namespaces are terminating (the control plane's data is removed with it)");
    } catch (error) {
      harnessErrors.push(`cleanup: ${(error as Error).message}`);
    }
    await cp.stop();
    log("control plane stopped");
  }

  // The floor is the harness's own code: its failure means the harness broke.
  for (const [name, byId] of Object.entries(cases)) {
    for (const [id, r] of Object.entries(byId)) {
      if (id.startsWith("floor@") && !r.ok && !r.notApplicable) harnessErrors.push(`floor failed in ${name} (${id}): ${r.error}`);
    }
  }

  const results: BenchResults = {
    schema: 1,
    date: new Date().toISOString(),
    mode,
    durationSeconds: Math.round((performance.now() - started) / 1000),
    machine: {
      cpuModel: cpus()[0]?.model ?? "unknown",
      cores: cpus().length,
      memoryGiB: Math.round((totalmem() / 2 ** 30) * 10) / 10,
      os: `${platform()} ${release()}`,
      loadStart: Math.round(loadStart * 100) / 100,
      loadEnd: Math.round(loadavg()[0]! * 100) / 100,
      loadByCase,
    },
    runtimes,
    versions: { bunK8s: bunK8sVersion(), clientNode, clientNode2: clientNode2Version(), kubernetes: cp.info.expectedVersion ?? "unknown" },
    contenders,
    cases,
    params,
    footprint: consumers.footprint,
    curves: plan.curves.filter((p) => cases[p.key]).map(({ key, curve, load }) => ({ key, curve, load })),
    podIo: readPodIo(outDir),
    ...(skipped.length && { skipped: { budgetMinutes: budgetMin ?? 0, steps: skipped } }),
    harnessErrors,
  };
  mkdirSync(outDir, { recursive: true });
  const day = results.date.slice(0, 10);
  const markdown = renderMarkdown(results);
  writeFileSync(join(outDir, `${day}.json`), JSON.stringify(results, null, 2) + "\n");
  writeFileSync(join(outDir, `${day}.md`), markdown);
  writeFileSync(join(outDir, "latest.md"), markdown);
  writeFileSync(join(outDir, "latest.svg"), renderSvg(results));
  log(`wrote ${join(outDir, `${day}.json`)}, ${day}.md, latest.md and latest.svg in ${results.durationSeconds} s`);
  process.stdout.write(markdown);
  for (const e of harnessErrors) log(`HARNESS ERROR: ${e}`);
  return harnessErrors.length ? 1 : 0;
}

function logResult(name: string, c: ContenderRun, r: CaseResult): void {
  if (!r.ok) {
    log(`${name} ${c.id}: ${r.notApplicable ? "n/a" : "FAILED"}: ${r.error}`);
    return;
  }
  const parts = Object.entries(r.metrics).map(([k, s]) => `${k} ${s.median} ${s.unit}`);
  log(`${name} ${c.id}: ${parts.join(", ")} (load ${loadavg()[0]!.toFixed(2)})`);
}

/** --render=FILE.json: redraws the Markdown and the chart of an earlier run, starting nothing. */
function renderOnly(file: string): number {
  const results = JSON.parse(readFileSync(file, "utf8")) as BenchResults;
  const dir = dirname(file);
  const markdown = renderMarkdown(results);
  writeFileSync(file.replace(/\.json$/, ".md"), markdown);
  writeFileSync(join(dir, "latest.md"), markdown);
  writeFileSync(join(dir, "latest.svg"), renderSvg(results));
  log(`redrew ${file.replace(/\.json$/, ".md")}, latest.md and latest.svg`);
  return 0;
}

const render = args.get("render");
(render ? Promise.resolve().then(() => renderOnly(render)) : main()).then(
  (code) => process.exit(code),
  (error: unknown) => {
    log(`HARNESS ERROR: ${(error as Error).stack ?? String(error)}`);
    process.exit(1);
  },
);
