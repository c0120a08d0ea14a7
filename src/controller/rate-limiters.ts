/**
 * How long a key waits before it is retried, as client-go's workqueue rate limiters decide it:
 * per key exponential backoff, a global token bucket, and the larger of several. The default
 * is client-go's DefaultControllerRateLimiter: 5 ms doubling to 1000 s per key, and at most
 * 10 retries per second (100 at once) over all keys.
 */
import { ValidationError } from "../base/errors.ts";
import { systemClock, type Clock } from "../base/clock.ts";
import { TokenBucket, type RateLimit } from "../transport/rate-limit.ts";

/** Decides the delay before a key's next retry. */
export interface RateLimiter<K = string> {
  /** The delay (ms) before `key` may run again; counts one more failure of it. */
  when(key: K): number;
  /** The key succeeded: its failures are forgotten. */
  forget(key: K): void;
  /** Failures counted for `key` since it was last forgotten. */
  numRequeues(key: K): number;
}

/**
 * `baseMs × 2^failures`, capped at `maxMs`, per key (client-go's ItemExponentialFailureRateLimiter).
 *
 * @example const limiter = itemExponentialRateLimiter(5, 1_000_000); limiter.when("ns/a"); // 5, then 10, 20, ...
 */
export function itemExponentialRateLimiter<K = string>(baseMs = 5, maxMs = 1_000_000): RateLimiter<K> {
  if (!(baseMs > 0) || !(maxMs >= baseMs)) {
    throw new ValidationError(`itemExponentialRateLimiter: want 0 < baseMs <= maxMs, got baseMs ${baseMs}, maxMs ${maxMs}`);
  }
  const failures = new Map<K, number>();
  return {
    when(key) {
      const n = failures.get(key) ?? 0;
      failures.set(key, n + 1);
      // 2^n past ~60 overflows nothing in JS but says nothing useful either: stop at the cap.
      return Math.min(maxMs, baseMs * 2 ** Math.min(n, 62));
    },
    forget(key) {
      failures.delete(key);
    },
    numRequeues(key) {
      return failures.get(key) ?? 0;
    },
  };
}

/**
 * A token bucket over all keys (client-go's BucketRateLimiter): `burst` retries at once, then
 * `qps` per second. It counts no failures, so `numRequeues` is always 0.
 *
 * @example const limiter = bucketRateLimiter({ qps: 10, burst: 100 });
 */
export function bucketRateLimiter<K = string>(limit: RateLimit, clock: Pick<Clock, "now"> = systemClock): RateLimiter<K> {
  const bucket = new TokenBucket(limit, clock);
  return {
    when: () => bucket.reserve(),
    forget: () => undefined,
    numRequeues: () => 0,
  };
}

/**
 * The longest delay any of `limiters` asks for (client-go's MaxOfRateLimiter). Every limiter
 * sees every call, so each keeps its own count.
 *
 * @example maxOfRateLimiter(itemExponentialRateLimiter(), bucketRateLimiter({ qps: 10, burst: 100 }))
 */
export function maxOfRateLimiter<K = string>(...limiters: RateLimiter<K>[]): RateLimiter<K> {
  if (limiters.length === 0) throw new ValidationError("maxOfRateLimiter needs at least one limiter");
  return {
    when: (key) => limiters.reduce((longest, l) => Math.max(longest, l.when(key)), 0),
    forget: (key) => limiters.forEach((l) => l.forget(key)),
    numRequeues: (key) => limiters.reduce((most, l) => Math.max(most, l.numRequeues(key)), 0),
  };
}

/**
 * client-go's DefaultControllerRateLimiter: per key 5 ms doubling to 1000 s, and a global
 * bucket of 10 per second with a burst of 100.
 *
 * @example const queue = new WorkQueue({ rateLimiter: defaultControllerRateLimiter() });
 */
export function defaultControllerRateLimiter<K = string>(clock: Clock = systemClock): RateLimiter<K> {
  return maxOfRateLimiter<K>(itemExponentialRateLimiter<K>(5, 1_000_000), bucketRateLimiter<K>({ qps: 10, burst: 100 }, clock));
}
