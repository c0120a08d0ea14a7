/**
 * One request's cancellation: the caller's signal, the deadline and the transport being
 * closed all end up as one internal AbortSignal, and we remember which of them fired so the
 * error can say so (ABORT_ERR vs TIMEOUT vs TRANSPORT_CLOSED). The deadline covers the whole
 * exchange, body included, except for streams, where it ends with the headers.
 */

import type { EventEmitter } from "node:events";

/**
 * node:events' listener limits, fetched with the first request rather than imported: on Bun
 * importing node:events cost ~1.7 ms of the main entry's import (issue 17). null: the runtime
 * has no process.getBuiltinModule, so nothing to raise.
 */
let listenerLimits: Pick<typeof EventEmitter, "getMaxListeners" | "setMaxListeners"> | null | undefined;

/**
 * One signal for a whole client (or 100 watches) legitimately carries one listener per
 * request in flight; Node 20 and Bun warn about a leak past 10 (Node 22+ and Deno set no
 * limit on an AbortSignal: nothing to do there).
 */
export function allowManyListeners(signal: AbortSignal): void {
  listenerLimits ??= process.getBuiltinModule?.("node:events") ?? null;
  try {
    if (listenerLimits && listenerLimits.getMaxListeners(signal) !== 0) listenerLimits.setMaxListeners(0, signal);
  } catch {
    // A signal from another realm (a test runner's VM): the warning is all we would miss.
  }
}

/** "timeout": no headers in time; "body-timeout": headers came, the body did not finish in time. */
export type EndReason = "abort" | "timeout" | "body-timeout" | "closed";

export class RequestLifetime {
  readonly #controller = new AbortController();
  #reason: EndReason | undefined;
  #timer: ReturnType<typeof setTimeout> | undefined;
  readonly #userSignal: AbortSignal | undefined;
  readonly #onUserAbort = (): void => this.end("abort");
  readonly #onDispose: (() => void) | undefined;
  readonly #stream: boolean;
  #headers = false;

  /**
   * @param request the caller's signal (aborting it cancels the request and its body), the
   *   deadline in ms (0 or undefined: none) and whether the body is a stream.
   * @param onDispose called once when the request is finished (body consumed, failed or cancelled).
   */
  constructor(request: { signal?: AbortSignal | undefined; timeoutMs?: number | undefined; stream?: boolean | undefined }, onDispose?: () => void) {
    const { signal, timeoutMs } = request;
    this.#userSignal = signal;
    this.#onDispose = onDispose;
    this.#stream = request.stream === true;
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
      this.#timer = setTimeout(() => this.end(this.#headers ? "body-timeout" : "timeout"), timeoutMs);
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

  /** Response headers arrived: a stream's deadline ends here; any other keeps running until the body is read. */
  headersReceived(): void {
    this.#headers = true;
    if (this.#stream) this.#clearTimer();
  }

  #clearTimer(): void {
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
    this.#clearTimer();
    this.#userSignal?.removeEventListener("abort", this.#onUserAbort);
    this.#onDispose?.();
  }
}
