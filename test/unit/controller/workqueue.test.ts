import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { sleep } from "../../../src/base/clock.ts";
import { ValidationError } from "../../../src/base/errors.ts";
import {
  bucketRateLimiter,
  defaultControllerRateLimiter,
  itemExponentialRateLimiter,
  maxOfRateLimiter,
} from "../../../src/controller/rate-limiters.ts";
import { WorkQueue } from "../../../src/controller/workqueue.ts";
import { FakeClock, flushMicrotasks } from "../runtime/fake-clock.ts";

describe("rate limiters", () => {
  it("item exponential: base × 2^failures, capped, per key; forget resets", () => {
    const l = itemExponentialRateLimiter<string>(5, 100);
    expect([l.when("a"), l.when("a"), l.when("a"), l.when("a"), l.when("a"), l.when("a")]).toEqual([5, 10, 20, 40, 80, 100]);
    expect(l.when("b")).toBe(5);
    expect(l.numRequeues("a")).toBe(6);
    l.forget("a");
    expect(l.numRequeues("a")).toBe(0);
    expect(l.when("a")).toBe(5);
    for (let i = 0; i < 2000; i++) l.when("c");
    expect(l.when("c")).toBe(100);
  });

  it("bucket: burst at once, then 1/qps apart, refilled by time", () => {
    const clock = new FakeClock();
    const l = bucketRateLimiter<string>({ qps: 10, burst: 3 }, clock);
    expect([l.when("a"), l.when("b"), l.when("c"), l.when("d"), l.when("e")]).toEqual([0, 0, 0, 100, 200]);
    expect(l.numRequeues("d")).toBe(0);
  });

  it("max-of: the longest delay, every limiter counting", () => {
    const clock = new FakeClock();
    const l = maxOfRateLimiter<string>(itemExponentialRateLimiter(5, 1_000_000), bucketRateLimiter({ qps: 10, burst: 2 }, clock));
    expect([l.when("a"), l.when("a"), l.when("a"), l.when("a")]).toEqual([5, 10, 100, 200]);
    expect(l.numRequeues("a")).toBe(4);
    l.forget("a");
    expect(l.numRequeues("a")).toBe(0);
  });

  it("client-go's defaults: 5 ms per key doubling to 1000 s, 10 qps with a burst of 100", () => {
    const clock = new FakeClock();
    const l = defaultControllerRateLimiter<string>(clock);
    expect(l.when("k")).toBe(5);
    for (let i = 0; i < 99; i++) l.when(`other-${i}`);
    // 100 tokens spent: the next key waits for the bucket (100 ms) rather than its own 5 ms.
    expect(l.when("fresh")).toBe(100);
    const item = itemExponentialRateLimiter<string>();
    let last = 0;
    for (let i = 0; i < 40; i++) last = item.when("x");
    expect(last).toBe(1_000_000);
  });

  it("rejects nonsense with a ValidationError", () => {
    expect(() => itemExponentialRateLimiter(0, 10)).toThrow(ValidationError);
    expect(() => itemExponentialRateLimiter(10, 5)).toThrow(ValidationError);
    expect(() => maxOfRateLimiter()).toThrow(ValidationError);
  });
});

describe("WorkQueue", () => {
  const quick = () => ({ clock: new FakeClock(), rateLimiter: itemExponentialRateLimiter<string>(1, 50) });

  it("hands keys out in order and dedupes a key queued twice", async () => {
    const q = new WorkQueue<string>(quick());
    q.add("a");
    q.add("b");
    q.add("a");
    expect(q.length).toBe(2);
    expect(q.adds).toBe(3);
    expect(await q.get()).toBe("a");
    expect(await q.get()).toBe("b");
    expect(q.length).toBe(0);
    expect(q.processing).toBe(2);
  });

  it("never hands out a key being processed; re-adds it after done", async () => {
    const q = new WorkQueue<string>(quick());
    q.add("a");
    expect(await q.get()).toBe("a");
    q.add("a");
    q.add("a");
    expect(q.length).toBe(0);
    let second: string | undefined;
    void q.get().then((k) => (second = k));
    await flushMicrotasks();
    expect(second).toBeUndefined();
    q.done("a");
    await flushMicrotasks();
    expect(second).toBe("a");
    expect(() => q.done("zzz")).toThrow(ValidationError);
  });

  it("addAfter keeps the earliest time; addRateLimited follows the limiter; forget resets", async () => {
    const options = quick();
    const q = new WorkQueue<string>(options);
    q.addAfter("a", 100);
    q.addAfter("a", 300);
    q.addAfter("a", 50);
    q.addAfter("b", 0);
    expect(q.length).toBe(1);
    expect(q.delayed).toBe(1);
    await options.clock.advance(49);
    expect(q.length).toBe(1);
    await options.clock.advance(1);
    expect(q.length).toBe(2);
    expect(q.delayed).toBe(0);
    await options.clock.advance(1000);
    expect(q.length).toBe(2);

    const r = new WorkQueue<string>(options);
    r.addRateLimited("k");
    r.addRateLimited("k");
    expect(r.numRequeues("k")).toBe(2);
    await options.clock.advance(1);
    expect(r.length).toBe(1);
    r.forget("k");
    expect(r.numRequeues("k")).toBe(0);
  });

  it("shutDown stops handing out keys and drops queued and waiting ones; drained waits for in-flight", async () => {
    const q = new WorkQueue<string>(quick());
    q.add("a");
    q.add("b");
    q.addAfter("c", 10);
    const a = await q.get();
    const waiting = new WorkQueue<string>(quick());
    const pending = waiting.get();
    waiting.shutDown();
    expect(await pending).toBeUndefined();

    q.shutDown();
    expect(await q.get()).toBeUndefined();
    expect(q.length).toBe(0);
    expect(q.delayed).toBe(0);
    q.add("d");
    expect(q.length).toBe(0);
    let drained = false;
    void q.drained().then(() => (drained = true));
    await flushMicrotasks();
    expect(drained).toBe(false);
    q.done(a!);
    await flushMicrotasks();
    expect(drained).toBe(true);
  });

  it("property: no key runs concurrently with itself, every added key runs after its last add, shutdown drains", async () => {
    const op = fc.record({
      at: fc.integer({ min: 0, max: 200 }),
      key: fc.integer({ min: 0, max: 5 }),
      delay: fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 50 })),
    });
    await fc.assert(
      fc.asyncProperty(
        fc.array(op, { maxLength: 40 }),
        fc.integer({ min: 1, max: 4 }),
        fc.array(fc.integer({ min: 0, max: 30 }), { minLength: 1, maxLength: 10 }),
        fc.array(fc.boolean(), { minLength: 1, maxLength: 7 }),
        async (ops, workers, durations, failures) => {
          const clock = new FakeClock();
          const q = new WorkQueue<string>({ clock, rateLimiter: itemExponentialRateLimiter(1, 40) });
          const active = new Set<string>();
          const lastAdd = new Map<string, number>();
          const lastStart = new Map<string, number>();
          const violations: string[] = [];
          let n = 0;
          const worker = async (): Promise<void> => {
            for (;;) {
              const key = await q.get();
              if (key === undefined) return;
              if (active.has(key)) violations.push(`${key} ran twice at ${clock.now()}`);
              active.add(key);
              lastStart.set(key, clock.now());
              const i = n++;
              await sleep(durations[i % durations.length]!, clock);
              active.delete(key);
              // Fail a few times, never forever: every key must settle.
              if (failures[i % failures.length] && q.numRequeues(key) < 3) q.addRateLimited(key);
              else q.forget(key);
              q.done(key);
            }
          };
          const running = Array.from({ length: workers }, worker);
          for (const o of [...ops].sort((a, b) => a.at - b.at)) {
            await clock.advance(o.at - clock.now());
            const key = `k${o.key}`;
            lastAdd.set(key, clock.now());
            if (o.delay === 0) q.add(key);
            else q.addAfter(key, o.delay);
          }
          await clock.advance(10_000);
          expect(violations).toEqual([]);
          for (const [key, addedAt] of lastAdd) {
            expect(lastStart.get(key), key).toBeGreaterThanOrEqual(addedAt);
          }
          expect(q.length + q.delayed + q.processing).toBe(0);

          // Shutdown while keys are in flight: drained resolves only after every one is done.
          for (let k = 0; k < workers; k++) q.add(`late-${k}`);
          await flushMicrotasks();
          const inFlight = q.processing;
          q.shutDown();
          let drainedAt: number | undefined;
          void q.drained().then(() => (drainedAt = clock.now()));
          await flushMicrotasks();
          if (inFlight > 0) expect(drainedAt).toBeUndefined();
          await clock.advance(1_000);
          expect(drainedAt).toBeDefined();
          expect(active.size).toBe(0);
          await Promise.all(running);
        },
      ),
      { numRuns: 150 },
    );
  });
});
