/**
 * Retry pacing, kept apart from the watcher so that the watcher stays a plain event source
 * and tests can pace it by hand: `withBackoff` wraps any event stream and waits before
 * asking it for more after each failure event.
 */
import { sleep, systemClock, type Clock } from "./clock.ts";

/** A sequence of delays. `next` gives the delay before the next retry; `reset` starts over. */
export interface Backoff {
  /** The delay before the next retry, in ms. */
  next(): number;
  /** Starts the sequence over (after a success). */
  reset(): void;
}

/** How an `ExponentialBackoff` grows; every field has a default. */
export interface ExponentialBackoffOptions {
  /** First delay, ms. Default 800. */
  initialMs?: number;
  /** Largest delay, ms. Default 30 000. */
  maxMs?: number;
  /** Growth per retry. Default 2. */
  factor?: number;
  /** Fraction of each delay left to chance, 0..1 (see DelayCurve). Default 0.5. */
  jitter?: number;
  /** Source of randomness in [0, 1). Default Math.random. */
  random?: () => number;
}

/** The shape of an exponential delay sequence. */
export interface DelayCurve {
  /** First delay, ms. */
  initialMs: number;
  /** Largest delay, ms. */
  maxMs: number;
  /** Growth per attempt. */
  factor: number;
  /** Fraction of each delay left to chance, 0..1: the delay lies in [base × (1 − jitter), base]. */
  jitter: number;
}

/**
 * The delay before retry number `attempt` (from 0): `initialMs × factor^attempt`, capped at
 * `maxMs`, of which the `jitter` part is scaled by `random()`. The one backoff formula of the
 * SDK: request retries (transport/retry.ts) and the watcher's ExponentialBackoff both use it,
 * so clients that failed together spread out and never retry with a zero delay.
 *
 * @example exponentialDelay(2, { initialMs: 100, maxMs: 1_000, factor: 2, jitter: 0.5 }, () => 1) // 400
 */
export function exponentialDelay(attempt: number, curve: DelayCurve, random: () => number): number {
  const base = Math.min(curve.maxMs, curve.initialMs * curve.factor ** Math.min(Math.max(attempt, 0), 1_000));
  const jitter = clamp01(curve.jitter);
  return base * (1 - jitter) + base * jitter * clamp01(random());
}

function clamp01(n: number): number {
  return Number.isFinite(n) ? Math.min(1, Math.max(0, n)) : 0;
}

/**
 * Delays that grow by `factor` up to `maxMs`, each with a random part of up to `jitter`
 * (see exponentialDelay), so that many clients that failed together do not retry together.
 *
 * @example const b = new ExponentialBackoff({ initialMs: 100, jitter: 0 }); b.next(); // 100
 */
export class ExponentialBackoff implements Backoff {
  private attempt = 0;
  private readonly curve: DelayCurve;
  private readonly random: () => number;

  constructor(options: ExponentialBackoffOptions = {}) {
    this.curve = {
      initialMs: options.initialMs ?? 800,
      maxMs: options.maxMs ?? 30_000,
      factor: options.factor ?? 2,
      jitter: options.jitter ?? 0.5,
    };
    this.random = options.random ?? Math.random;
  }

  /**
   * The next delay, in ms: the previous one times `factor`, capped at `maxMs`, less a random part of up to `jitter`.
   */
  next(): number {
    const delay = exponentialDelay(this.attempt, this.curve, this.random);
    // Stop counting once the cap is reached, so the exponent never overflows.
    if (this.curve.initialMs * this.curve.factor ** this.attempt < this.curve.maxMs) this.attempt++;
    return Math.round(delay);
  }

  /** Starts over at `initialMs`. */
  reset(): void {
    this.attempt = 0;
  }
}

/**
 * Resets the inner backoff when no retry was asked for during `resetAfterMs`: a watcher
 * that has been healthy for a while starts again from the shortest delay.
 *
 * @example const b = new ResetTimerBackoff(new ExponentialBackoff(), 120_000);
 */
export class ResetTimerBackoff implements Backoff {
  private lastAt: number | undefined;
  private readonly inner: Backoff;
  private readonly resetAfterMs: number;
  private readonly clock: Clock;

  constructor(inner: Backoff, resetAfterMs: number, clock: Clock = systemClock) {
    this.inner = inner;
    this.resetAfterMs = resetAfterMs;
    this.clock = clock;
  }

  /** The inner backoff's next delay; after `resetAfterMs` without a failure it is reset first. */
  next(): number {
    const now = this.clock.now();
    if (this.lastAt !== undefined && now - this.lastAt >= this.resetAfterMs) this.inner.reset();
    this.lastAt = now;
    return this.inner.next();
  }

  /** Resets the inner backoff and forgets when the last failure was. */
  reset(): void {
    this.lastAt = undefined;
    this.inner.reset();
  }
}

/**
 * The watcher's default: 0.8 s doubling to 30 s with jitter, reset after 2 quiet minutes.
 *
 * @example watcher(conn, { path, backoff: defaultBackoff() });
 */
export function defaultBackoff(clock: Clock = systemClock): Backoff {
  return new ResetTimerBackoff(new ExponentialBackoff(), 120_000, clock);
}

export interface WithBackoffOptions<E> {
  clock?: Clock;
  /** A floor for the delay after a given failure, e.g. the server's Retry-After. */
  minDelayMs?: (item: E) => number;
  /** Ends the stream (cleanly) while it waits. */
  signal?: AbortSignal;
}

/**
 * Passes `source` through; after each item for which `isFailure` is true, waits the
 * backoff's next delay before pulling the next item (which is when the source retries).
 * An item is judged before it is handed on and never read after: its consumer may empty it.
 *
 * @example
 * for await (const ev of withBackoff(events, (e) => e.type === "ERROR", defaultBackoff())) { ... }
 */
export async function* withBackoff<E>(
  source: AsyncIterable<E>,
  isFailure: (item: E) => boolean,
  backoff: Backoff,
  options: WithBackoffOptions<E> = {},
): AsyncGenerator<E, void, undefined> {
  const clock = options.clock ?? systemClock;
  for await (const item of source) {
    const failed = isFailure(item);
    const floorMs = failed ? (options.minDelayMs?.(item) ?? 0) : 0;
    yield item;
    if (!failed) continue;
    if (!(await sleep(Math.max(backoff.next(), floorMs), clock, options.signal))) return;
  }
}
