/**
 * Several AbortSignals (the client's, the request's, the connection being closed) folded
 * into one, with the listeners removed as soon as the request is over: for a streamed body
 * that is when the body has been read or abandoned, not when the headers arrived.
 * (AbortSignal.any would do the folding, but Node 20 keeps composite signals alive for as
 * long as the client's signal lives.)
 */
import { allowManyListeners } from "./request-lifetime.ts";
import type { HttpResponse } from "./types.ts";

export class RequestSignals {
  readonly #controller = new AbortController();
  readonly #sources: AbortSignal[];
  readonly #onAbort = (event: Event): void => {
    this.#controller.abort((event.target as AbortSignal).reason);
    this.release();
  };

  constructor(signals: readonly (AbortSignal | undefined)[]) {
    this.#sources = signals.filter((s): s is AbortSignal => s !== undefined);
    for (const s of this.#sources) {
      if (s.aborted) {
        this.#controller.abort(s.reason);
        break;
      }
    }
    if (this.#controller.signal.aborted) return;
    for (const s of this.#sources) {
      allowManyListeners(s);
      s.addEventListener("abort", this.#onAbort, { once: true });
    }
  }

  get signal(): AbortSignal {
    return this.#controller.signal;
  }

  /** Stops listening to the sources. Idempotent. */
  release(): void {
    for (const s of this.#sources) s.removeEventListener("abort", this.#onAbort);
  }

  /**
   * The response, with release() run once its body is consumed (or its reading fails), and
   * failures while reading it passed through `mapError` (the connection adds its site).
   */
  releaseWhenConsumed(res: HttpResponse, mapError: (err: unknown) => unknown = (err) => err): HttpResponse {
    const release = (): void => this.release();
    const fail = (err: unknown): never => {
      throw mapError(err);
    };
    return {
      status: res.status,
      headers: res.headers,
      text: () => res.text().catch(fail).finally(release),
      bytes: () => res.bytes().catch(fail).finally(release),
      stream: async function* () {
        try {
          yield* res.stream();
        } catch (err) {
          fail(err);
        } finally {
          release();
        }
      },
    };
  }
}
