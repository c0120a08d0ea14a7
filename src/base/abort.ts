/** Abort-signal plumbing shared by the informer and its shared handles. */

/**
 * A signal that aborts when any of `signals` does. `dispose` detaches the listeners, so a
 * long-lived parent signal does not keep every short wait alive.
 *
 * @example const { signal, dispose } = combineSignals(userSignal, stopSignal); try { ... } finally { dispose(); }
 */
export function combineSignals(...signals: (AbortSignal | undefined)[]): { signal: AbortSignal; dispose(): void } {
  const controller = new AbortController();
  const present = signals.filter((s): s is AbortSignal => s !== undefined);
  const aborted = present.find((s) => s.aborted);
  if (aborted) {
    controller.abort(aborted.reason);
    return { signal: controller.signal, dispose: () => undefined };
  }
  const listeners = present.map((s) => {
    const onAbort = (): void => controller.abort(s.reason);
    s.addEventListener("abort", onAbort, { once: true });
    return () => s.removeEventListener("abort", onAbort);
  });
  return { signal: controller.signal, dispose: () => listeners.forEach((off) => off()) };
}

/** The reason a signal aborted, as an Error to reject with. */
export function abortReason(signal: AbortSignal): Error {
  const reason: unknown = signal.reason;
  return reason instanceof Error ? reason : new DOMException("The operation was aborted", "AbortError");
}

/**
 * Resolves when `signal` aborts (at once if it has), never rejects.
 *
 * @example await whenAborted(shutdown); // then drain and stop
 */
export function whenAborted(signal: AbortSignal): Promise<void> {
  if (signal.aborted) return Promise.resolve();
  return new Promise((resolve) => signal.addEventListener("abort", () => resolve(), { once: true }));
}
