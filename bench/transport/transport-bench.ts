/**
 * Compares transports against a loopback HTTPS server with client-certificate auth
 * (bench/transport/loopback-server.ts, in its own Node process). Run with
 * bench/transport/run.sh, which bundles this for Node and also runs it under Bun.
 *
 * Per candidate, with a fresh transport (one pool) each:
 *   sequential   1000 GET /version one after another
 *   concurrent   4000 GET /version, 32 in flight
 *   list         8 GET /list?kb=4096 (4 MiB JSON bodies)
 *   watches      100 concurrent watch streams, one line per stream every 100 ms, for 5 s
 */
import { spawn } from "node:child_process";
import { createInterface } from "node:readline";
import { mkdirSync, writeFileSync } from "node:fs";
import { BunFetchTransport, NodeHttp1Transport, NodeHttp2Transport, isBun } from "../../src/transport/index.ts";
import type { Transport, TransportOptions } from "../../src/transport/types.ts";
import { createLoopbackPki } from "../../test/support/loopback-pki.ts";

const serverCommand = process.env.BENCH_SERVER ?? "";
if (!serverCommand) throw new Error("set BENCH_SERVER to the command that starts loopback-server (see run.sh)");

const pki = createLoopbackPki();
const [cmd, ...args] = serverCommand.split(" ");
const server = spawn(cmd ?? "node", [...args, pki.dir], { stdio: ["ignore", "pipe", "inherit"] });
const port = await new Promise<number>((resolve) => {
  createInterface({ input: server.stdout! }).once("line", (l) => resolve(Number(l)));
});
const base = `https://127.0.0.1:${port}`;
const options: TransportOptions = {
  tls: { ca: pki.ca, cert: pki.alice.cert, key: pki.alice.key, rejectUnauthorized: true },
};

const candidates: Record<string, () => Transport> = isBun()
  ? { "bun-fetch": () => new BunFetchTransport(options), "node-http2 (under Bun)": () => new NodeHttp2Transport(options) }
  : { "node-http1": () => new NodeHttp1Transport(options), "node-http2": () => new NodeHttp2Transport(options) };

async function get(t: Transport, path: string, signal?: AbortSignal): Promise<string> {
  const res = await t.send({ method: "GET", url: base + path, headers: { accept: "application/json" }, ...(signal && { signal }) });
  const text = await res.text();
  if (res.status !== 200) throw new Error(`status ${res.status}`);
  return text;
}

// One kept-alive HTTP/1.1 connection for the counters, so reading them opens nothing new.
const statsTransport = new NodeHttp1Transport(options);
async function serverConnections(): Promise<number> {
  return (JSON.parse(await get(statsTransport, "/stats")) as { connections: number }).connections;
}

function pct(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
}
const round = (n: number, d = 2): number => Math.round(n * 10 ** d) / 10 ** d;

async function timedGets(t: Transport, total: number, concurrency: number) {
  const lat: number[] = [];
  let next = 0;
  const start = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next++ < total) {
        const t0 = performance.now();
        await get(t, "/version");
        lat.push(performance.now() - t0);
      }
    }),
  );
  const ms = performance.now() - start;
  lat.sort((a, b) => a - b);
  return { reqPerSec: round((total / ms) * 1000, 0), p50Ms: round(pct(lat, 50)), p99Ms: round(pct(lat, 99)) };
}

async function listThroughput(t: Transport) {
  const start = performance.now();
  let bytes = 0;
  for (let i = 0; i < 8; i++) bytes += (await get(t, "/list?kb=4096")).length;
  return { mbPerSec: round(bytes / 2 ** 20 / ((performance.now() - start) / 1000), 1) };
}

async function watches(t: Transport, count: number, seconds: number) {
  const ac = new AbortController();
  const lines = new Array<number>(count).fill(0);
  const t0 = performance.now();
  const responses = await Promise.all(
    Array.from({ length: count }, () => t.send({ method: "GET", url: `${base}/watch?ms=100`, headers: {}, signal: ac.signal })),
  );
  const openMs = round(performance.now() - t0, 0);
  const cpu0 = process.cpuUsage();
  const rss0 = process.memoryUsage().rss;
  const readers = responses.map(async (res, i) => {
    try {
      for await (const chunk of res.stream()) {
        for (const b of chunk) if (b === 10) lines[i] = (lines[i] ?? 0) + 1;
      }
    } catch {
      // aborted at the end
    }
  });
  await new Promise((r) => setTimeout(r, seconds * 1000));
  const cpu = process.cpuUsage(cpu0);
  const rss = process.memoryUsage().rss;
  ac.abort();
  await Promise.all(readers);
  const received = lines.reduce((a, b) => a + b, 0);
  const expected = count * (seconds * 10 + 1);
  return {
    openAllMs: openMs,
    linesReceived: received,
    linesExpectedApprox: expected,
    cpuMsPerSecond: round((cpu.user + cpu.system) / 1000 / seconds, 1),
    rssDeltaMiB: round((rss - rss0) / 2 ** 20, 1),
    minPerStream: Math.min(...lines),
  };
}

const results: Record<string, unknown> = {};
try {
  for (const [name, make] of Object.entries(candidates)) {
    const before = await serverConnections();
    const t = make();
    await timedGets(t, 50, 1); // warm-up: handshake, JIT
    const sequential = await timedGets(t, 1000, 1);
    const concurrent = await timedGets(t, 4000, 32);
    const list = await listThroughput(t);
    const afterGets = await serverConnections();
    const watch = await watches(t, 100, 5);
    const afterWatch = await serverConnections();
    t.close();
    results[name] = {
      sequential,
      concurrent32: concurrent,
      list4MiB: list,
      connectionsForGets: afterGets - before,
      watch100: { ...watch, connections: afterWatch - afterGets },
    };
    console.log(name, JSON.stringify(results[name], null, 1));
  }
} finally {
  statsTransport.close();
  server.kill();
  pki.remove();
}
const runtime = isBun() ? `bun-${(globalThis as { Bun?: { version: string } }).Bun?.version}` : `node-${process.versions.node}`;
mkdirSync("bench/results", { recursive: true });
writeFileSync(`bench/results/transport-${runtime.split("-")[0]}.json`, JSON.stringify({ runtime, date: new Date().toISOString(), results }, null, 2) + "\n");
