import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { TransportError } from "../../../src/base/errors.ts";
import type { Connection } from "../../../src/connection/types.ts";
import { LEADER_ELECTION_DEFAULTS, leaderElector, type LeaderElectionOptions, type LeaderElector } from "../../../src/controller/leader-election.ts";
import type { KubeRequest, SendOptions } from "../../../src/request/types.ts";
import type { HttpResponse } from "../../../src/transport/types.ts";
import { FakeClock, flushMicrotasks } from "../runtime/fake-clock.ts";
import { FakeCluster } from "./fake-cluster.ts";

const LEASES = "/apis/coordination.k8s.io/v1/leases";
const short = { leaseDurationMs: 3_000, renewDeadlineMs: 2_000, retryPeriodMs: 500 };

/** One candidate's network: up, or stalled before the request reaches the server, or after (the write lands, the answer does not). */
class Link implements Connection {
  readonly server = "https://fake-cluster.test";
  readonly namespace = "default";
  readonly contextName = "fake";
  mode: "up" | "stall-before" | "stall-after" = "up";
  private readonly waiting = new Set<() => void>();
  private readonly cluster: FakeCluster;

  constructor(cluster: FakeCluster) {
    this.cluster = cluster;
  }

  heal(): void {
    this.mode = "up";
    for (const go of [...this.waiting]) go();
  }

  async send(request: KubeRequest, options: SendOptions = {}): Promise<HttpResponse> {
    if (this.mode === "stall-before") await this.stall(options.signal);
    const response = await this.cluster.send(request, options);
    if (this.mode === "stall-after") await this.stall(options.signal);
    return response;
  }

  close(): void {}

  private stall(signal: AbortSignal | undefined): Promise<void> {
    return new Promise((resolve, reject) => {
      const go = (): void => {
        this.waiting.delete(go);
        resolve();
      };
      this.waiting.add(go);
      signal?.addEventListener("abort", () => (this.waiting.delete(go), reject(new TransportError("request aborted", {}, { code: "ABORT_ERR" }))), { once: true });
    });
  }
}

interface Candidate {
  id: string;
  link: Link;
  elector: LeaderElector;
  stop: AbortController;
  running: Promise<void>;
}

/** Candidates on one fake cluster and clock; each "acts" every 50 ms while its signal is live. */
function field(ids: string[], options: Partial<LeaderElectionOptions> = {}) {
  const clock = new FakeClock({ settle: "macrotask" });
  const cluster = new FakeCluster();
  cluster.wallClock = () => 1_700_000_000_000 + clock.now();
  const acts: { id: string; at: number }[] = [];
  const log: string[] = [];
  const candidates: Candidate[] = ids.map((id) => {
    const link = new Link(cluster);
    const stop = new AbortController();
    const elector = leaderElector(link, {
      lease: { name: "lock", namespace: "ns" },
      identity: id,
      ...short,
      clock,
      now: () => new Date(cluster.wallClock()),
      random: () => 0.5,
      onStartedLeading: async (signal) => {
        log.push(`${id} started at ${clock.now()}`);
        while (!signal.aborted) {
          acts.push({ id, at: clock.now() });
          await new Promise<void>((r) => clock.setTimeout(r, 50));
        }
      },
      onStoppedLeading: () => log.push(`${id} stopped at ${clock.now()}`),
      ...options,
    });
    return { id, link, elector, stop, running: elector.run(stop.signal) };
  });
  const lease = () => cluster.get(LEASES, "ns", "lock")?.spec as { holderIdentity?: string; leaseTransitions?: number; leaseDurationSeconds?: number } | undefined;
  /** Times at which two candidates acted: must stay empty. */
  const overlaps = () => {
    const byTime = new Map<number, Set<string>>();
    for (const a of acts) (byTime.get(a.at) ?? byTime.set(a.at, new Set()).get(a.at)!).add(a.id);
    return [...byTime].filter(([, s]) => s.size > 1).map(([t, s]) => `${t}: ${[...s].join(",")}`);
  };
  const leaderOf = () => candidates.filter((c) => c.elector.isLeader).map((c) => c.id);
  return { clock, cluster, acts, log, candidates, lease, overlaps, leaderOf };
}

describe("leader election", () => {
  it("uses client-go's defaults and refuses unsafe timings", () => {
    const cluster = new FakeCluster();
    const base = { lease: { name: "l", namespace: "ns" }, identity: "a", onStartedLeading: () => undefined };
    const e = leaderElector(cluster, base);
    expect([e.leaseDurationMs, e.renewDeadlineMs, e.retryPeriodMs]).toEqual([15_000, 10_000, 2_000]);
    expect(LEADER_ELECTION_DEFAULTS).toEqual({ leaseDurationMs: 15_000, renewDeadlineMs: 10_000, retryPeriodMs: 2_000 });
    expect(() => leaderElector(cluster, { ...base, leaseDurationMs: 10_000 })).toThrow(/greater than renewDeadlineMs/);
    expect(() => leaderElector(cluster, { ...base, retryPeriodMs: 9_000 })).toThrow(/1.2 × retryPeriodMs/);
    expect(() => leaderElector(cluster, { ...base, identity: "" })).toThrow(/identity/);
    expect(() => leaderElector(cluster, { ...base, retryPeriodMs: 0 })).toThrow(/positive/);
  });

  it("with the defaults: creates the Lease, renews every 2 s, and a silent leader stops at 10 s, before 15 s", async () => {
    const f = field(["a"], { leaseDurationMs: undefined, renewDeadlineMs: undefined, retryPeriodMs: undefined } as Partial<LeaderElectionOptions>);
    await f.clock.advance(10);
    expect(f.leaderOf()).toEqual(["a"]);
    expect(f.lease()).toMatchObject({ holderIdentity: "a", leaseDurationSeconds: 15, leaseTransitions: 0 });
    await f.clock.advance(6_000);
    expect(f.candidates[0]!.elector.stats.renewals).toBe(3);
    f.candidates[0]!.link.mode = "stall-before";
    const lastRenewal = 6_000;
    await f.clock.advance(15_000);
    expect(f.log).toEqual(["a started at 0", `a stopped at ${lastRenewal + 10_000}`]);
    expect(f.acts.at(-1)!.at).toBeLessThan(lastRenewal + 10_000);
    f.candidates[0]!.stop.abort();
    f.candidates[0]!.link.heal();
    await f.clock.advance(20_000);
    await f.candidates[0]!.running;
  });

  it("one leader among three; a stalled leader stops at its renew deadline, a successor starts only after the lease duration", async () => {
    const f = field(["a", "b", "c"]);
    await f.clock.advance(100);
    expect(f.leaderOf()).toHaveLength(1);
    const first = f.candidates.find((c) => c.id === f.leaderOf()[0])!;
    await f.clock.advance(2_000);
    expect(f.leaderOf()).toEqual([first.id]);
    first.link.mode = "stall-after"; // renewals land on the server, their answers never arrive
    await f.clock.advance(8_000);
    const successor = f.leaderOf();
    expect(successor).toHaveLength(1);
    expect(successor[0]).not.toBe(first.id);
    expect(f.overlaps()).toEqual([]);
    const stoppedAt = Number(/stopped at (\d+)/.exec(f.log.find((l) => l.startsWith(`${first.id} stopped`))!)![1]);
    const startedAt = Number(new RegExp(`${successor[0]} started at (\\d+)`).exec(f.log.join("\n"))![1]);
    expect(startedAt - stoppedAt).toBeGreaterThanOrEqual(short.leaseDurationMs - short.renewDeadlineMs);
    expect(f.lease()).toMatchObject({ holderIdentity: successor[0], leaseTransitions: 1 });
    // The old leader comes back as a follower.
    first.link.heal();
    await f.clock.advance(5_000);
    expect(f.leaderOf()).toEqual(successor);
    for (const c of f.candidates) c.stop.abort();
    await f.clock.advance(5_000);
    await Promise.all(f.candidates.map((c) => c.running));
  });

  it("releases on a clean stop once its work has ended, so the next leader need not wait a lease duration", async () => {
    const f = field(["a", "b"]);
    await f.clock.advance(100);
    const [leader, other] = f.leaderOf()[0] === "a" ? f.candidates : [...f.candidates].reverse();
    leader!.stop.abort();
    await f.clock.advance(50);
    await leader!.running;
    expect(f.lease()).toMatchObject({ holderIdentity: "", leaseDurationSeconds: 1 });
    expect(leader!.elector.stats.releases).toBe(1);
    const at = f.clock.now();
    await f.clock.advance(2_000);
    expect(f.leaderOf()).toEqual([other!.id]);
    const startedAt = Number(new RegExp(`${other!.id} started at (\\d+)`).exec(f.log.join("\n"))![1]);
    expect(startedAt - at).toBeLessThanOrEqual(short.retryPeriodMs * 1.2);
    expect(f.overlaps()).toEqual([]);
    other!.stop.abort();
    await f.clock.advance(5_000);
  });

  it("does not release while its work is still running, and steps down at once when another holds the Lease", async () => {
    const clock = new FakeClock({ settle: "macrotask" });
    const cluster = new FakeCluster();
    const stop = new AbortController();
    const stopped: string[] = [];
    const elector = leaderElector(cluster, {
      lease: { name: "lock", namespace: "ns" },
      identity: "stubborn",
      ...short,
      clock,
      onStartedLeading: () => new Promise<void>(() => undefined), // ignores its signal
      onStoppedLeading: () => stopped.push(`at ${clock.now()}`),
    });
    const running = elector.run(stop.signal);
    await clock.advance(100);
    expect(elector.isLeader).toBe(true);
    // Someone else takes the Lease (a forced takeover): the next renewal sees it and steps down.
    const lease = cluster.get(LEASES, "ns", "lock")!;
    await cluster.send({ method: "PUT", path: "/apis/coordination.k8s.io/v1/namespaces/ns/leases/lock", body: JSON.stringify({ ...lease, spec: { ...(lease.spec as object), holderIdentity: "usurper" } }) });
    await clock.advance(600);
    expect(elector.isLeader).toBe(false);
    expect(stopped).toEqual(["at 500"]);
    expect(elector.stats.losses).toBe(1);
    stop.abort();
    await clock.advance(3_000);
    await running;
    expect(elector.stats.releases).toBe(0);
    expect(cluster.get(LEASES, "ns", "lock")!.spec).toMatchObject({ holderIdentity: "usurper" });
  });

  it("property: whatever the stalls, no two candidates ever act at the same time", async () => {
    const fault = fc.record({
      at: fc.integer({ min: 0, max: 20_000 }),
      who: fc.integer({ min: 0, max: 2 }),
      mode: fc.constantFrom("stall-before", "stall-after", "up", "up"),
    });
    await fc.assert(
      fc.asyncProperty(fc.array(fault, { maxLength: 12 }), async (faults) => {
        const f = field(["a", "b", "c"]);
        for (const x of [...faults].sort((p, q) => p.at - q.at)) {
          await f.clock.advance(x.at - f.clock.now());
          const link = f.candidates[x.who]!.link;
          if (x.mode === "up") link.heal();
          else link.mode = x.mode as "stall-before" | "stall-after";
        }
        for (const c of f.candidates) c.link.heal();
        await f.clock.advance(25_000 - f.clock.now());
        expect(f.overlaps()).toEqual([]);
        // With every link healthy again, someone leads.
        expect(f.leaderOf()).toHaveLength(1);
        for (const c of f.candidates) c.stop.abort();
        await f.clock.advance(5_000);
        await flushMicrotasks();
      }),
      { numRuns: 40 },
    );
  }, 60_000);
});
