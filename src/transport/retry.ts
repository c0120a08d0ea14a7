/**
 * When to send a request again, and after how long. Pure: the caller supplies the clock and
 * the random source, so every decision is table-testable.
 *
 * What is retried:
 * - 429 Too Many Requests, any verb: the server (API Priority and Fairness) rejected the
 *   request before doing anything.
 * - 503 Service Unavailable: GET/HEAD/PUT/DELETE always; POST/PATCH only when the server sent
 *   Retry-After, its statement that the request was not processed.
 * - 504 Gateway Timeout: idempotent verbs only (the request may have been carried out).
 * - Failures before any byte reached the server (connection refused, REFUSED_STREAM, a
 *   failed proxy CONNECT...): any verb.
 * - Failures once the request may have reached the server (reset, broken pipe, HTTP/2 stream
 *   errors): idempotent verbs only.
 * Never: TLS failures (configuration, retrying cannot help), our own abort, the header
 * deadline (it already waited the full timeout), a closed transport, other statuses.
 */
import { exponentialDelay } from "../base/backoff.ts";

/** When and how often a failed request is retried. */
export interface RetryPolicy {
  /** Retries after the first attempt; 0 turns retrying off. */
  maxRetries: number;
  /** Backoff before the first retry; doubles each retry. */
  initialDelayMs: number;
  /** Cap on one backoff delay. */
  maxDelayMs: number;
  /** The longest Retry-After honoured; longer ones are not waited for and the error surfaces. */
  maxRetryAfterMs: number;
}

/**
 * 5 retries: a 429 from API Priority and Fairness carries Retry-After of 1 s or so, so this
 * rides out about 5-6 s of overload (client-go allows 10 Retry-After retries, but only
 * retries when the server sends Retry-After; we also back off on bare 503/504 and refused
 * connections, where 250 ms doubling to 4 s, jittered, gives up within 7.75 s).
 */
export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  maxRetries: 5,
  initialDelayMs: 250,
  maxDelayMs: 8_000,
  maxRetryAfterMs: 60_000,
};

export type HttpMethod = "GET" | "HEAD" | "POST" | "PUT" | "PATCH" | "DELETE";

/** How one attempt ended. */
export type AttemptOutcome =
  | { kind: "status"; status: number; /** Raw Retry-After header. */ retryAfter?: string | undefined }
  | { kind: "error"; code: string | undefined; tls: boolean };

export type RetryDecision = { retry: true; delayMs: number; reason: string } | { retry: false; reason: string };

const IDEMPOTENT = new Set<string>(["GET", "HEAD", "PUT", "DELETE", "OPTIONS"]);

/** Codes that mean the request never reached the server. */
const NOT_SENT = new Set([
  "ECONNREFUSED",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "EAI_AGAIN",
  "ETIMEDOUT",
  "REFUSED_STREAM",
  "PROXY_CONNECT_FAILED",
]);

/** Codes for which sending again is never useful or never wanted. */
const FINAL = new Set(["ABORT_ERR", "TIMEOUT", "TRANSPORT_CLOSED", "ENOTFOUND", "ERR_INVALID_URL"]);

/**
 * Retry-After as a delay in ms: delta-seconds or an HTTP date. Undefined when absent or
 * unparseable; never negative.
 *
 * @example
 * parseRetryAfter("2", Date.now()); // 2000
 */
export function parseRetryAfter(value: string | undefined, nowMs: number): number | undefined {
  if (value === undefined) return undefined;
  const v = value.trim();
  if (/^\d+$/.test(v)) return Number(v) * 1000;
  if (!/[a-z]/i.test(v)) return undefined;
  const at = Date.parse(v);
  if (Number.isNaN(at)) return undefined;
  return Math.max(0, at - nowMs);
}

/**
 * Exponential backoff with "equal jitter": the delay lies in [base/2, base] where base is
 * initialDelayMs doubled per retry and capped at maxDelayMs (the SDK's one formula,
 * exponentialDelay). `retry` counts from 0.
 *
 * @example
 * backoffDelay(0, DEFAULT_RETRY_POLICY, () => 0.5); // 187.5
 */
export function backoffDelay(retry: number, policy: RetryPolicy, random: () => number): number {
  return exponentialDelay(retry, { initialMs: policy.initialDelayMs, maxMs: policy.maxDelayMs, factor: 2, jitter: 0.5 }, random);
}

function statusVerdict(method: string, status: number, hasRetryAfter: boolean): string | undefined {
  if (status === 429) return "429 Too Many Requests";
  if (status === 503 && (IDEMPOTENT.has(method) || hasRetryAfter)) return "503 Service Unavailable";
  if (status === 504 && IDEMPOTENT.has(method)) return "504 Gateway Timeout";
  return undefined;
}

/**
 * Decides whether to retry after an attempt. `retriesSoFar` is 0 after the first attempt.
 *
 * @example
 * decideRetry("POST", { kind: "status", status: 429, retryAfter: "1" }, 0, DEFAULT_RETRY_POLICY, Math.random, Date.now());
 * // { retry: true, delayMs: 1000..1250, reason: "429 Too Many Requests" }
 */
export function decideRetry(
  method: string,
  outcome: AttemptOutcome,
  retriesSoFar: number,
  policy: RetryPolicy,
  random: () => number,
  nowMs: number,
): RetryDecision {
  let reason: string;
  let retryAfterMs: number | undefined;
  if (outcome.kind === "status") {
    retryAfterMs = parseRetryAfter(outcome.retryAfter, nowMs);
    const verdict = statusVerdict(method, outcome.status, retryAfterMs !== undefined);
    if (!verdict) return { retry: false, reason: `status ${outcome.status} is not retried for ${method}` };
    reason = verdict;
  } else {
    const code = outcome.code ?? "unknown error";
    if (outcome.tls) return { retry: false, reason: `TLS failure ${code} is not retried` };
    if (FINAL.has(code)) return { retry: false, reason: `${code} is not retried` };
    if (!NOT_SENT.has(code) && !IDEMPOTENT.has(method)) {
      return { retry: false, reason: `${code} after the request may have been sent; ${method} is not idempotent` };
    }
    reason = code;
  }
  if (retriesSoFar >= policy.maxRetries) return { retry: false, reason: `${reason}: gave up after ${retriesSoFar} retries` };
  if (retryAfterMs !== undefined) {
    if (retryAfterMs > policy.maxRetryAfterMs) {
      return { retry: false, reason: `${reason}: Retry-After ${retryAfterMs} ms exceeds ${policy.maxRetryAfterMs} ms` };
    }
    // Never earlier than asked; a little later, so clients told the same second spread out.
    return { retry: true, delayMs: retryAfterMs + policy.initialDelayMs * Math.min(1, Math.max(0, random() || 0)), reason };
  }
  return { retry: true, delayMs: backoffDelay(retriesSoFar, policy, random), reason };
}
