import { describe, expect, it } from "vitest";
import { MAX_CONNECTIONS_PER_ORIGIN, RequestSlots } from "../../../src/transport/request-slots.ts";

const never = new AbortController().signal;

describe("RequestSlots", () => {
  it("grants up to the limit at once, then one per release, in order", async () => {
    const slots = new RequestSlots(2);
    const first = await slots.acquire(never);
    const second = await slots.acquire(never);
    const granted: number[] = [];
    const third = slots.acquire(never).then((r) => (granted.push(3), r));
    const fourth = slots.acquire(never).then((r) => (granted.push(4), r));
    await new Promise((r) => setTimeout(r, 5));
    expect(slots.busy).toBe(2);
    expect(granted).toEqual([]);
    first();
    first(); // releasing twice frees one slot only
    (await third)();
    second();
    (await fourth)();
    expect(granted).toEqual([3, 4]);
    expect(slots.busy).toBe(0);
  });

  it("a waiter whose signal aborts leaves the queue without taking a slot", async () => {
    const slots = new RequestSlots(1);
    const held = await slots.acquire(never);
    const ac = new AbortController();
    const waiting = slots.acquire(ac.signal).catch((e: unknown) => e);
    ac.abort(new Error("gave up"));
    expect(((await waiting) as Error).message).toBe("gave up");
    held();
    expect(slots.busy).toBe(0);
    await expect(slots.acquire(AbortSignal.abort(new Error("already")))).rejects.toThrow("already");
  });

  it("defaults to MAX_CONNECTIONS_PER_ORIGIN (64)", async () => {
    const slots = new RequestSlots();
    const held = await Promise.all(Array.from({ length: MAX_CONNECTIONS_PER_ORIGIN }, () => slots.acquire(never)));
    expect(MAX_CONNECTIONS_PER_ORIGIN).toBe(64);
    let extra = false;
    void slots.acquire(never).then(() => (extra = true));
    await new Promise((r) => setTimeout(r, 5));
    expect(extra).toBe(false);
    held[0]!();
    await new Promise((r) => setTimeout(r, 5));
    expect(extra).toBe(true);
  });
});
