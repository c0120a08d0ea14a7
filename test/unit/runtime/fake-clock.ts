import type { Clock } from "../../../src/base/clock.ts";

/** A clock that only moves when told to; timers fire in time order. */
export class FakeClock implements Clock {
  /**
   * "macrotask": before each timer, wait for a macrotask turn, which runs every pending promise
   * chain however long (request round trips through a fake server take more than 20 hops).
   */
  private readonly settle: () => Promise<void>;
  private time = 0;
  private nextId = 1;
  private readonly timers = new Map<number, { at: number; fn: () => void }>();

  constructor(options: { settle?: "microtasks" | "macrotask" } = {}) {
    this.settle = options.settle === "macrotask" ? () => new Promise<void>((resolve) => setImmediate(resolve)) : () => flushMicrotasks();
  }

  now(): number {
    return this.time;
  }

  setTimeout(fn: () => void, ms: number): unknown {
    const id = this.nextId++;
    this.timers.set(id, { at: this.time + Math.max(0, ms), fn });
    return id;
  }

  clearTimeout(handle: unknown): void {
    this.timers.delete(handle as number);
  }

  get pendingTimers(): number {
    return this.timers.size;
  }

  /** Moves time forward, firing due timers in order and letting promises settle after each. */
  async advance(ms: number): Promise<void> {
    const end = this.time + ms;
    for (;;) {
      await this.settle();
      let nextId: number | undefined;
      let nextAt = Infinity;
      for (const [id, timer] of this.timers) {
        if (timer.at <= end && timer.at < nextAt) {
          nextAt = timer.at;
          nextId = id;
        }
      }
      if (nextId === undefined) break;
      const timer = this.timers.get(nextId)!;
      this.timers.delete(nextId);
      this.time = timer.at;
      timer.fn();
    }
    this.time = end;
    await this.settle();
  }
}

export async function flushMicrotasks(rounds = 20): Promise<void> {
  for (let i = 0; i < rounds; i++) await Promise.resolve();
}
