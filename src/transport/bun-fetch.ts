/**
 * Transport for Bun: Bun's own fetch, which takes TLS material per request (`tls`) and a
 * proxy (`proxy`). Each transport owns a Bun.FetchSession, whose keep-alive pool is never
 * shared with another session or with plain fetch(), so two client certificates for the
 * same server never borrow each other's connections. Bun decompresses bodies itself, chunk
 * by chunk as they are read, so a gzip bomb costs no more memory than what we keep. Bun's
 * fetch speaks HTTP/1.1 only, so ordinary requests take one of MAX_CONNECTIONS_PER_ORIGIN slots.
 */
import type { HttpRequest, HttpResponse, Transport, TransportOptions } from "./types.ts";
import { RequestLifetime } from "./request-lifetime.ts";
import { toTransportError } from "./transport-errors.ts";
import { NodeHttp2Transport } from "./node-http2.ts";
import { RequestSlots } from "./request-slots.ts";
import { fetchResponse } from "./fetch-response.ts";

/** The slice of Bun's fetch API we use (no dependency on bun-types). */
interface BunTls {
  ca?: string;
  cert?: string;
  key?: string;
  rejectUnauthorized: boolean;
  serverName?: string;
}
interface BunFetchInit {
  method: string;
  headers: Record<string, string>;
  body?: string | Uint8Array;
  signal: AbortSignal;
  redirect: "manual";
}
interface BunFetchSession {
  fetch(url: string, init: BunFetchInit): Promise<Response>;
  close(): void;
}
interface BunFetchSessionConstructor {
  new (init: { tls: BunTls; proxy: string | false; keepAlive: boolean }): BunFetchSession;
}

function fetchSessionClass(): BunFetchSessionConstructor {
  const bun = (globalThis as { Bun?: { FetchSession?: BunFetchSessionConstructor } }).Bun;
  if (!bun?.FetchSession) {
    throw new Error("BunFetchTransport needs Bun 1.4 or later (Bun.FetchSession)");
  }
  return bun.FetchSession;
}

function bunTls(options: TransportOptions): BunTls {
  const { ca, cert, key, rejectUnauthorized, serverName } = options.tls;
  return {
    ...(ca !== undefined && { ca }),
    ...(cert !== undefined && { cert }),
    ...(key !== undefined && { key }),
    ...(serverName !== undefined && { serverName }),
    rejectUnauthorized,
  };
}

/**
 * @example
 * const t = new BunFetchTransport({ tls: { ca, cert, key, rejectUnauthorized: true } });
 * const res = await t.send({ method: "GET", url: "https://127.0.0.1:6443/version", headers: {} });
 */
export class BunFetchTransport implements Transport {
  readonly #options: TransportOptions;
  readonly #session: BunFetchSession;
  readonly #inflight = new Set<RequestLifetime>();
  readonly #slots = new RequestSlots();
  #nodeTransport: Transport | undefined;
  readonly #socks: boolean;
  #closed = false;

  constructor(options: TransportOptions) {
    this.#options = options;
    const FetchSession = fetchSessionClass();
    // Bun's fetch has no SOCKS: such a proxy's requests go through node:http2 over our tunnel.
    this.#socks = options.proxyUrl?.startsWith("socks5:") === true;
    // proxy false: the resolved config is the only source of a proxy (env proxies were resolved there), as on Node.
    this.#session = new FetchSession({ tls: bunTls(options), proxy: this.#socks ? false : (options.proxyUrl ?? false), keepAlive: true });
  }

  async send(request: HttpRequest): Promise<HttpResponse> {
    const { method, url } = request;
    if (this.#closed) throw toTransportError(new Error("closed"), method, url, "closed");
    const repeated = Object.entries(request.repeatedHeaders ?? {});
    // Bun's fetch joins repeated headers into one comma-separated line, which the API server
    // reads as a single value (one group named "a, b"); node:http2 in Bun sends them apart.
    if (this.#socks || repeated.some(([, values]) => values.length > 1)) return this.#separateHeaders().send(request);
    let release = (): void => undefined;
    const lifetime = new RequestLifetime(request, () => {
      this.#inflight.delete(lifetime);
      release();
    });
    this.#inflight.add(lifetime);
    if (!request.stream) {
      // Bun's fetch speaks HTTP/1.1: a request in flight is a connection. The wait counts against the deadline.
      try {
        release = await this.#slots.acquire(lifetime.signal);
      } catch (err) {
        lifetime.dispose();
        throw toTransportError(err, method, url, lifetime.reason);
      }
    }
    const headers: Record<string, string> = { ...request.headers };
    for (const [name, values] of repeated) if (values[0] !== undefined) headers[name] = values[0];
    if (this.#options.disableCompression && !Object.keys(headers).some((h) => h.toLowerCase() === "accept-encoding")) {
      headers["accept-encoding"] = "identity";
    }
    let res: Response;
    try {
      res = await this.#session.fetch(url, {
        method,
        headers,
        ...(request.body !== undefined && { body: request.body }),
        signal: lifetime.signal,
        redirect: "manual",
      });
    } catch (err) {
      lifetime.dispose();
      throw toTransportError(err, method, url, lifetime.reason);
    }
    lifetime.headersReceived();
    return fetchResponse(res, lifetime, request);
  }

  close(): void {
    this.#closed = true;
    for (const lifetime of [...this.#inflight]) lifetime.end("closed");
    this.#session.close();
    this.#nodeTransport?.close();
  }

  #separateHeaders(): Transport {
    this.#nodeTransport ??= new NodeHttp2Transport(this.#options);
    return this.#nodeTransport;
  }
}
