/**
 * HTTP/2 transport for Node, the default on Node: the API server speaks h2, so every
 * request and watch of one transport is a stream on one TLS connection that carries the
 * client certificate. A second connection opens only when the server's stream limit is
 * reached, and never more than MAX_CONNECTIONS_PER_ORIGIN: then requests wait for a stream.
 * Falls back to NodeHttp1Transport for http:// servers and servers that do not
 * negotiate h2 (some authenticating proxies).
 */
import * as http2 from "node:http2";
import { connect as tlsConnect, type TLSSocket } from "node:tls";
import type { HttpRequest, HttpResponse, Transport, TransportOptions } from "./types.ts";
import { RequestLifetime } from "./request-lifetime.ts";
import { toTransportError } from "./transport-errors.ts";
import { flattenHeaders, nodeResponse } from "./node-body.ts";
import { openTunnel } from "./proxy-tunnel.ts";
import { hostOf, NodeHttp1Transport, nodeTlsOptions, portOf } from "./node-http1.ts";
import { MAX_CONNECTIONS_PER_ORIGIN } from "./request-slots.ts";
import { isBun } from "../base/runtime-info.ts";

interface PooledSession {
  origin: string;
  session: http2.ClientHttp2Session;
  active: number;
  maxStreams: number;
  usable: boolean;
}

// Connection-specific headers are forbidden in HTTP/2.
const HOP_BY_HOP = new Set(["connection", "keep-alive", "proxy-connection", "transfer-encoding", "upgrade", "host"]);
const CONNECT_TIMEOUT_MS = 30_000;
// Like client-go: ping a connection that was silent for 30 s, drop it if no answer in 15 s,
// so watches on a dead link fail (and get re-established) instead of hanging.
const READ_IDLE_MS = 30_000;
const PING_TIMEOUT_MS = 15_000;
// A large stream window keeps big LISTs fast; Node only grants more as the body is read.
const STREAM_WINDOW = 1 << 20;
const SESSION_WINDOW = 32 << 20;
const MAX_STREAMS_CAP = 1000;

function raceAbort<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(signal.reason);
    signal.addEventListener("abort", onAbort, { once: true });
    promise.then(
      (v) => (signal.removeEventListener("abort", onAbort), resolve(v)),
      (e: unknown) => (signal.removeEventListener("abort", onAbort), reject(e)),
    );
  });
}

/**
 * @example
 * const t = new NodeHttp2Transport({ tls: { ca, cert, key, rejectUnauthorized: true } });
 * const res = await t.send({ method: "GET", url: "https://127.0.0.1:6443/version", headers: {} });
 * console.log(res.status, await res.text());
 */
export class NodeHttp2Transport implements Transport {
  readonly #options: TransportOptions;
  readonly #sessions: PooledSession[] = [];
  readonly #inflight = new Set<RequestLifetime>();
  // A transport serves one cluster, but nothing stops a caller from sending elsewhere.
  readonly #connecting = new Map<string, Promise<PooledSession | "http1">>();
  readonly #http1Origins = new Set<string>();
  #ended: { promise: Promise<void>; resolve: () => void } | undefined;
  #http1: NodeHttp1Transport | undefined;
  #closed = false;

  constructor(options: TransportOptions) {
    this.#options = options;
  }

  /** Number of open HTTP/2 connections (for tests and benchmarks). */
  get connectionCount(): number {
    return this.#sessions.length;
  }

  async send(request: HttpRequest): Promise<HttpResponse> {
    const { method, url } = request;
    if (this.#closed) throw toTransportError(new Error("closed"), method, url, "closed");
    let u: URL;
    try {
      u = new URL(url);
    } catch (err) {
      throw toTransportError(err, method, url);
    }
    if (u.protocol !== "https:" || this.#http1Origins.has(u.origin)) return this.#fallback().send(request);
    const lifetime = new RequestLifetime(request, () => this.#inflight.delete(lifetime));
    this.#inflight.add(lifetime);
    let pooled: PooledSession | "http1";
    try {
      pooled = await this.#acquire(u, lifetime.signal);
    } catch (err) {
      lifetime.dispose();
      throw toTransportError(err, method, url, lifetime.reason);
    }
    if (pooled === "http1") {
      lifetime.dispose();
      return this.#fallback().send(request);
    }
    return this.#stream(pooled, u, request, lifetime);
  }

  close(): void {
    this.#closed = true;
    for (const lifetime of [...this.#inflight]) lifetime.end("closed");
    for (const p of this.#sessions.splice(0)) p.session.destroy();
    this.#http1?.close();
  }

  #fallback(): NodeHttp1Transport {
    this.#http1 ??= new NodeHttp1Transport(this.#options);
    return this.#http1;
  }

  async #acquire(u: URL, signal: AbortSignal): Promise<PooledSession | "http1"> {
    for (;;) {
      const open = this.#sessions.filter((p) => p.origin === u.origin && p.usable);
      const free = open.find((p) => p.active < p.maxStreams);
      if (free) {
        this.#retain(free);
        return free;
      }
      if (open.length >= MAX_CONNECTIONS_PER_ORIGIN) {
        // Every session is full: wait for a stream to end (the deadline still runs).
        await raceAbort(this.#streamEnded(), signal);
        continue;
      }
      let connecting = this.#connecting.get(u.origin);
      if (!connecting) {
        connecting = this.#connect(u).finally(() => this.#connecting.delete(u.origin));
        this.#connecting.set(u.origin, connecting);
      }
      if ((await raceAbort(connecting, signal)) === "http1") return "http1";
      if (this.#closed) throw new Error("closed");
    }
  }

  #retain(p: PooledSession): void {
    if (p.active++ === 0) p.session.ref();
  }

  #release(p: PooledSession): void {
    // An idle connection must not keep the process alive.
    if (--p.active === 0 && !p.session.destroyed) p.session.unref();
    this.#wakeWaiters();
  }

  /** Resolves when a stream ends or a session goes, for requests waiting on a full pool. */
  #streamEnded(): Promise<void> {
    if (!this.#ended) {
      let resolve = (): void => undefined;
      const promise = new Promise<void>((r) => (resolve = r));
      this.#ended = { promise, resolve };
    }
    return this.#ended.promise;
  }

  #wakeWaiters(): void {
    const ended = this.#ended;
    this.#ended = undefined;
    ended?.resolve();
  }

  async #connect(u: URL): Promise<PooledSession | "http1"> {
    const host = hostOf(u);
    const port = portOf(u);
    const raw = this.#options.proxyUrl ? await openTunnel(this.#options.proxyUrl, { host, port }, undefined, this.#options.tls) : undefined;
    const socket: TLSSocket = tlsConnect({
      ...nodeTlsOptions(this.#options),
      host,
      port,
      ...(raw && { socket: raw }),
      ALPNProtocols: ["h2", "http/1.1"],
    });
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => socket.destroy(Object.assign(new Error("connect timed out"), { code: "ETIMEDOUT" })), CONNECT_TIMEOUT_MS);
      socket.once("secureConnect", () => (clearTimeout(timer), socket.off("error", reject), resolve()));
      socket.once("error", (e) => (clearTimeout(timer), reject(e)));
    });
    if (socket.alpnProtocol !== "h2") {
      socket.destroy();
      this.#http1Origins.add(u.origin);
      return "http1";
    }
    const session = http2.connect(u.origin, {
      createConnection: () => socket,
      settings: { enablePush: false, initialWindowSize: STREAM_WINDOW },
      maxSessionMemory: 64,
    });
    const pooled: PooledSession = { origin: u.origin, session, active: 0, maxStreams: 100, usable: true };
    const retire = (): void => {
      pooled.usable = false;
      const i = this.#sessions.indexOf(pooled);
      if (i >= 0) this.#sessions.splice(i, 1);
      this.#wakeWaiters();
    };
    // After GOAWAY the session finishes its streams but takes no new ones.
    session.on("goaway", retire);
    session.on("close", retire);
    session.on("error", retire);
    session.setTimeout(READ_IDLE_MS, () => this.#checkAlive(session));
    await new Promise<void>((resolve, reject) => {
      session.once("remoteSettings", (s) => {
        pooled.maxStreams = Math.max(1, Math.min(s.maxConcurrentStreams ?? 100, MAX_STREAMS_CAP));
        resolve();
      });
      session.once("error", reject);
      session.once("close", () => reject(Object.assign(new Error("connection closed during setup"), { code: "ECONNRESET" })));
    });
    // Bun's node:http2 client stalls large bodies after this call (Bun 1.4.5); it only runs
    // this transport for multi-valued impersonation headers, where the default window is fine.
    if (!isBun()) session.setLocalWindowSize(SESSION_WINDOW);
    session.unref();
    if (this.#closed) {
      session.destroy();
      throw new Error("closed");
    }
    this.#sessions.push(pooled);
    return pooled;
  }

  #checkAlive(session: http2.ClientHttp2Session): void {
    if (session.destroyed) return;
    const timer = setTimeout(
      () => session.destroy(Object.assign(new Error("HTTP/2 ping timed out"), { code: "ECONNRESET" })),
      PING_TIMEOUT_MS,
    );
    timer.unref();
    const sent = session.ping((err) => {
      clearTimeout(timer);
      if (err && !session.destroyed) session.destroy(err);
    });
    if (!sent) clearTimeout(timer);
  }

  #stream(p: PooledSession, u: URL, request: HttpRequest, lifetime: RequestLifetime): Promise<HttpResponse> {
    const { method, url } = request;
    const headers: http2.OutgoingHttpHeaders = { ":method": method, ":path": `${u.pathname}${u.search}` };
    for (const [name, value] of Object.entries(request.headers)) {
      const lower = name.toLowerCase();
      if (!HOP_BY_HOP.has(lower)) headers[lower] = value;
    }
    for (const [name, values] of Object.entries(request.repeatedHeaders ?? {})) headers[name.toLowerCase()] = [...values];
    headers["accept-encoding"] ??= this.#options.disableCompression ? "identity" : "gzip";
    if (request.body !== undefined) headers["content-length"] = Buffer.byteLength(request.body);

    return new Promise<HttpResponse>((resolve, reject) => {
      let settled = false;
      const fail = (err: unknown): void => {
        if (settled) return;
        settled = true;
        lifetime.dispose();
        reject(toTransportError(err, method, url, lifetime.reason));
      };
      let stream: http2.ClientHttp2Stream;
      try {
        stream = p.session.request(headers, { endStream: request.body === undefined });
      } catch (err) {
        this.#release(p);
        fail(err);
        return;
      }
      stream.once("close", () => {
        this.#release(p);
        const code = stream.rstCode === http2.constants.NGHTTP2_REFUSED_STREAM ? "REFUSED_STREAM" : "ECONNRESET";
        fail(Object.assign(new Error(`stream closed before the response (code ${stream.rstCode})`), { code }));
      });
      const onAbort = (): void => {
        fail(lifetime.signal.reason);
        if (!stream.destroyed) stream.close(http2.constants.NGHTTP2_CANCEL);
      };
      if (lifetime.signal.aborted) return onAbort();
      lifetime.signal.addEventListener("abort", onAbort, { once: true });
      stream.on("error", fail);
      stream.once("response", (h) => {
        lifetime.signal.removeEventListener("abort", onAbort);
        if (settled) return;
        settled = true;
        lifetime.headersReceived();
        resolve(nodeResponse(Number(h[":status"] ?? 0), flattenHeaders(h), stream, lifetime, request));
      });
      if (request.body !== undefined) stream.end(request.body);
    });
  }
}
