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
  /** The folded signal; a lone source is used as it is (nothing to fold, nothing to release). */
  readonly #signal: AbortSignal;
  readonly #sources: AbortSignal[];
  readonly #onAbort = (event: Event): void => {
    this.#controller?.abort((event.target as AbortSignal).reason);
    this.release();
  };
  readonly #controller: AbortController | undefined;

  constructor(signals: readonly (AbortSignal | undefined)[]) {
    const sources = signals.filter((s): s is AbortSignal => s !== undefined);
    if (sources.length === 1) {
      this.#signal = sources[0]!;
      this.#sources = [];
      return;
    }
    this.#sources = sources;
    const controller = (this.#controller = new AbortController());
    this.#signal = controller.signal;
    for (const s of sources) {
      if (s.aborted) {
        controller.abort(s.reason);
        break;
      }
    }
    if (controller.signal.aborted) return;
    for (const s of sources) {
      allowManyListeners(s);
      s.addEventListener("abort", this.#onAbort, { once: true });
    }
  }

  get signal(): AbortSignal {
    return this.#signal;
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
