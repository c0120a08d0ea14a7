import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { TokenBucket } from "../../../src/transport/rate-limit.ts";

function fakeClock(start = 1_000) {
  let now = start;
  return { now: () => now, advance: (ms: number) => void (now += ms) };
}

describe("TokenBucket", () => {
  it("lets a burst through at once, then spaces requests 1/qps apart", () => {
    const clock = fakeClock();
    const bucket = new TokenBucket({ qps: 5, burst: 3 }, clock);
    expect([bucket.reserve(), bucket.reserve(), bucket.reserve()]).toEqual([0, 0, 0]);
    // Reservations queue: the 4th waits one interval, the 5th two.
    expect(bucket.reserve()).toBeCloseTo(200);
    expect(bucket.reserve()).toBeCloseTo(400);
  });

  it("refills with time, up to burst and not beyond", () => {
    const clock = fakeClock();
    const bucket = new TokenBucket({ qps: 10, burst: 2 }, clock);
    bucket.reserve();
    bucket.reserve();
    expect(bucket.reserve()).toBeCloseTo(100);
    clock.advance(10_000);
    expect([bucket.reserve(), bucket.reserve()]).toEqual([0, 0]);
    expect(bucket.reserve()).toBeCloseTo(100);
  });

  it("refund gives a reserved token back", () => {
    const clock = fakeClock();
    const bucket = new TokenBucket({ qps: 1, burst: 1 }, clock);
    expect(bucket.reserve()).toBe(0);
    expect(bucket.reserve()).toBeCloseTo(1_000);
    bucket.refund();
    expect(bucket.reserve()).toBeCloseTo(1_000);
  });

  it("rejects nonsense limits", () => {
    expect(() => new TokenBucket({ qps: 0, burst: 1 })).toThrow(RangeError);
    expect(() => new TokenBucket({ qps: 5, burst: 0 })).toThrow(RangeError);
    expect(() => new TokenBucket({ qps: Number.NaN, burst: 1 })).toThrow(RangeError);
  });

  it("a clock going backwards does not mint tokens", () => {
    const clock = fakeClock(5_000);
    const bucket = new TokenBucket({ qps: 1, burst: 1 }, clock);
    bucket.reserve();
    clock.advance(-4_000);
    expect(bucket.reserve()).toBeCloseTo(1_000);
  });

  it("property: requests admitted by time T never exceed burst + qps*T", () => {
    fc.assert(
      fc.property(
        fc.double({ min: 0.5, max: 100, noNaN: true }),
        fc.integer({ min: 1, max: 20 }),
        fc.array(fc.integer({ min: 0, max: 500 }), { minLength: 1, maxLength: 200 }),
        (qps, burst, gaps) => {
          const clock = fakeClock(0);
          const bucket = new TokenBucket({ qps, burst }, clock);
          const sendTimes: number[] = [];
          for (const gap of gaps) {
            clock.advance(gap);
            sendTimes.push(clock.now() + bucket.reserve());
          }
          // Count requests sent within [0, t] for each send time t.
          return sendTimes.every((t) => {
            const admitted = sendTimes.filter((s) => s <= t + 1e-6).length;
            return admitted <= burst + (qps * t) / 1000 + 1e-6;
          });
        },
      ),
    );
  });
});
