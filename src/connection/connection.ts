/**
 * createConnection: a ResolvedConfig turned into something that sends KubeRequests. Per
 * request it asks the auth provider for credentials, picks the pooled Transport for the
 * client certificate in use, adds identity headers, waits for the rate limiter, retries what
 * is safe to retry, retries once after a 401 with fresh credentials, and turns a non-2xx
 * answer into an ApiError carrying the server's Status.
 */
import { createHash } from "node:crypto";
import type { Connection } from "./types.ts";
import type { ResolvedConfig } from "../config/types.ts";
import type { KubeRequest, SendOptions } from "../request/types.ts";
import type { HttpResponse, Transport, TransportOptions } from "../transport/types.ts";
import { ApiError, TlsError, TransportError, transportErrorAt, type ErrorSite } from "../base/errors.ts";
import { createTransport } from "../transport/index.ts";
import { ABORT_ERR } from "../transport/transport-errors.ts";
import { DEFAULT_RETRY_POLICY, decideRetry, type RetryPolicy } from "../transport/retry.ts";
import { TokenBucket, type RateLimit } from "../transport/rate-limit.ts";
import { sleep, systemClock, type Clock } from "../base/clock.ts";
import { siteOf } from "./error-site.ts";
import { impersonationHeaders, requestUrl, statusFromResponse } from "./connection-request.ts";
import { defaultUserAgent } from "../base/runtime-info.ts";
import { RequestSignals } from "../transport/linked-signals.ts";

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
  /** Time allowed until response headers, per attempt; default 30 000 ms, 0 for none. Never applied to streams. */
  timeoutMs?: number;
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
  readonly #closed = new AbortController();
  readonly #userAgent: string;

  constructor(config: ResolvedConfig, options: ConnectionOptions) {
    this.server = config.server.replace(/\/+$/, "");
    this.namespace = config.namespace;
    this.contextName = config.contextName;
    this.#config = config;
    this.#options = options;
    this.#retry = options.retry === false ? { ...DEFAULT_RETRY_POLICY, maxRetries: 0 } : { ...DEFAULT_RETRY_POLICY, ...options.retry };
    this.#bucket = options.rateLimit ? new TokenBucket(options.rateLimit, options.clock) : undefined;
    this.#userAgent = options.userAgent ?? defaultUserAgent();
  }

  async send(request: KubeRequest, sendOptions: SendOptions = {}): Promise<HttpResponse> {
    const url = requestUrl(this.server, request.path, request.query);
    const site = siteOf(this, { method: request.method, path: url.slice(this.server.length) });
    const signals = new RequestSignals([this.#options.signal, sendOptions.signal, this.#closed.signal]);
    try {
      const res = await this.#attempts(request, sendOptions, url, site, signals.signal);
      return signals.releaseWhenConsumed(res);
    } catch (err) {
      signals.release();
      if (err instanceof TransportError) throw transportErrorAt(err, site);
      throw err;
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
    const identity = impersonationHeaders(this.#config.impersonate);
    let retries = 0;
    let reauthenticated = false;
    for (;;) {
      const credentials = await this.#config.auth.credentials();
      const transport = this.#transportFor(credentials.clientCertificate);
      const headers: Record<string, string> = {
        Accept: "application/json",
        "User-Agent": this.#userAgent,
        ...identity.headers,
        ...request.headers,
        ...credentials.headers,
      };
      let res: HttpResponse;
      try {
        res = await transport.send({
          method: request.method,
          url,
          headers: dedupeHeaderNames(headers),
          repeatedHeaders: identity.repeated,
          ...(request.body !== undefined && { body: request.body }),
          signal,
          timeoutMs,
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
      if (res.status === 401 && !reauthenticated) {
        await discard(res);
        reauthenticated = true;
        if (await this.#config.auth.invalidate()) continue;
        throw this.#apiError(401, "", retryAfter, site, credentials.headers);
      }
      const decision = decideRetry(request.method, { kind: "status", status: res.status, retryAfter }, retries, this.#retry, random, Date.now());
      if (decision.retry) {
        await discard(res);
        await this.#pause(++retries, decision.delayMs, decision.reason, request.method, site, signal, clock);
        continue;
      }
      const body = await res.text().catch(() => "");
      throw this.#apiError(res.status, body, retryAfter, site, credentials.headers);
    }
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
    this.#options.onRetry?.({ method, path: site.path ?? "", retry, delayMs, reason });
    if (!(await sleep(delayMs, clock, signal))) {
      throw new TransportError("request aborted", site, { code: ABORT_ERR, cause: signal.reason });
    }
  }

  #apiError(status: number, body: string, retryAfter: string | undefined, site: ErrorSite, credentialHeaders: Record<string, string>): ApiError {
    const secrets = Object.values(credentialHeaders).flatMap((v) => [v, v.replace(/^\S+\s+/, "")]);
    return new ApiError(statusFromResponse(status, body, retryAfter, secrets), site, status);
  }

  /** One Transport per client certificate: rotated certificates get a new pool, tokens share one. */
  #transportFor(cert: { cert: string; key: string } | undefined): Transport {
    const key = cert ? createHash("sha256").update(cert.cert).update("\0").update(cert.key).digest("hex") : NO_CERT;
    const existing = this.#pools.get(key);
    if (existing) {
      // Map order is our LRU order.
      this.#pools.delete(key);
      this.#pools.set(key, existing);
      return existing;
    }
    const make = this.#options.transport ?? createTransport;
    const transport = make({
      tls: { ...this.#config.tls, ...(cert && { cert: cert.cert, key: cert.key }) },
      ...(this.#config.proxyUrl !== undefined && { proxyUrl: this.#config.proxyUrl }),
      disableCompression: this.#config.disableCompression,
    });
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

/** Later spellings of a header name replace earlier ones, whatever their case. */
function dedupeHeaderNames(headers: Record<string, string>): Record<string, string> {
  const byLower = new Map<string, [string, string]>();
  for (const [name, value] of Object.entries(headers)) byLower.set(name.toLowerCase(), [name, value]);
  return Object.fromEntries(byLower.values());
}

async function discard(res: HttpResponse): Promise<void> {
  await res.bytes().catch(() => undefined);
}
