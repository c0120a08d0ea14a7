/**
 * Time as the runtime sees it. Backoff, polling and idle detection take a Clock so that
 * tests can drive time by hand.
 */
export interface Clock {
  /** Milliseconds, monotonic enough for measuring intervals. */
  now(): number;
  /** Calls `callback` once after `ms`; the handle goes to `clearTimeout`. */
  setTimeout(callback: () => void, ms: number): unknown;
  /** Cancels a pending `setTimeout`. */
  clearTimeout(handle: unknown): void;
}

/** The real clock. */
export const systemClock: Clock = {
  now: () => performance.now(),
  setTimeout: (callback, ms) => setTimeout(callback, ms),
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

/**
 * Waits `ms` on `clock`. Resolves true when the time passed, false when `signal` aborted
 * first (never rejects, so callers can stop quietly).
 *
 * @example if (!(await sleep(1000, systemClock, signal))) return;
 */
export function sleep(ms: number, clock: Clock, signal?: AbortSignal): Promise<boolean> {
  if (signal?.aborted) return Promise.resolve(false);
  return new Promise((resolve) => {
    const onAbort = (): void => {
      clock.clearTimeout(handle);
      resolve(false);
    };
    const handle = clock.setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve(true);
    }, ms);
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}
