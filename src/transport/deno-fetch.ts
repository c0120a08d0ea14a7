/**
 * Transport for Deno: Deno's own fetch through a `Deno.HttpClient` that carries the
 * kubeconfig's CA, client certificate and proxy. Each transport owns one HttpClient, whose
 * pool is never shared with another client or with plain fetch(), so two client certificates
 * for the same server never borrow each other's connections. Deno negotiates HTTP/2 and
 * decompresses bodies itself.
 *
 * Deno's HttpClient cannot skip verification or verify against another name than the URL's
 * host, so a kubeconfig with `insecure-skip-tls-verify` or `tls-server-name` goes through
 * NodeHttp2Transport on Deno's node:http2 instead. Its CA is added to Deno's default roots
 * rather than replacing them (docs/runtimes.md).
 *
 * Deno's fetch decompresses every gzip body itself and stops at the end of the first gzip
 * member; kube-apiserver compresses a watch as one member per event, so the watch would end
 * after its first event. Requests without a time-to-headers deadline (watches, log follows:
 * HttpRequest.timeoutMs) therefore ask for identity.
 */
import type { HttpRequest, HttpResponse, Transport, TransportOptions } from "./types.ts";
import { RequestLifetime } from "./request-lifetime.ts";
import { toTransportError } from "./transport-errors.ts";
import { fetchResponse } from "./fetch-response.ts";
import { DeferredTransport } from "./deferred-transport.ts";
import { proxyFailure, withCode } from "./deno-errors.ts";
import { RequestSlots } from "./request-slots.ts";

/**
 * The slice of Deno's API we use, declared here so that the published declarations need no
 * Deno types (a Node consumer compiles them without `lib.deno`).
 */
interface DenoHttpClient {
  close(): void;
}
interface DenoProxy {
  url: string;
  basicAuth?: { username: string; password: string };
}
interface DenoHttpClientOptions {
  caCerts?: string[];
  cert?: string;
  key?: string;
  proxy?: DenoProxy;
}
interface DenoFetchInit {
  method: string;
  headers: [string, string][];
  body?: string | Uint8Array;
  signal: AbortSignal;
  redirect: "manual";
  client: DenoHttpClient;
}
type DenoFetch = (url: string, init: DenoFetchInit) => Promise<Response>;

function createHttpClient(options: DenoHttpClientOptions): DenoHttpClient {
  const deno = (globalThis as { Deno?: { createHttpClient?: (o: DenoHttpClientOptions) => DenoHttpClient } }).Deno;
  if (!deno?.createHttpClient) throw new Error("DenoFetchTransport needs Deno (Deno.createHttpClient)");
  return deno.createHttpClient(options);
}

/** Credentials in the proxy URL go in basicAuth, so the URL Deno may echo in errors has none. */
function denoProxy(proxyUrl: string): DenoProxy {
  const u = new URL(proxyUrl);
  if (!u.username && !u.password) return { url: proxyUrl };
  const basicAuth = { username: decodeURIComponent(u.username), password: decodeURIComponent(u.password) };
  u.username = "";
  u.password = "";
  return { url: u.href, basicAuth };
}

function clientOptions(options: TransportOptions): DenoHttpClientOptions {
  const { ca, cert, key } = options.tls;
  return {
    ...(ca !== undefined && { caCerts: [ca] }),
    ...(cert !== undefined && key !== undefined && { cert, key }),
    ...(options.proxyUrl !== undefined && { proxy: denoProxy(options.proxyUrl) }),
  };
}

/** Resolves once `promise` settles, however it settles; rejects if `signal` aborts first. */
function untilSettledOrAborted(promise: Promise<unknown>, signal: AbortSignal): Promise<void> {
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<void>((resolve, reject) => {
    const onAbort = (): void => reject(signal.reason);
    signal.addEventListener("abort", onAbort, { once: true });
    const done = (): void => {
      signal.removeEventListener("abort", onAbort);
      resolve();
    };
    promise.then(done, done);
  });
}

/** A gzip body Deno left encoded, through node-body.ts's gunzip (loaded on first use). */
async function gunzippedResponse(res: Response, body: ReadableStream<Uint8Array>, lifetime: RequestLifetime, request: HttpRequest): Promise<HttpResponse> {
  const [{ Readable }, { nodeResponse }] = await Promise.all([import("node:stream"), import("./node-body.ts")]);
  const headers: Record<string, string> = {};
  res.headers.forEach((value, name) => {
    headers[name] = value;
  });
  const source = Readable.fromWeb(body as Parameters<typeof Readable.fromWeb>[0]);
  return nodeResponse(res.status, headers, source, lifetime, request);
}

/** Deno's HttpClient serves these; the rest go through node:http2. */
function fetchCanServe(options: TransportOptions): boolean {
  return options.tls.rejectUnauthorized && options.tls.serverName === undefined;
}

/**
 * @example
 * const t = new DenoFetchTransport({ tls: { ca, cert, key, rejectUnauthorized: true } });
 * const res = await t.send({ method: "GET", url: "https://127.0.0.1:6443/version", headers: {} });
 */
export class DenoFetchTransport implements Transport {
  readonly #options: TransportOptions;
  readonly #client: DenoHttpClient | undefined;
  readonly #inflight = new Set<RequestLifetime>();
  // Deno's pool opens a connection for every request in flight when the server speaks
  // HTTP/1.1 only, and we cannot see which protocol it picked: ordinary requests take one of
  // MAX_CONNECTIONS_PER_ORIGIN slots as on Bun (streams take none, they would hang queued).
  readonly #slots = new RequestSlots();
  #nodeTransport: Transport | undefined;
  #closed = false;
  // Until a response proves a live connection, requests start one at a time: Deno's pool
  // opens a connection for every request begun before ALPN settled, so 100 watches started
  // together would open 100 connections instead of sharing one HTTP/2 connection.
  #proven = false;
  #probe: Promise<void> | undefined;

  constructor(options: TransportOptions) {
    this.#options = options;
    this.#client = fetchCanServe(options) ? createHttpClient(clientOptions(options)) : undefined;
  }

  async send(request: HttpRequest): Promise<HttpResponse> {
    const { method, url } = request;
    if (this.#closed) throw toTransportError(new Error("closed"), method, url, "closed");
    if (!this.#client) return this.#viaNode().send(request);
    let release = (): void => undefined;
    const lifetime = new RequestLifetime(request, () => {
      this.#inflight.delete(lifetime);
      setTimeout(release, 0);
    });
    this.#inflight.add(lifetime);
    // A header list, not a record: repeated headers go out as separate lines.
    const headers: [string, string][] = Object.entries(request.headers);
    for (const [name, values] of Object.entries(request.repeatedHeaders ?? {})) {
      for (const value of values) headers.push([name, value]);
    }
    const longLived = request.stream === true || !request.timeoutMs;
    if ((this.#options.disableCompression || longLived) && !headers.some(([h]) => h.toLowerCase() === "accept-encoding")) {
      headers.push(["accept-encoding", "identity"]);
    }
    const identity = headers.some(([h, v]) => h.toLowerCase() === "accept-encoding" && v.trim().toLowerCase() === "identity");
    let res: Response;
    try {
      // The wait for a slot counts against the request's deadline.
      if (!request.stream) release = await this.#slots.acquire(lifetime.signal);
      while (!this.#proven && this.#probe) await untilSettledOrAborted(this.#probe, lifetime.signal);
      const pending = (globalThis.fetch as unknown as DenoFetch)(url, {
        method,
        headers,
        ...(request.body !== undefined && { body: request.body }),
        signal: lifetime.signal,
        redirect: "manual",
        client: this.#client,
      });
      if (!this.#proven) this.#startProbe(pending);
      res = await pending;
    } catch (err) {
      lifetime.dispose();
      // The connection may be gone (a restarted API server): find out again, one at a time.
      if (!lifetime.reason) this.#proven = false;
      const proxy = this.#options.proxyUrl;
      throw (!lifetime.reason && proxy !== undefined && proxyFailure(err, proxy, url)) || toTransportError(withCode(err), method, url, lifetime.reason);
    }
    lifetime.headersReceived();
    // Deno decodes gzip unless asked for identity; a server that compresses anyway is decoded
    // as NodeHttp2Transport does it (streaming, every gzip member, bounded by what is read).
    if (res.body && identity && /^\s*(x-)?gzip\s*$/i.test(res.headers.get("content-encoding") ?? "")) {
      return gunzippedResponse(res, res.body, lifetime, request);
    }
    return fetchResponse(res, lifetime, request, withCode);
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    for (const lifetime of [...this.#inflight]) lifetime.end("closed");
    this.#client?.close();
    this.#nodeTransport?.close();
  }

  #startProbe(pending: Promise<Response>): void {
    const probe: Promise<void> = pending
      .then(
        () => {
          this.#proven = true;
        },
        () => {},
      )
      .finally(() => {
        if (this.#probe === probe) this.#probe = undefined;
      });
    this.#probe = probe;
  }

  #viaNode(): Transport {
    const options = this.#options;
    this.#nodeTransport ??= new DeferredTransport(async () => new (await import("./node-http2.ts")).NodeHttp2Transport(options));
    return this.#nodeTransport;
  }
}
