/**
 * One request's cancellation: the caller's signal, the time-to-headers deadline and the
 * transport being closed all end up as one internal AbortSignal, and we remember which of
 * them fired so the error can say so (ABORT_ERR vs TIMEOUT vs TRANSPORT_CLOSED).
 */

import { getMaxListeners, setMaxListeners } from "node:events";

/**
 * One signal for a whole client (or 100 watches) legitimately carries one listener per
 * request in flight; Node would warn about a leak past 10.
 */
export function allowManyListeners(signal: AbortSignal): void {
  try {
    if (getMaxListeners(signal) !== 0) setMaxListeners(0, signal);
  } catch {
    // A signal from another realm (a test runner's VM): the warning is all we would miss.
  }
}

export type EndReason = "abort" | "timeout" | "closed";

export class RequestLifetime {
  readonly #controller = new AbortController();
  #reason: EndReason | undefined;
  #timer: ReturnType<typeof setTimeout> | undefined;
  readonly #userSignal: AbortSignal | undefined;
  readonly #onUserAbort = (): void => this.end("abort");
  readonly #onDispose: (() => void) | undefined;

  /**
   * @param signal the caller's signal; aborting it cancels the request and its body stream.
   * @param timeoutMs deadline for the response headers; 0 or undefined: none.
   * @param onDispose called once when the request is finished (body consumed, failed or cancelled).
   */
  constructor(signal: AbortSignal | undefined, timeoutMs: number | undefined, onDispose?: () => void) {
    this.#userSignal = signal;
    this.#onDispose = onDispose;
    if (signal?.aborted) {
      // Not end(): the owner registers this lifetime after construction and disposes it
      // when the request fails, which it does at once.
      this.#reason = "abort";
      this.#controller.abort("abort");
    } else if (signal) {
      allowManyListeners(signal);
      signal.addEventListener("abort", this.#onUserAbort, { once: true });
    }
    if (timeoutMs !== undefined && timeoutMs > 0 && !this.#reason) {
      this.#timer = setTimeout(() => this.end("timeout"), timeoutMs);
    }
  }

  /** Aborted when the request must stop, for whichever reason. */
  get signal(): AbortSignal {
    return this.#controller.signal;
  }

  /** Why the request was stopped early, if it was. */
  get reason(): EndReason | undefined {
    return this.#reason;
  }

  /** Response headers arrived: the deadline no longer applies (bodies and streams have none). */
  headersReceived(): void {
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  /** Stops the request; the first reason wins. */
  end(reason: EndReason): void {
    if (this.#reason) return;
    this.#reason = reason;
    this.#controller.abort(reason);
    this.dispose();
  }

  #disposed = false;
  /** Releases the timer and the listener on the caller's signal. Idempotent. */
  dispose(): void {
    if (this.#disposed) return;
    this.#disposed = true;
    this.headersReceived();
    this.#userSignal?.removeEventListener("abort", this.#onUserAbort);
    this.#onDispose?.();
  }
}
