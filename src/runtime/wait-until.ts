/**
 * The one way the runtime waits for a condition: completion, a time limit, or a signal,
 * whichever comes first, with every listener and timer detached afterwards.
 */
import { WaitTimeoutError } from "../base/errors.ts";
import { abortReason, combineSignals } from "../base/abort.ts";
import type { Clock } from "../base/clock.ts";

/** How long a wait may take, and what cancels it. */
export interface WaitOptions {
  /** Give up after this long, rejecting with WaitTimeoutError. Absent or 0: no limit. */
  timeoutMs?: number;
  /** Aborting rejects with the signal's reason (an AbortError by default). */
  signal?: AbortSignal;
}

/**
 * Resolves when `attach`'s callback is called. `attach` registers the callback and returns
 * a function that unregisters it.
 *
 * @example
 * await waitUntil(clock, { timeoutMs: 5000 }, "config map web to exist", (done) => subscribe(done), stopSignal);
 */
export function waitUntil<V>(
  clock: Clock,
  options: WaitOptions,
  what: string,
  attach: (done: (value: V) => void) => () => void,
  ...stopSignals: (AbortSignal | undefined)[]
): Promise<V> {
  const { signal, dispose } = combineSignals(options.signal, ...stopSignals);
  if (signal.aborted) {
    dispose();
    return Promise.reject(abortReason(signal));
  }
  return new Promise<V>((resolve, reject) => {
    let timer: unknown;
    let detach: (() => void) | undefined;
    let settled = false;
    const finish = (): boolean => {
      if (settled) return false;
      settled = true;
      if (timer !== undefined) clock.clearTimeout(timer);
      signal.removeEventListener("abort", onAbort);
      dispose();
      detach?.();
      return true;
    };
    const onAbort = (): void => {
      if (finish()) reject(abortReason(signal));
    };
    signal.addEventListener("abort", onAbort, { once: true });
    if (options.timeoutMs) {
      const ms = options.timeoutMs;
      timer = clock.setTimeout(() => {
        if (finish()) reject(new WaitTimeoutError(`gave up after ${ms} ms waiting for ${what}`));
      }, ms);
    }
    // attach may complete at once; detach must then still run.
    detach = attach((value) => {
      if (finish()) resolve(value);
    });
    if (settled) detach();
  });
}
