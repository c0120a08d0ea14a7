import { describe, expect, it } from "vitest";
import { ExponentialBackoff, ResetTimerBackoff, withBackoff, type Backoff } from "../../../src/base/backoff.ts";
import { FakeClock } from "../runtime/fake-clock.ts";

const delays = (b: Backoff, n: number): number[] => Array.from({ length: n }, () => b.next());

describe("ExponentialBackoff", () => {
  it("doubles from the initial delay up to the cap", () => {
    const b = new ExponentialBackoff({ initialMs: 100, maxMs: 1000, random: () => 1 });
    expect(delays(b, 6)).toEqual([100, 200, 400, 800, 1000, 1000]);
  });

  it("leaves up to `jitter` of each delay to chance: random 0 gives the shortest", () => {
    expect(delays(new ExponentialBackoff({ initialMs: 100, jitter: 0.5, random: () => 0 }), 2)).toEqual([50, 100]);
    expect(delays(new ExponentialBackoff({ initialMs: 100, jitter: 0.5, random: () => 0.5 }), 2)).toEqual([75, 150]);
  });

  it("keeps every delay within [initial*(1-jitter), max] whatever the randomness", () => {
    const b = new ExponentialBackoff({ initialMs: 800, maxMs: 30_000, jitter: 0.5 });
    for (const d of delays(b, 200)) {
      expect(d).toBeGreaterThanOrEqual(400);
      expect(d).toBeLessThanOrEqual(30_000);
    }
  });

  it("starts over after reset", () => {
    const b = new ExponentialBackoff({ initialMs: 10, random: () => 1 });
    delays(b, 5);
    b.reset();
    expect(b.next()).toBe(10);
  });
});

describe("ResetTimerBackoff", () => {
  it("resets after a quiet period, not before", async () => {
    const clock = new FakeClock();
    const b = new ResetTimerBackoff(new ExponentialBackoff({ initialMs: 100, random: () => 1 }), 10_000, clock);
    expect(delays(b, 3)).toEqual([100, 200, 400]);
    await clock.advance(9_999);
    expect(b.next()).toBe(800);
    await clock.advance(10_000);
    expect(b.next()).toBe(100);
  });
});

describe("withBackoff", () => {
  it("waits the backoff delay after each failure before pulling again", async () => {
    const clock = new FakeClock();
    const pulls: number[] = [];
    async function* source(): AsyncGenerator<string> {
      for (const item of ["ok", "fail", "fail", "ok"]) {
        pulls.push(clock.now());
        yield item;
      }
    }
    const b = new ExponentialBackoff({ initialMs: 100, random: () => 1 });
    const seen: string[] = [];
    const done = (async () => {
      for await (const item of withBackoff(source(), (i) => i === "fail", b, { clock })) seen.push(item);
    })();
    await clock.advance(50);
    expect(seen).toEqual(["ok", "fail"]);
    await clock.advance(50); // t=100: first delay over
    expect(seen).toEqual(["ok", "fail", "fail"]);
    await clock.advance(200); // t=300: second delay (200) over
    await done;
    expect(seen).toEqual(["ok", "fail", "fail", "ok"]);
    expect(pulls).toEqual([0, 0, 100, 300]);
  });

  it("judges an item before handing it on: a consumer that empties a failed batch still gets the delay", async () => {
    const clock = new FakeClock();
    const pulls: number[] = [];
    async function* source(): AsyncGenerator<string[]> {
      for (const batch of [["ok", "fail"], ["ok"]]) {
        pulls.push(clock.now());
        yield batch;
      }
    }
    const b = new ExponentialBackoff({ initialMs: 100, random: () => 1 });
    const seen: string[][] = [];
    const done = (async () => {
      for await (const batch of withBackoff(source(), (x) => x.at(-1) === "fail", b, { clock, minDelayMs: (x) => (x.length > 1 ? 150 : 0) })) {
        seen.push([...batch]);
        batch.length = 0; // what the informer does with an applied batch
      }
    })();
    await clock.advance(100);
    expect(seen).toEqual([["ok", "fail"]]);
    await clock.advance(50); // t=150: the floor from minDelayMs, judged on the full batch
    await done;
    expect(seen).toEqual([["ok", "fail"], ["ok"]]);
    expect(pulls).toEqual([0, 150]);
  });

  it("ends quietly when the signal aborts during a wait", async () => {
    const clock = new FakeClock();
    const controller = new AbortController();
    async function* source(): AsyncGenerator<string> {
      yield "fail";
      yield "never";
    }
    const seen: string[] = [];
    const done = (async () => {
      const b = new ExponentialBackoff({ initialMs: 1000 });
      for await (const item of withBackoff(source(), () => true, b, { clock, signal: controller.signal })) seen.push(item);
    })();
    await clock.advance(10);
    controller.abort();
    await done;
    expect(seen).toEqual(["fail"]);
  });
});
