/**
 * The child side: runs ONE case against ONE contender and writes one ChildResult as JSON to
 * BENCH_RESULT_FILE (or prints it on a RESULT_MARK line when run by hand).
 * Each case warms up first, then times its repetitions; raw samples go back to the
 * orchestrator, which summarises them. A failure is a result too (ok: false, message).
 */
import { readFileSync, writeFileSync } from "node:fs";
import type { BenchTarget, Contender } from "./contender.ts";
import { NotApplicable } from "./contender.ts";
import { RESULT_MARK, type CaseParams, type ChildResult, type MetricSamples } from "../harness/case-params.ts";

type Metrics = Record<string, MetricSamples>;

/** Entry point of every contender bundle. */
export async function runChild(make: () => Contender): Promise<void> {
  const params = JSON.parse(process.argv[2] ?? "null") as CaseParams | null;
  const target = JSON.parse(process.env.BENCH_TARGET ?? "null") as BenchTarget | null;
  let result: ChildResult;
  if (!params || !target) {
    result = { ok: false, error: "child started without case params (argv[2]) or BENCH_TARGET" };
  } else {
    let contender: Contender | undefined;
    try {
      contender = make();
      await contender.setup(target);
      result = { ok: true, metrics: await runCase(contender, params) };
    } catch (error) {
      result = { ok: false, error: describe(error), ...(error instanceof NotApplicable && { notApplicable: true }) };
    } finally {
      try {
        contender?.close();
      } catch {
        // Closing after a failure may fail too; the first error is the one worth reporting.
      }
    }
  }
  // A file, not stdout: a pipe may drop the tail of a large write when the process exits.
  const out = process.env.BENCH_RESULT_FILE;
  if (out) writeFileSync(out, JSON.stringify(result));
  else process.stdout.write(RESULT_MARK + JSON.stringify(result) + "\n");
  // Keep-alive sockets or a leftover watch must not keep the child (and the bench) waiting.
  process.exit(0);
}

/** The message of an error and of its causes, one line, bounded. */
function describe(error: unknown): string {
  const parts: string[] = [];
  let e: unknown = error;
  for (let depth = 0; e !== undefined && e !== null && depth < 4; depth++) {
    if (e instanceof Error) {
      const code = (e as { code?: unknown }).code;
      parts.push(`${e.name}: ${e.message}${typeof code === "string" ? ` [${code}]` : ""}`);
      e = e.cause;
    } else {
      parts.push(String(e));
      break;
    }
  }
  return parts.join(" <- ").replace(/\s+/g, " ").slice(0, 600);
}

async function runCase(c: Contender, p: CaseParams): Promise<Metrics> {
  switch (p.case) {
    case "sequential-get":
      return sequentialGet(c, p);
    case "concurrent-get":
      return concurrentGet(c, p);
    case "list":
      return list(c, p);
    case "create-delete":
      return createDelete(c, p);
    case "watch":
      return watch(c, p);
    case "watches":
      return watches(c, p);
    case "informer":
    case "informer-transformed":
    case "informer-metadata":
    case "informer-metadata-transformed":
    case "informer-list":
      return informer(c, p);
    case "reconcile":
      return reconcile(c, p);
  }
}

async function sequentialGet(c: Contender, p: Extract<CaseParams, { case: "sequential-get" }>): Promise<Metrics> {
  for (let i = 0; i < p.warmup; i++) await c.getConfigMap(p.namespace, p.name);
  const latency: number[] = [];
  const rps: number[] = [];
  const cpu: number[] = [];
  for (let round = 0; round < p.rounds; round++) {
    const start = performance.now();
    const cpuStart = process.cpuUsage();
    for (let i = 0; i < p.requests; i++) {
      const t = performance.now();
      await c.getConfigMap(p.namespace, p.name);
      latency.push(performance.now() - t);
    }
    cpu.push(cpuMicros(cpuStart) / p.requests);
    rps.push(p.requests / ((performance.now() - start) / 1000));
  }
  return { latency: { unit: "ms", samples: latency }, rps: { unit: "req/s", samples: rps }, cpu: { unit: "µs CPU/req", samples: cpu } };
}

async function concurrentGet(c: Contender, p: Extract<CaseParams, { case: "concurrent-get" }>): Promise<Metrics> {
  await inPool(p.warmup, p.concurrency, () => c.getConfigMap(p.namespace, p.name));
  const latency: number[] = [];
  const rps: number[] = [];
  const cpu: number[] = [];
  for (let round = 0; round < p.rounds; round++) {
    const start = performance.now();
    const cpuStart = process.cpuUsage();
    await inPool(p.requests, p.concurrency, async () => {
      const t = performance.now();
      await c.getConfigMap(p.namespace, p.name);
      latency.push(performance.now() - t);
    });
    cpu.push(cpuMicros(cpuStart) / p.requests);
    rps.push(p.requests / ((performance.now() - start) / 1000));
  }
  return { latency: { unit: "ms", samples: latency }, rps: { unit: "req/s", samples: rps }, cpu: { unit: "µs CPU/req", samples: cpu } };
}

async function list(c: Contender, p: Extract<CaseParams, { case: "list" }>): Promise<Metrics> {
  collectGarbage();
  const rssBefore = process.memoryUsage().rss;
  for (let i = 0; i < p.warmup; i++) expectCount((await c.listConfigMaps(p.namespace)).items.length, p.expected, "LIST");
  const times: number[] = [];
  const heapPerObject: number[] = [];
  for (let i = 0; i < p.reps; i++) {
    collectGarbage();
    const t = performance.now();
    let kept: { items: readonly unknown[] } | undefined = await c.listConfigMaps(p.namespace);
    times.push(performance.now() - t);
    const count = kept.items.length;
    expectCount(count, p.expected, "LIST");
    // What the decoded list holds: the heap with it, then without it. (Before the LIST, an earlier
    // list can still be held by a stack slot, which made "after minus before" read zero.)
    collectGarbage();
    const withList = heapBytes();
    kept = undefined;
    await new Promise((r) => setTimeout(r, 0));
    collectGarbage();
    heapPerObject.push((withList - heapBytes()) / 1024 / count);
  }
  return {
    time: { unit: "ms", samples: times },
    heapPerObject: { unit: "KiB", samples: heapPerObject },
    peakRss: { unit: "MiB", samples: [peakRssMiB()] },
    rssBefore: { unit: "MiB", samples: [rssBefore / 2 ** 20] },
  };
}

async function createDelete(c: Contender, p: Extract<CaseParams, { case: "create-delete" }>): Promise<Metrics> {
  const spec = (round: string, i: number) => ({
    namespace: p.namespace,
    name: `${p.prefix}-${round}-${i}`,
    data: { index: String(i), payload: "x".repeat(64) },
  });
  await inPool(p.warmup, p.concurrency, (i) => c.createConfigMap(spec("w", i)));
  await inPool(p.warmup, p.concurrency, (i) => c.deleteConfigMap(p.namespace, spec("w", i).name));
  const createRate: number[] = [];
  const deleteRate: number[] = [];
  const opsRate: number[] = [];
  const cpu: number[] = [];
  for (let round = 0; round < p.rounds; round++) {
    const start = performance.now();
    const cpuStart = process.cpuUsage();
    await inPool(p.objects, p.concurrency, (i) => c.createConfigMap(spec(`r${round}`, i)));
    const created = performance.now();
    await inPool(p.objects, p.concurrency, (i) => c.deleteConfigMap(p.namespace, spec(`r${round}`, i).name));
    const end = performance.now();
    createRate.push(p.objects / ((created - start) / 1000));
    deleteRate.push(p.objects / ((end - created) / 1000));
    opsRate.push((2 * p.objects) / ((end - start) / 1000));
    cpu.push(cpuMicros(cpuStart) / (2 * p.objects));
  }
  return {
    ops: { unit: "ops/s", samples: opsRate },
    creates: { unit: "obj/s", samples: createRate },
    deletes: { unit: "obj/s", samples: deleteRate },
    cpu: { unit: "µs CPU/op", samples: cpu },
  };
}

async function watch(c: Contender, p: Extract<CaseParams, { case: "watch" }>): Promise<Metrics> {
  for (let i = 0; i < p.warmup; i++) await c.watchConfigMaps(p.namespace, p.events);
  const rate: number[] = [];
  const times: number[] = [];
  for (let i = 0; i < p.reps; i++) {
    const t = performance.now();
    const run = await c.watchConfigMaps(p.namespace, p.events);
    const ms = performance.now() - t;
    expectCount(run.events, p.events, "watch");
    times.push(ms);
    rate.push(run.events / (ms / 1000));
  }
  return { rate: { unit: "events/s", samples: rate }, time: { unit: "ms", samples: times } };
}

async function watches(c: Contender, p: Extract<CaseParams, { case: "watches" }>): Promise<Metrics> {
  const open: number[] = [];
  const perEvent: number[] = [];
  const heap: number[] = [];
  const rss: number[] = [];
  for (let i = 0; i < p.reps; i++) {
    collectGarbage();
    const heapBefore = heapBytes();
    const rssBefore = process.memoryUsage().rss;
    const t = performance.now();
    const run = c.openWatches(p.namespace, p.watches, p.eventsEach);
    try {
      await run.opened;
      open.push(performance.now() - t);
      await run.drained;
      perEvent.push(((performance.now() - t) * 1000) / (p.watches * p.eventsEach));
      // The watches are still open: what they hold once every event went through.
      collectGarbage();
      heap.push((heapBytes() - heapBefore) / 2 ** 20);
      rss.push((process.memoryUsage().rss - rssBefore) / 2 ** 20);
    } finally {
      run.stop();
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    open: { unit: "ms", samples: open },
    perEvent: { unit: "µs", samples: perEvent },
    heap: { unit: "MiB", samples: heap },
    rss: { unit: "MiB", samples: rss },
  };
}

const INFORMER_MODES = {
  informer: "full",
  "informer-transformed": "transformed",
  "informer-metadata": "metadata",
  "informer-metadata-transformed": "metadata-transformed",
  "informer-list": "list",
} as const;

async function informer(c: Contender, p: Extract<CaseParams, { case: keyof typeof INFORMER_MODES }>): Promise<Metrics> {
  if (!c.startInformer) throw new NotApplicable("no informer in this contender");
  collectGarbage();
  await writeHeapSnapshot("before");
  const heapBefore = heapBytes();
  const rssBefore = process.memoryUsage().rss;
  const cpuBefore = process.cpuUsage();
  const t = performance.now();
  const run = await c.startInformer(p.namespace, INFORMER_MODES[p.case]);
  const syncMs = performance.now() - t;
  const cpu = process.cpuUsage(cpuBefore);
  expectCount(run.size, p.expected, "informer cache");
  collectGarbage();
  const heapAfter = heapBytes();
  const rssAfter = process.memoryUsage().rss;
  await writeHeapSnapshot("after");
  await run.stop();
  return {
    heap: { unit: "MiB", samples: [(heapAfter - heapBefore) / 2 ** 20] },
    heapPerObject: { unit: "KiB", samples: [(heapAfter - heapBefore) / 1024 / run.size] },
    rss: { unit: "MiB", samples: [(rssAfter - rssBefore) / 2 ** 20] },
    sync: { unit: "ms", samples: [syncMs] },
    // The client's own CPU (user + system) from the start to synced: the API server's share is measured by the parent.
    clientCpu: { unit: "ms CPU", samples: [(cpu.user + cpu.system) / 1000] },
  };
}

async function reconcile(c: Contender, p: Extract<CaseParams, { case: "reconcile" }>): Promise<Metrics> {
  if (!c.reconcileAll) throw new NotApplicable("no controller in this contender");
  const run = await c.reconcileAll(p.namespace, p.expected, p.concurrency);
  return {
    noop: { unit: "keys/s", samples: [p.expected / (run.noopMs / 1000)] },
    get: { unit: "keys/s", samples: [p.expected / (run.getMs / 1000)] },
    sync: { unit: "ms", samples: [run.syncMs] },
  };
}

function expectCount(got: number, expected: number, what: string): void {
  if (got !== expected) throw new Error(`${what} returned ${got} objects, expected ${expected}`);
}

/** Runs `count` tasks with at most `concurrency` in flight; the first failure rejects. */
async function inPool(count: number, concurrency: number, task: (i: number) => Promise<void>): Promise<void> {
  let next = 0;
  const lane = async () => {
    while (next < count) await task(next++);
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, lane));
}

/** User + system CPU time of this process since `start`, µs: what the client spends, whatever the server takes. */
function cpuMicros(start: NodeJS.CpuUsage): number {
  const d = process.cpuUsage(start);
  return d.user + d.system;
}

/**
 * The JavaScript heap including the strings it points at. Node 22+ decodes response text into
 * external (off-heap) strings, and JSON.parse slices values out of them, so `heapUsed` alone
 * misses most of a decoded object's bytes there; `external` holds them. Bun's `heapUsed`
 * already counts JSC's extra (string) memory.
 */
function heapBytes(): number {
  const m = process.memoryUsage();
  return (globalThis as { Bun?: unknown }).Bun ? m.heapUsed : m.heapUsed + m.external;
}

/**
 * BENCH_HEAP_SNAPSHOT=<prefix>: writes V8 heap snapshots (Node only) to <prefix>.before and
 * <prefix>.after, around the informer's start, to see what each cached object costs by
 * constructor and retainer (node ids are stable between the two). Off in bench runs.
 */
async function writeHeapSnapshot(when: "before" | "after"): Promise<void> {
  const prefix = process.env.BENCH_HEAP_SNAPSHOT;
  if (!prefix || (globalThis as { Bun?: unknown }).Bun) return;
  const v8 = await import("node:v8");
  v8.writeHeapSnapshot(`${prefix}.${when}`);
}

/**
 * A full collection whose figures have settled. On Node one gc() is not enough: V8 frees dead
 * ArrayBuffers' memory on a background sweep and takes it off `external` only at the next
 * collection. Loading client-node 2.0 leaves ~8 MiB of such buffers, so after a single gc()
 * the baseline held them and the informer's figure came out ~8 MiB too small (the negative
 * heap per object at 1k). So: collect again until `external` stops moving.
 */
function collectGarbage(): void {
  const g = globalThis as { Bun?: { gc(force: boolean): void }; gc?: () => void };
  if (g.Bun) return g.Bun.gc(true);
  if (!g.gc) return;
  g.gc();
  for (let i = 0; i < 4; i++) {
    const external = process.memoryUsage().external;
    g.gc();
    if (process.memoryUsage().external === external) return;
  }
}

/**
 * Peak resident set of this process so far. Linux: VmHWM of /proc/self/status, which starts
 * afresh at exec; ru_maxrss would not do, as Linux carries it over from the forking parent
 * (the orchestrator) across exec. Elsewhere ru_maxrss (KiB in Node and Bun alike).
 */
function peakRssMiB(): number {
  try {
    const hwm = /^VmHWM:\s+(\d+)\s+kB/m.exec(readFileSync("/proc/self/status", "utf8"));
    if (hwm) return Number(hwm[1]) / 1024;
  } catch {
    // Not Linux.
  }
  return process.resourceUsage().maxRSS / 1024;
}
