/**
 * Client-side rate limit: a token bucket of `burst` tokens refilled at `qps` per second, like
 * client-go's QPS/Burst. Off unless configured. Reservations may run the bucket negative, so
 * concurrent callers queue in arrival order without a timer per token; the clock is injected.
 */
import { systemClock, type Clock } from "../base/clock.ts";

/** A client-side token bucket, as client-go's QPS and Burst. */
export interface RateLimit {
  /** Sustained requests per second (> 0). */
  qps: number;
  /** Requests allowed at once after a quiet period (>= 1). */
  burst: number;
}

/**
 * @example
 * const bucket = new TokenBucket({ qps: 5, burst: 10 });
 * await sleep(bucket.reserve()); // 0 for the first 10 calls, then 200 ms apart
 */
export class TokenBucket {
  readonly #qps: number;
  readonly #burst: number;
  readonly #clock: Pick<Clock, "now">;
  #tokens: number;
  #at: number;

  constructor(limit: RateLimit, clock: Pick<Clock, "now"> = systemClock) {
    if (!(limit.qps > 0) || !Number.isFinite(limit.qps)) throw new RangeError(`rate limit qps must be a positive number, got ${limit.qps}`);
    if (!(limit.burst >= 1)) throw new RangeError(`rate limit burst must be at least 1, got ${limit.burst}`);
    this.#qps = limit.qps;
    this.#burst = Math.floor(limit.burst);
    this.#clock = clock;
    this.#tokens = this.#burst;
    this.#at = clock.now();
  }

  /** Takes one token; returns how long (ms) the caller must wait before sending. */
  reserve(): number {
    const now = this.#clock.now();
    const elapsed = Math.max(0, now - this.#at);
    this.#at = Math.max(this.#at, now);
    this.#tokens = Math.min(this.#burst, this.#tokens + (elapsed * this.#qps) / 1000);
    this.#tokens -= 1;
    return this.#tokens >= 0 ? 0 : (-this.#tokens * 1000) / this.#qps;
  }

  /** Gives back a reserved token (the caller gave up waiting). */
  refund(): void {
    this.#tokens = Math.min(this.#burst, this.#tokens + 1);
  }
}
