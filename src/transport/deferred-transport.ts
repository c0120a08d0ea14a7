/**
 * A Transport whose implementation module is imported on the first send. Importing
 * node:http2, node:tls, node:https and node:zlib costs more than the rest of the SDK on Bun,
 * where they are built lazily, and each runtime needs only one of the implementations; so the
 * main entry loads none of them and the first request pays one dynamic import (a fraction of
 * a TLS handshake).
 */
import type { HttpRequest, HttpResponse, Transport } from "./types.ts";
import { toTransportError } from "./transport-errors.ts";

export class DeferredTransport implements Transport {
  readonly #load: () => Promise<Transport>;
  #loading: Promise<Transport> | undefined;
  #loaded: Transport | undefined;
  #closed = false;

  constructor(load: () => Promise<Transport>) {
    this.#load = load;
  }

  /**
   * The implementation, imported on first use.
   *
   * @example
   * const t = new DeferredTransport(async () => new (await import("./bun-fetch.ts")).BunFetchTransport(options));
   * const impl = await t.implementation();
   */
  implementation(): Promise<Transport> {
    this.#loading ??= this.#load().then((t) => {
      this.#loaded = t;
      // close() ran while the module loaded: the pool it would have opened stays closed.
      if (this.#closed) t.close();
      return t;
    });
    return this.#loading;
  }

  async send(request: HttpRequest): Promise<HttpResponse> {
    if (this.#closed) throw toTransportError(new Error("closed"), request.method, request.url, "closed");
    const t = this.#loaded ?? (await this.implementation());
    return t.send(request);
  }

  close(): void {
    this.#closed = true;
    this.#loaded?.close();
  }
}
