/**
 * The controller's work queue, with client-go's guarantees:
 * - a key queued twice before it is taken runs once (the dirty set);
 * - a key is never handed out while it is being processed: added meanwhile, it waits in the
 *   dirty set and is queued again by `done` (the processing set);
 * - delayed adds (`addAfter`, `addRateLimited`) keep only the earliest time per key.
 * Shutting down stops handing out keys at once (queued ones are dropped: a stopping controller
 * starts no new work) and `drained()` resolves when the keys being processed are done.
 */
import { ValidationError } from "../base/errors.ts";
import { systemClock, type Clock } from "../base/clock.ts";
import { defaultControllerRateLimiter, type RateLimiter } from "./rate-limiters.ts";

/** Options of a WorkQueue: its rate limiter (default: per-key exponential backoff and a global bucket) and clock. */
export interface WorkQueueOptions<K> {
  /** Pacing of `addRateLimited`. Default: defaultControllerRateLimiter(). */
  rateLimiter?: RateLimiter<K>;
  clock?: Clock;
}

interface Delayed<K> {
  at: number;
  key: K;
}

/**
 * @example
 * const queue = new WorkQueue<string>();
 * queue.add("ns/a");
 * const key = await queue.get(); // "ns/a"
 * try { await work(key); queue.forget(key); } catch { queue.addRateLimited(key); } finally { queue.done(key); }
 */
export class WorkQueue<K = string> {
  readonly #rateLimiter: RateLimiter<K>;
  readonly #clock: Clock;
  /** FIFO of keys ready to be taken; `#head` indexes its first live entry. */
  #queue: K[] = [];
  #head = 0;
  readonly #dirty = new Set<K>();
  readonly #processing = new Set<K>();
  /** Keys waiting for their time: key → when it is due. */
  readonly #waiting = new Map<K, number>();
  /** Min-heap of waiting keys by due time; entries whose time no longer matches #waiting are stale. */
  readonly #heap: Delayed<K>[] = [];
  #timer: unknown;
  #timerAt = Infinity;
  readonly #getters: ((key: K | undefined) => void)[] = [];
  readonly #drainers: (() => void)[] = [];
  #shuttingDown = false;
  #dispatching = false;
  #adds = 0;

  constructor(options: WorkQueueOptions<K> = {}) {
    this.#clock = options.clock ?? systemClock;
    this.#rateLimiter = options.rateLimiter ?? defaultControllerRateLimiter<K>(this.#clock);
  }

  /** Keys ready to be taken. */
  get length(): number {
    return this.#queue.length - this.#head;
  }

  /** Keys waiting for a delay (backoff or requeueAfter). */
  get delayed(): number {
    return this.#waiting.size;
  }

  /** Keys taken and not yet `done`. */
  get processing(): number {
    return this.#processing.size;
  }

  /** Adds accepted so far (deduplicated ones included), for metrics. */
  get adds(): number {
    return this.#adds;
  }

  get shuttingDown(): boolean {
    return this.#shuttingDown;
  }

  /** Queues `key` unless it is queued already; a key being processed runs again after `done`. */
  add(key: K): void {
    if (this.#shuttingDown) return;
    this.#adds++;
    if (this.#dirty.has(key)) return;
    this.#dirty.add(key);
    if (this.#processing.has(key)) return;
    this.#push(key);
  }

  /** Queues `key` after `ms`; a key already waiting keeps the earlier of the two times. */
  addAfter(key: K, ms: number): void {
    if (this.#shuttingDown) return;
    if (!Number.isFinite(ms) || ms <= 0) return this.add(key);
    const at = this.#clock.now() + ms;
    const current = this.#waiting.get(key);
    if (current !== undefined && current <= at) return;
    this.#waiting.set(key, at);
    heapPush(this.#heap, { at, key });
    this.#schedule();
  }

  /** Queues `key` after the rate limiter's delay (one more failure of it). */
  addRateLimited(key: K): void {
    this.addAfter(key, this.#rateLimiter.when(key));
  }

  /** The key succeeded: its backoff starts over. */
  forget(key: K): void {
    this.#rateLimiter.forget(key);
  }

  /** Failures counted for `key` since it last succeeded. */
  numRequeues(key: K): number {
    return this.#rateLimiter.numRequeues(key);
  }

  /**
   * The next key to process; it is the caller's until `done(key)`. Resolves undefined once the
   * queue shuts down.
   */
  get(): Promise<K | undefined> {
    if (this.#shuttingDown) return Promise.resolve(undefined);
    if (this.length > 0) return Promise.resolve(this.#take());
    return new Promise((resolve) => this.#getters.push(resolve));
  }

  /** Processing of `key` is over; if it was added meanwhile, it is queued again. */
  done(key: K): void {
    if (!this.#processing.delete(key)) {
      throw new ValidationError("workqueue: done() for a key that is not being processed");
    }
    if (this.#dirty.has(key) && !this.#shuttingDown) this.#push(key);
    if (this.#processing.size === 0) this.#drainers.splice(0).forEach((resolve) => resolve());
  }

  /** Stops handing out keys: pending and later `get` calls resolve undefined, queued and waiting keys are dropped. */
  shutDown(): void {
    if (this.#shuttingDown) return;
    this.#shuttingDown = true;
    if (this.#timer !== undefined) this.#clock.clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#timerAt = Infinity;
    this.#waiting.clear();
    this.#heap.length = 0;
    this.#queue = [];
    this.#head = 0;
    for (const key of [...this.#dirty]) if (!this.#processing.has(key)) this.#dirty.delete(key);
    this.#getters.splice(0).forEach((resolve) => resolve(undefined));
  }

  /** Resolves once no key is being processed. */
  drained(): Promise<void> {
    if (this.#processing.size === 0) return Promise.resolve();
    return new Promise((resolve) => this.#drainers.push(resolve));
  }

  #push(key: K): void {
    this.#queue.push(key);
    // Waiting getters are served in a microtask, so adds made in the same turn (an update
    // mapped from both its old and new state, say) are still deduplicated, as in client-go.
    if (this.#getters.length > 0 && !this.#dispatching) {
      this.#dispatching = true;
      queueMicrotask(() => {
        this.#dispatching = false;
        while (this.#getters.length > 0 && this.length > 0) this.#getters.shift()!(this.#take());
      });
    }
  }

  #take(): K {
    const key = this.#queue[this.#head]!;
    this.#head++;
    // Compact now and then, so a long-lived queue does not keep every key it ever held.
    if (this.#head > 1024 && this.#head * 2 > this.#queue.length) {
      this.#queue = this.#queue.slice(this.#head);
      this.#head = 0;
    }
    this.#dirty.delete(key);
    this.#processing.add(key);
    return key;
  }

  /** Arms one timer for the earliest waiting key. */
  #schedule(): void {
    const first = this.#heap[0];
    if (!first || first.at >= this.#timerAt) return;
    if (this.#timer !== undefined) this.#clock.clearTimeout(this.#timer);
    this.#timerAt = first.at;
    this.#timer = this.#clock.setTimeout(() => this.#release(), Math.max(0, first.at - this.#clock.now()));
  }

  /** Queues every key whose time has come, then re-arms the timer. */
  #release(): void {
    this.#timer = undefined;
    this.#timerAt = Infinity;
    const now = this.#clock.now();
    while (this.#heap.length > 0 && this.#heap[0]!.at <= now) {
      const { at, key } = heapPop(this.#heap)!;
      if (this.#waiting.get(key) !== at) continue;
      this.#waiting.delete(key);
      this.add(key);
    }
    this.#schedule();
  }
}

function heapPush<K>(heap: Delayed<K>[], item: Delayed<K>): void {
  heap.push(item);
  let i = heap.length - 1;
  while (i > 0) {
    const parent = (i - 1) >> 1;
    if (heap[parent]!.at <= heap[i]!.at) break;
    [heap[parent], heap[i]] = [heap[i]!, heap[parent]!];
    i = parent;
  }
}

function heapPop<K>(heap: Delayed<K>[]): Delayed<K> | undefined {
  const top = heap[0];
  const last = heap.pop();
  if (top === undefined || last === undefined || heap.length === 0) return top;
  heap[0] = last;
  let i = 0;
  for (;;) {
    const l = 2 * i + 1;
    const r = l + 1;
    let smallest = i;
    if (l < heap.length && heap[l]!.at < heap[smallest]!.at) smallest = l;
    if (r < heap.length && heap[r]!.at < heap[smallest]!.at) smallest = r;
    if (smallest === i) break;
    [heap[smallest], heap[i]] = [heap[i]!, heap[smallest]!];
    i = smallest;
  }
  return top;
}
