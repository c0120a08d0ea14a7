/**
 * Pod I/O bench: exec stdout and port-forward throughput (MB/s) of bun-k8s/pod-io, of
 * @kubernetes/client-node's Exec and PortForward, and of kubectl, in one run against one
 * local control plane with a kwok node (the real kube-apiserver proxying to kwok's kubelet
 * streaming server). Each contender and runtime runs every case in a fresh child process
 * (stream-child.ts, bundled once with `bun build --target=node` so Node and Bun run the
 * same JavaScript). Figures are reported, never asserted.
 *
 *   npx bun bench/pod-io/pod-io-bench.ts            # full: bench/results/pod-io.{json,md}
 *   npx bun bench/pod-io/pod-io-bench.ts --smoke    # a few MB, to prove the harness
 *   ... --out=DIR                                    # write pod-io.{json,md} there (npm run bench does, smoke too)
 */
import { spawn, spawnSync } from "node:child_process";
import { cpus, loadavg, totalmem } from "node:os";
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { ControlPlane } from "../../test/controlplane/launcher.ts";
import { readyPod, startEchoServer } from "../../test/support/pod-fixture.ts";
import { loadConfig } from "../../src/config/load-config.ts";
import { createConnection } from "../../src/connection/connection.ts";
import { api } from "../../src/api/client.ts";
import { Namespace } from "../../generated/k8s/core/v1/index.ts";
import { RESULT_MARK, type BenchPod, type CaseSpec, type ChildResult } from "./stream-child.ts";

const MB = 1024 * 1024;
const smoke = process.argv.includes("--smoke");
const benchDir = join(dirname(fileURLToPath(import.meta.url)), "..");
const root = join(benchDir, "..");
const outArg = process.argv.find((a) => a.startsWith("--out="))?.slice("--out=".length);
const bins = {
  bun: join(root, "node_modules", ".bin", "bun"),
  node: process.env.BENCH_NODE ?? "node",
  // The pinned Node 24 of the runtime matrix (npm run runtimes:install); its columns record an error without it.
  node24: join(root, "test", "runtimes", "toolchain", "node_modules", "node24", "bin", "node"),
};

interface Row {
  case: string;
  label: string;
}
const CASES: (Row & { spec: (pod: BenchPod) => CaseSpec })[] = [
  {
    case: "exec",
    label: `exec stdout (${smoke ? 8 : 64} MB per command)`,
    spec: (pod) => ({ case: "exec", pod, bytes: (smoke ? 8 : 64) * MB, warmup: 1, reps: smoke ? 1 : 5 }),
  },
  {
    case: "forward-1",
    label: `port-forward, 1 connection (${smoke ? 8 : 64} MB echoed)`,
    spec: (pod) => ({ case: "forward", pod, connections: 1, bytesPerConnection: (smoke ? 8 : 64) * MB, warmup: 1, reps: smoke ? 1 : 5 }),
  },
  {
    case: "forward-16",
    label: `port-forward, 16 connections at once (${smoke ? 1 : 8} MB echoed each)`,
    spec: (pod) => ({ case: "forward", pod, connections: 16, bytesPerConnection: (smoke ? 1 : 8) * MB, warmup: 1, reps: smoke ? 1 : 5 }),
  },
];
const CONTENDERS = [
  { id: "bun-k8s@bun", name: "bun-k8s", runtime: "bun" },
  { id: "bun-k8s@node", name: "bun-k8s", runtime: "node" },
  { id: "client-node@node", name: "client-node", runtime: "node" },
  { id: "client-node@bun", name: "client-node", runtime: "bun" },
  { id: "bun-k8s@node24", name: "bun-k8s", runtime: "node24" },
  { id: "client-node@node24", name: "client-node", runtime: "node24" },
  { id: "kubectl", name: "kubectl", runtime: "node" },
] as const;

function bundle(): string {
  const out = join(benchDir, ".build", "pod-io");
  mkdirSync(out, { recursive: true });
  const file = join(out, "stream-child.mjs");
  const r = spawnSync(bins.bun, ["build", join(benchDir, "pod-io", "stream-child.ts"), "--target=node", "--external", "@kubernetes/client-node", "--outfile", file], {
    encoding: "utf8",
  });
  if (r.status !== 0) throw new Error(`bundling stream-child.ts failed: ${r.stderr || r.stdout}`);
  return file;
}

function runChild(runtime: "bun" | "node" | "node24", file: string, contender: string, spec: CaseSpec): Promise<ChildResult> {
  if (runtime === "node24" && !existsSync(bins.node24)) return Promise.resolve({ ok: false, error: `node24 is not installed at ${bins.node24}: run npm run runtimes:install` });
  return new Promise((resolve) => {
    const child = spawn(bins[runtime], [file, contender, JSON.stringify(spec)], { stdio: ["ignore", "pipe", "inherit"] });
    let out = "";
    const timer = setTimeout(() => child.kill("SIGKILL"), 600_000);
    child.stdout.on("data", (d: Buffer) => (out += d.toString()));
    child.on("close", (code) => {
      clearTimeout(timer);
      const line = out.split("\n").find((l) => l.startsWith(RESULT_MARK));
      resolve(line ? (JSON.parse(line.slice(RESULT_MARK.length)) as ChildResult) : { ok: false, error: `child exited ${code} without a result` });
    });
  });
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};
const fmt = (n: number) => (n >= 100 ? n.toFixed(0) : n.toFixed(1));

async function main(): Promise<void> {
  const file = bundle();
  const startedAt = new Date();
  const loadStart = loadavg()[0]!;
  const cp = await ControlPlane.start({ nodes: 1 });
  const echo = await startEchoServer();
  const results: Record<string, Record<string, ChildResult>> = {};
  try {
    const kubeconfig = cp.info.kubeconfigs.admin;
    const conn = createConnection(await loadConfig({ kubeconfigPath: kubeconfig }));
    const namespace = "bun-k8s-bench-pod-io";
    await api(conn, Namespace).create({ metadata: { name: namespace } });
    const echoPort = 7000;
    await readyPod(cp.info, conn, namespace, "bench", { ports: { [echoPort]: echo.port } });
    conn.close();
    const pod: BenchPod = { kubeconfig, kubectl: cp.info.kubectl, namespace, pod: "bench", echoPort };
    for (const c of CASES) {
      results[c.case] = {};
      for (const k of CONTENDERS) {
        const r = await runChild(k.runtime, file, k.name, c.spec(pod));
        results[c.case]![k.id] = r;
        console.log(`${c.case} ${k.id}: ${r.ok ? r.mbPerSecond.map(fmt).join(", ") + " MB/s" : r.error} (load ${loadavg()[0]!.toFixed(2)})`);
      }
    }
  } finally {
    echo.stop();
    await cp.stop();
  }
  const header =
    `Run ${startedAt.toISOString()}; ${cpus().length} cores (${cpus()[0]?.model ?? "?"}), ${(totalmem() / 2 ** 30).toFixed(1)} GiB; ` +
    `1-min load ${loadStart.toFixed(2)} at start, ${loadavg()[0]!.toFixed(2)} at end. Bun ${runtimeVersion(bins.bun)}, Node ${runtimeVersion(bins.node)}` +
    `${existsSync(bins.node24) ? `, Node 24: ${runtimeVersion(bins.node24)}` : ""}; ` +
    `kube-apiserver and kubectl v1.37.2, kwok v0.8.0 (patched), @kubernetes/client-node 1.4.0. MB = 2^20 bytes; median of the repetitions, min–max in brackets.`;
  const lines = [
    header,
    "",
    `| Case | ${CONTENDERS.map((k) => k.id).join(" | ")} |`,
    `|---|${CONTENDERS.map(() => "---:").join("|")}|`,
    ...CASES.map((c) => `| ${c.label}, MB/s | ${CONTENDERS.map((k) => cell(results[c.case]?.[k.id])).join(" | ")} |`),
  ];
  const md = lines.join("\n") + "\n";
  console.log("\n" + md);
  if (!smoke || outArg) {
    const out = outArg ?? join(benchDir, "results");
    mkdirSync(out, { recursive: true });
    const cases = CASES.map(({ case: name, label }) => ({ case: name, label }));
    const contenders = CONTENDERS.map(({ id }) => id);
    writeFileSync(join(out, "pod-io.json"), JSON.stringify({ startedAt, header, cases, contenders, results }, null, 2) + "\n");
    writeFileSync(join(out, "pod-io.md"), md);
  }
}

function cell(r: ChildResult | undefined): string {
  if (!r) return "–";
  if (!r.ok) return `failed: ${r.error.replace(/\|/g, "/").slice(0, 120)}`;
  return `${fmt(median(r.mbPerSecond))} (${fmt(Math.min(...r.mbPerSecond))}–${fmt(Math.max(...r.mbPerSecond))})`;
}

function runtimeVersion(bin: string): string {
  return spawnSync(bin, ["--version"], { encoding: "utf8" }).stdout.trim().replace(/^v/, "");
}

await main();
