/**
 * A load writer for watch fault tests and the soak: creates, updates and deletes ConfigMaps
 * with a few concurrent workers at a steady pace, and rides out API server outages by
 * retrying. Every operation is safe to repeat (create tolerates AlreadyExists, merge
 * patches carry no resourceVersion, delete tolerates NotFound), so a request whose answer
 * was lost can be sent again without the writer's view going wrong.
 *
 * The writer does not try to know the final state: the fault tests take a fresh list as the
 * truth. It records which names it touched so that deletions can be checked too.
 */
import type { Connection } from "../../src/connection/types.ts";
import { ApiError, isAlreadyExists, isNotFound, KubeError } from "../../src/base/errors.ts";

export interface WriterOptions {
  conn: Connection;
  namespace: string;
  /** Objects to create (each is then updated 0-3 times and maybe deleted). */
  count: number;
  /** Workers, each working through one object at a time. Default 12. */
  concurrency?: number;
  /** Requests per second across all workers; 0: as fast as the server answers. Default 0. */
  opsPerSecond?: number;
  /** Share of objects deleted at the end of their life. Default 0.3. */
  deleteRatio?: number;
  /** Labels on every object (the watchers select on them). */
  labels: Record<string, string>;
  /** Name prefix. Default "cm". */
  prefix?: string;
  /** Seed of the pseudo-random choices, so a failing run can be repeated. */
  seed?: number;
  /** How long one operation keeps retrying through failures before the writer gives up. Default 90 s. */
  retryForMs?: number;
  signal?: AbortSignal;
}

export interface WriterReport {
  created: number;
  updated: number;
  deleted: number;
  /** Requests that failed and were sent again. */
  retries: number;
  /** Every name the writer created. */
  names: string[];
  seconds: number;
}

/** Progress of a running writer, for scheduling faults "a third of the way through". */
export interface WriterProgress {
  /** Objects finished (all their operations done), 0..count. */
  readonly finished: number;
  readonly retries: number;
  /** Names of finished objects that still exist: the writer will not touch them again. */
  readonly settled: readonly string[];
}

/**
 * Starts a writer. Await `done` for its report; `progress` moves as objects finish.
 *
 * @example
 * const writer = startWriter({ conn, namespace, count: 2000, labels: { run: "a" }, opsPerSecond: 400 });
 * await untilProgress(writer.progress, 0.3 * 2000);
 * const report = await writer.done;
 */
export function startWriter(options: WriterOptions): { progress: WriterProgress; done: Promise<WriterReport> } {
  const progress = { finished: 0, retries: 0, settled: [] as string[] };
  return { progress, done: run(options, progress) };
}

/** Resolves once `finished` reaches `objects` (polls; the writer has no events). */
export async function untilProgress(progress: WriterProgress, objects: number, done?: Promise<unknown>): Promise<void> {
  let over = false;
  void done?.finally(() => (over = true));
  while (progress.finished < objects && !over) await pause(25);
}

async function run(options: WriterOptions, progress: { finished: number; retries: number; settled: string[] }): Promise<WriterReport> {
  const started = performance.now();
  const random = mulberry32(options.seed ?? 1);
  const prefix = options.prefix ?? "cm";
  const path = `/api/v1/namespaces/${options.namespace}/configmaps`;
  const report: WriterReport = { created: 0, updated: 0, deleted: 0, retries: 0, names: [], seconds: 0 };
  const pacer = new Pacer(options.opsPerSecond ?? 0);
  // Objects are taken in index order, so drawing each one's life as it is taken keeps a
  // seed's choices independent of how the workers interleave.
  let next = 0;
  const take = () => {
    const i = next++;
    return { name: `${prefix}-${String(i).padStart(5, "0")}`, updates: Math.floor(random() * 4), remove: random() < (options.deleteRatio ?? 0.3) };
  };
  const send = async (method: "POST" | "PATCH" | "DELETE", subpath: string, body: unknown, contentType: string, tolerate: (e: unknown) => boolean) => {
    const deadline = Date.now() + (options.retryForMs ?? 90_000);
    for (;;) {
      await pacer.turn();
      if (options.signal?.aborted) throw new KubeError("writer aborted");
      try {
        const res = await options.conn.send(
          { method, path: path + subpath, headers: { "content-type": contentType }, ...(body !== undefined ? { body: JSON.stringify(body) } : {}) },
          options.signal ? { signal: options.signal, timeoutMs: 10_000 } : { timeoutMs: 10_000 },
        );
        await res.bytes();
        return;
      } catch (error) {
        if (tolerate(error)) return;
        // 4xx other than 429 are bugs in the writer, not faults to ride out.
        if (error instanceof ApiError && error.code >= 400 && error.code < 500 && error.code !== 429) throw error;
        if (Date.now() > deadline || options.signal?.aborted) throw error;
        report.retries++;
        progress.retries++;
        await pause(200);
      }
    }
  };
  const worker = async (): Promise<void> => {
    while (next < options.count) {
      const plan = take();
      const metadata = { name: plan.name, labels: options.labels };
      await send("POST", "", { apiVersion: "v1", kind: "ConfigMap", metadata, data: { step: "0" } }, "application/json", isAlreadyExists);
      report.names.push(plan.name);
      report.created++;
      for (let step = 1; step <= plan.updates; step++) {
        await send("PATCH", `/${plan.name}`, { data: { step: String(step) } }, "application/merge-patch+json", () => false);
        report.updated++;
      }
      if (plan.remove) {
        await send("DELETE", `/${plan.name}`, undefined, "application/json", isNotFound);
        report.deleted++;
      } else {
        progress.settled.push(plan.name);
      }
      progress.finished++;
    }
  };
  await Promise.all(Array.from({ length: options.concurrency ?? 12 }, worker));
  report.seconds = (performance.now() - started) / 1000;
  return report;
}

/** Spaces operations evenly at a target rate shared by all workers. */
class Pacer {
  private nextAt = performance.now();
  private readonly gapMs: number;

  constructor(opsPerSecond: number) {
    this.gapMs = opsPerSecond > 0 ? 1000 / opsPerSecond : 0;
  }

  async turn(): Promise<void> {
    if (this.gapMs === 0) return;
    const now = performance.now();
    // After an outage the writer resumes at the same pace instead of bursting to catch up.
    const at = Math.max(this.nextAt, now);
    this.nextAt = at + this.gapMs;
    if (at > now) await pause(at - now);
  }
}

function pause(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** A small seeded PRNG: the same seed gives the same choices. @example const random = mulberry32(7); random(); */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
