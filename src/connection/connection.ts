/**
 * createConnection: a ResolvedConfig turned into something that sends KubeRequests. Per
 * request it asks the auth provider for credentials (within the request's deadline and
 * signal), refuses to send them over plain HTTP, picks the pooled Transport for the client
 * certificate in use, adds identity headers, waits for the rate limiter, retries what is
 * safe to retry, retries once after a 401 with fresh credentials, and turns a non-2xx answer
 * into an ApiError carrying the server's Status. Every secret it handles is registered with
 * the scrubber (src/base/secrets.ts), so no error it or a layer above makes can quote one.
 */
import type { Connection } from "./types.ts";
import type { Credentials, ResolvedConfig } from "../config/types.ts";
import type { KubeRequest, SendOptions } from "../request/types.ts";
import type { HttpResponse, Transport, TransportOptions } from "../transport/types.ts";
import type { MessageSocket } from "../transport/websocket.ts";
import { ApiError, ConfigError, TlsError, TransportError, errorAtSite, type ErrorSite } from "../base/errors.ts";
import { SecretValues, scrubText } from "../base/secrets.ts";
import { createTransport } from "../transport/create-transport.ts";
import { ABORT_ERR } from "../transport/transport-errors.ts";
import { DEFAULT_MAX_RESPONSE_BYTES } from "../transport/body-limit.ts";
import { DEFAULT_RETRY_POLICY, decideRetry, type RetryPolicy } from "../transport/retry.ts";
import { TokenBucket, type RateLimit } from "../transport/rate-limit.ts";
import { sleep, systemClock, type Clock } from "../base/clock.ts";
import { siteOf } from "./error-site.ts";
import { impersonationHeaders, requestUrl, statusFromResponse } from "./connection-request.ts";
import { defaultUserAgent } from "../base/runtime-info.ts";
import { RequestSignals } from "../transport/linked-signals.ts";
import { proxyAuthorization } from "../transport/proxy-authorization.ts";
import { readErrorBody, waitForCredentials } from "./credential-wait.ts";
import type { OpenWebSocketOptions } from "./types.ts";

/** What `onRetry` is told about one retry, before its delay starts. */
export interface RetryEvent {
  method: string;
  /** Path and query of the request. */
  path: string;
  /** 1 for the first retry. */
  retry: number;
  delayMs: number;
  /** What failed: "429 Too Many Requests", "ECONNREFUSED", ... */
  reason: string;
}

/** How a Connection sends: deadlines, cancellation, retries, rate limit and the transport. */
export interface ConnectionOptions {
  /**
   * Time allowed per attempt for credentials, response headers and the whole body; default
   * 30 000 ms, 0 for none. Never applied to streams (watch, log follow): they have the
   * watcher's idle watchdog, and a per-call timeoutMs on a stream ends at its headers.
   */
  timeoutMs?: number;
  /**
   * The most bytes of one response body (counted after decompression) a call reads before
   * failing with ResponseTooLargeError; default 256 MiB (DEFAULT_MAX_RESPONSE_BYTES, half of
   * V8's string limit). Streams have no total, but each of their lines is limited to 16 MiB.
   */
  maxResponseBytes?: number;
  /** Cancels every request of this connection, streams included. */
  signal?: AbortSignal;
  /** Retry policy (merged over DEFAULT_RETRY_POLICY); false turns retries off. */
  retry?: Partial<RetryPolicy> | false;
  /** Client-side rate limit; off when absent. */
  rateLimit?: RateLimit;
  /** Makes the Transport for a pool; default createTransport (picks by runtime). */
  transport?: (options: TransportOptions) => Transport;
  /** Told about every retry before its delay starts. */
  onRetry?: (event: RetryEvent) => void;
  /** Overrides the User-Agent header. */
  userAgent?: string;
  /** Pools kept at once (one per client certificate); the least recently used beyond this is closed. Default 3. */
  maxPools?: number;
  /** Test seams: the jitter source, and the clock that rate-limit waits and retry pauses run on. */
  random?: () => number;
  clock?: Clock;
}

const DEFAULT_TIMEOUT_MS = 30_000;
const NO_CERT = "no-client-certificate";

/**
 * @example
 * const conn = createConnection(config, { timeoutMs: 10_000 });
 * const res = await conn.send({ method: "GET", path: "/version" });
 * console.log(JSON.parse(await res.text()).gitVersion);
 * conn.close();
 */
export function createConnection(config: ResolvedConfig, options: ConnectionOptions = {}): Connection {
  return new PooledConnection(config, options);
}

class PooledConnection implements Connection {
  readonly server: string;
  readonly namespace: string;
  readonly contextName: string | undefined;
  readonly #config: ResolvedConfig;
  readonly #options: ConnectionOptions;
  readonly #retry: RetryPolicy;
  readonly #bucket: TokenBucket | undefined;
  readonly #pools = new Map<string, Transport>();
  #lastCert: { cert: { cert: string; key: string }; key: string } | undefined;
  /** Accept, User-Agent and the impersonation headers: the same for every request, merged once. */
  readonly #baseHeaders: Record<string, string>;
  readonly #identity: ReturnType<typeof impersonationHeaders>;
  /** What #register saw last: a steady credential is registered once, not per request. */
  #registered: { headers: Record<string, string>; key: string | undefined } | undefined;
  readonly #closed = new AbortController();
  readonly #userAgent: string;
  /** The credentials this connection sent, and the proxy password: known to the scrubber. */
  readonly #secrets = new SecretValues();

  constructor(config: ResolvedConfig, options: ConnectionOptions) {
    this.server = config.server.replace(/\/+$/, "");
    this.namespace = config.namespace;
    this.contextName = config.contextName;
    this.#config = config;
    this.#options = options;
    this.#retry = options.retry === false ? { ...DEFAULT_RETRY_POLICY, maxRetries: 0 } : { ...DEFAULT_RETRY_POLICY, ...options.retry };
    this.#bucket = options.rateLimit ? new TokenBucket(options.rateLimit, options.clock) : undefined;
    this.#userAgent = options.userAgent ?? defaultUserAgent();
    this.#identity = impersonationHeaders(config.impersonate);
    this.#baseHeaders = dedupeHeaderNames({ Accept: "application/json", "User-Agent": this.#userAgent, ...this.#identity.headers });
    if (config.proxyUrl) proxySecrets(config.proxyUrl).forEach((secret, i) => this.#secrets.add(secret, `proxy${i}`));
  }

  async send(request: KubeRequest, sendOptions: SendOptions = {}): Promise<HttpResponse> {
    const url = requestUrl(this.server, request.path, request.query);
    const site = siteOf(this, { method: request.method, path: url.slice(this.server.length) });
    const signals = new RequestSignals([this.#options.signal, sendOptions.signal, this.#closed.signal]);
    try {
      const res = await this.#attempts(request, sendOptions, url, site, signals.signal);
      return signals.releaseWhenConsumed(res, (err) => errorAtSite(err, site));
    } catch (err) {
      signals.release();
      throw errorAtSite(err, site);
    }
  }

  /**
   * The WebSocket twin of send(): same credentials, identity headers, TLS and proxy, never
   * retried (an upgrade may start a command), one retry with fresh credentials after a 401.
   * The error site has the path without the query: an exec's query holds its command line.
   */
  async openWebSocket(request: KubeRequest, options: OpenWebSocketOptions): Promise<MessageSocket> {
    const url = requestUrl(this.server, request.path, request.query);
    const site = siteOf(this, { method: request.method, path: request.path });
    const signals = new RequestSignals([this.#options.signal, options.signal, this.#closed.signal]);
    const identity = impersonationHeaders(this.#config.impersonate);
    const auth = this.#config.auth;
    const timeoutMs = options.timeoutMs ?? this.#options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    try {
      for (let reauthenticated = false; ; reauthenticated = true) {
        const credentials = await waitForCredentials((wait) => auth.credentials(wait), { auth, signal: signals.signal, timeoutMs, site });
        this.#register(credentials);
        this.#refusePlainHttp(url, credentials, site);
        const headers = dedupeHeaderNames({ "User-Agent": this.#userAgent, ...identity.headers, ...request.headers, ...credentials.headers });
        const upgrade = await options.connector(
          { url, headers, repeatedHeaders: identity.repeated, protocols: options.protocols, signal: signals.signal, timeoutMs },
          this.#transportOptions(credentials.clientCertificate),
        );
        if (upgrade.accepted) {
          void upgrade.socket.closed.then(() => signals.release());
          return upgrade.socket;
        }
        if (upgrade.status === 401 && !reauthenticated) {
          const fresh = await waitForCredentials((wait) => auth.invalidate(wait), { auth, signal: signals.signal, timeoutMs, site });
          if (fresh) continue;
        }
        throw new ApiError(statusFromResponse(upgrade.status, upgrade.body, upgrade.headers["retry-after"]), site, upgrade.status);
      }
    } catch (err) {
      signals.release();
      throw errorAtSite(err, site);
    }
  }

  close(): void {
    this.#closed.abort();
    for (const t of this.#pools.values()) t.close();
    this.#pools.clear();
  }

  async #attempts(request: KubeRequest, sendOptions: SendOptions, url: string, site: ErrorSite, signal: AbortSignal): Promise<HttpResponse> {
    const clock = this.#options.clock ?? systemClock;
    const random = this.#options.random ?? Math.random;
    const aborted = (): TransportError => new TransportError("request aborted", site, { code: ABORT_ERR });
    if (signal.aborted) throw aborted();
    if (this.#bucket) {
      const wait = this.#bucket.reserve();
      if (wait > 0 && !(await sleep(wait, clock, signal))) {
        this.#bucket.refund();
        throw aborted();
      }
    }
    const timeoutMs = sendOptions.timeoutMs ?? (sendOptions.stream ? 0 : (this.#options.timeoutMs ?? DEFAULT_TIMEOUT_MS));
    const maxResponseBytes = sendOptions.maxResponseBytes ?? this.#options.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES;
    const identity = this.#identity;
    const auth = this.#config.auth;
    let retries = 0;
    let reauthenticated = false;
    for (;;) {
      // The attempt's deadline starts before credentials: a hung plugin is part of the wait.
      const startedAt = Date.now();
      // Credentials ready now (a certificate or token already read) skip the bounded wait.
      const credentials = auth.current?.() ?? (await waitForCredentials((wait) => auth.credentials(wait), { auth, signal, timeoutMs, site }));
      this.#register(credentials);
      this.#refusePlainHttp(url, credentials, site);
      const remainingMs = timeoutMs > 0 ? Math.max(1, timeoutMs - (Date.now() - startedAt)) : 0;
      const transport = this.#transportFor(credentials.clientCertificate);
      let res: HttpResponse;
      try {
        res = await transport.send({
          method: request.method,
          url,
          headers: mergeHeaders(this.#baseHeaders, request.headers, credentials.headers),
          repeatedHeaders: identity.repeated,
          ...(request.body !== undefined && { body: request.body }),
          signal,
          timeoutMs: remainingMs,
          ...(sendOptions.stream && { stream: true }),
          maxResponseBytes,
        });
      } catch (err) {
        if (!(err instanceof TransportError)) throw err;
        const tls = err instanceof TlsError;
        const decision = decideRetry(request.method, { kind: "error", code: err.code, tls }, retries, this.#retry, random, Date.now());
        if (!decision.retry) throw err;
        await this.#pause(++retries, decision.delayMs, decision.reason, request.method, site, signal, clock);
        continue;
      }
      if (res.status >= 200 && res.status < 300) return res;

      const retryAfter = res.headers["retry-after"];
      // Read before anything else: the server's Status is what the error must carry.
      const body = await readErrorBody(res);
      if (res.status === 401 && !reauthenticated) {
        reauthenticated = true;
        const fresh = await waitForCredentials((wait) => auth.invalidate(wait), { auth, signal, timeoutMs, site });
        if (fresh) continue;
        throw new ApiError(statusFromResponse(401, body, retryAfter), site, 401);
      }
      const decision = decideRetry(request.method, { kind: "status", status: res.status, retryAfter }, retries, this.#retry, random, Date.now());
      if (decision.retry) {
        await this.#pause(++retries, decision.delayMs, decision.reason, request.method, site, signal, clock);
        continue;
      }
      throw new ApiError(statusFromResponse(res.status, body, retryAfter), site, res.status);
    }
  }

  #refusePlainHttp(url: string, credentials: Credentials, site: ErrorSite): void {
    if (url.charCodeAt(4) !== 115 /* "s" of https/wss */ && /^(http|ws):/i.test(url) && (Object.keys(credentials.headers).length > 0 || credentials.clientCertificate)) {
      throw new ConfigError(
        `refusing to send the credentials of ${this.#config.auth.description} over plain HTTP; they go only over TLS (use an https:// server)`,
        site,
      );
    }
  }

  /** Every credential this connection sends is known to the scrubber, whoever provided it. */
  #register(credentials: Credentials): void {
    const key = credentials.clientCertificate?.key;
    const last = this.#registered;
    if (last && last.key === key && sameHeaders(last.headers, credentials.headers)) return;
    this.#registered = { headers: { ...credentials.headers }, key };
    for (const [name, value] of Object.entries(credentials.headers)) {
      this.#secrets.add(value, `header:${name}`);
      // "Bearer x" or "Basic x": the bare value travels too.
      this.#secrets.add(value.replace(/^\S+\s+/, ""), `header:${name}:value`);
    }
    this.#secrets.addPem(credentials.clientCertificate?.key, "client-key");
  }

  async #pause(
    retry: number,
    delayMs: number,
    reason: string,
    method: string,
    site: ErrorSite,
    signal: AbortSignal,
    clock: Clock,
  ): Promise<void> {
    this.#options.onRetry?.({ method, path: site.path ?? "", retry, delayMs, reason: scrubText(reason) });
    if (!(await sleep(delayMs, clock, signal))) {
      throw new TransportError("request aborted", site, { code: ABORT_ERR, cause: signal.reason });
    }
  }

  #transportOptions(cert: { cert: string; key: string } | undefined): TransportOptions {
    return {
      tls: { ...this.#config.tls, ...(cert && { cert: cert.cert, key: cert.key }) },
      ...(this.#config.proxyUrl !== undefined && { proxyUrl: this.#config.proxyUrl }),
      disableCompression: this.#config.disableCompression,
    };
  }

  /**
   * The pool key of a certificate: its PEM text itself (it is in memory anyway). No hash: a
   * sha256 per request was measurable, and node:crypto alone doubled Node's import time.
   * The last certificate object's key is kept, so a steady credential costs one comparison.
   */
  #poolKey(cert: { cert: string; key: string }): string {
    if (this.#lastCert?.cert !== cert) this.#lastCert = { cert, key: `${cert.cert}\0${cert.key}` };
    return this.#lastCert.key;
  }

  /** One Transport per client certificate: rotated certificates get a new pool, tokens share one. */
  #transportFor(cert: { cert: string; key: string } | undefined): Transport {
    const key = cert ? this.#poolKey(cert) : NO_CERT;
    const existing = this.#pools.get(key);
    if (existing) {
      // Map order is our LRU order.
      this.#pools.delete(key);
      this.#pools.set(key, existing);
      return existing;
    }
    const make = this.#options.transport ?? createTransport;
    const transport = make(this.#transportOptions(cert));
    this.#pools.set(key, transport);
    const max = Math.max(1, this.#options.maxPools ?? 3);
    for (const [oldKey, old] of this.#pools) {
      if (this.#pools.size <= max) break;
      this.#pools.delete(oldKey);
      old.close();
    }
    return transport;
  }
}

/** Equal names and values (credential headers are few: usually none or one). */
function sameHeaders(a: Record<string, string>, b: Record<string, string>): boolean {
  let n = 0;
  for (const name in b) {
    if (a[name] !== b[name]) return false;
    n++;
  }
  return n === Object.keys(a).length;
}

/**
 * The request's headers: the connection's own, then the request's, then the credentials'
 * (later spellings of a name win, whatever their case). Without request or credential
 * headers, a copy of the connection's own: nothing to merge.
 */
function mergeHeaders(base: Record<string, string>, request: Record<string, string> | undefined, credentials: Record<string, string>): Record<string, string> {
  let extra = false;
  for (const _ in credentials) {
    extra = true;
    break;
  }
  if (!extra && request) for (const _ in request) {
    extra = true;
    break;
  }
  return extra ? dedupeHeaderNames({ ...base, ...request, ...credentials }) : { ...base };
}

/** Later spellings of a header name replace earlier ones, whatever their case. */
function dedupeHeaderNames(headers: Record<string, string>): Record<string, string> {
  const byLower = new Map<string, [string, string]>();
  for (const [name, value] of Object.entries(headers)) byLower.set(name.toLowerCase(), [name, value]);
  return Object.fromEntries(byLower.values());
}

/** A proxy URL's password and the Proxy-Authorization it makes, if it carries userinfo. */
function proxySecrets(proxyUrl: string): string[] {
  try {
    const u = new URL(proxyUrl);
    const header = proxyAuthorization(u);
    return [decodeURIComponent(u.password), ...(header ? [header, header.replace(/^Basic /, "")] : [])];
  } catch {
    return [];
  }
}
