import { describe, expect, it } from "vitest";
import fc from "fast-check";
import {
  DEFAULT_RETRY_POLICY,
  backoffDelay,
  decideRetry,
  parseRetryAfter,
  type AttemptOutcome,
  type RetryPolicy,
} from "../../../src/transport/retry.ts";

const policy: RetryPolicy = { maxRetries: 3, initialDelayMs: 100, maxDelayMs: 1_000, maxRetryAfterMs: 10_000 };
const NOW = Date.parse("2026-03-01T12:00:00Z");
const half = (): number => 0.5;

describe("parseRetryAfter", () => {
  it.each([
    [undefined, undefined],
    ["0", 0],
    ["3", 3_000],
    [" 12 ", 12_000],
    ["-1", undefined],
    ["1.5", undefined],
    ["soon", undefined],
    ["Sun, 01 Mar 2026 12:00:05 GMT", 5_000],
    ["Sun, 01 Mar 2026 11:59:00 GMT", 0],
  ])("%j -> %j ms", (value, expected) => {
    expect(parseRetryAfter(value, NOW)).toBe(expected);
  });
});

describe("decideRetry: which outcomes are retried", () => {
  const status = (s: number, retryAfter?: string): AttemptOutcome => ({ kind: "status", status: s, retryAfter });
  const error = (code: string | undefined, tls = false): AttemptOutcome => ({ kind: "error", code, tls });
  it.each<[string, AttemptOutcome, boolean]>([
    ["GET", status(429), true],
    ["POST", status(429), true],
    ["PATCH", status(429, "1"), true],
    ["GET", status(503), true],
    ["DELETE", status(503), true],
    ["POST", status(503), false],
    ["POST", status(503, "2"), true],
    ["PATCH", status(503), false],
    ["GET", status(504), true],
    ["PUT", status(504), true],
    ["POST", status(504), false],
    ["POST", status(504, "1"), false],
    ["GET", status(500), false],
    ["GET", status(500, "1"), false],
    ["GET", status(404), false],
    ["GET", status(409), false],
    ["GET", error("ECONNREFUSED"), true],
    ["POST", error("ECONNREFUSED"), true],
    ["PATCH", error("REFUSED_STREAM"), true],
    ["POST", error("EAI_AGAIN"), true],
    ["GET", error("ECONNRESET"), true],
    ["PUT", error("ECONNRESET"), true],
    ["POST", error("ECONNRESET"), false],
    ["PATCH", error("EPIPE"), false],
    ["POST", error(undefined), false],
    ["GET", error(undefined), true],
    ["GET", error("ABORT_ERR"), false],
    ["GET", error("TIMEOUT"), false],
    ["GET", error("TRANSPORT_CLOSED"), false],
    ["GET", error("ENOTFOUND"), false],
    ["GET", error("UNABLE_TO_VERIFY_LEAF_SIGNATURE", true), false],
    ["POST", error("ERR_TLS_CERT_ALTNAME_INVALID", true), false],
  ])("%s after %j: retry=%s", (method, outcome, expected) => {
    expect(decideRetry(method, outcome, 0, policy, half, NOW).retry).toBe(expected);
  });

  it("stops after maxRetries", () => {
    expect(decideRetry("GET", status(429), 2, policy, half, NOW).retry).toBe(true);
    const last = decideRetry("GET", status(429), 3, policy, half, NOW);
    expect(last).toEqual({ retry: false, reason: "429 Too Many Requests: gave up after 3 retries" });
  });

  it("maxRetries 0 turns retrying off", () => {
    expect(decideRetry("GET", status(503), 0, { ...policy, maxRetries: 0 }, half, NOW).retry).toBe(false);
  });

  it("does not wait for a Retry-After beyond maxRetryAfterMs", () => {
    const d = decideRetry("GET", status(429, "11"), 0, policy, half, NOW);
    expect(d.retry).toBe(false);
    expect(d.reason).toContain("Retry-After 11000 ms");
  });
});

describe("decideRetry: delays", () => {
  it("backs off exponentially with equal jitter, capped", () => {
    const delays = [0, 1, 2, 3, 4, 5].map((n) => backoffDelay(n, policy, () => 1));
    expect(delays).toEqual([100, 200, 400, 800, 1000, 1000]);
    expect(backoffDelay(0, policy, () => 0)).toBe(50);
    expect(backoffDelay(3, policy, () => 0.5)).toBe(600);
  });

  it("waits exactly Retry-After plus up to initialDelayMs of jitter", () => {
    expect(decideRetry("GET", { kind: "status", status: 429, retryAfter: "2" }, 0, policy, () => 0, NOW)).toEqual({
      retry: true,
      delayMs: 2_000,
      reason: "429 Too Many Requests",
    });
    const d = decideRetry("GET", { kind: "status", status: 503, retryAfter: "Sun, 01 Mar 2026 12:00:03 GMT" }, 1, policy, () => 1, NOW);
    expect(d).toMatchObject({ retry: true, delayMs: 3_100 });
  });

  it("default policy: 5 retries, the last backoff at most 4 s", () => {
    expect(DEFAULT_RETRY_POLICY.maxRetries).toBe(5);
    expect(backoffDelay(DEFAULT_RETRY_POLICY.maxRetries - 1, DEFAULT_RETRY_POLICY, () => 1)).toBe(4_000);
  });

  const policyArb = fc.record({
    maxRetries: fc.integer({ min: 0, max: 20 }),
    initialDelayMs: fc.integer({ min: 1, max: 5_000 }),
    maxDelayMs: fc.integer({ min: 1, max: 120_000 }),
    maxRetryAfterMs: fc.integer({ min: 0, max: 600_000 }),
  });
  const randomArb = fc.double({ min: 0, max: 1, noNaN: true });

  it("property: a backoff delay stays within [min(initial, cap)/2, cap]", () => {
    fc.assert(
      fc.property(policyArb, fc.integer({ min: 0, max: 1_000 }), randomArb, (p, n, r) => {
        const d = backoffDelay(n, p, () => r);
        const firstBase = Math.min(p.initialDelayMs, p.maxDelayMs);
        return d <= p.maxDelayMs && d >= firstBase / 2 && Number.isFinite(d);
      }),
    );
  });

  it("property: the cap of the delay (jitter at its maximum) never shrinks from one retry to the next", () => {
    fc.assert(
      fc.property(policyArb, fc.integer({ min: 0, max: 100 }), (p, n) => {
        return backoffDelay(n + 1, p, () => 1) >= backoffDelay(n, p, () => 1);
      }),
    );
  });

  it("property: Retry-After is honoured, never waited for less, and never beyond maxRetryAfterMs", () => {
    fc.assert(
      fc.property(
        policyArb.filter((p) => p.maxRetries > 0),
        fc.integer({ min: 0, max: 700 }),
        fc.constantFrom("GET", "POST", "PATCH", "PUT", "DELETE"),
        randomArb,
        (p, seconds, method, r) => {
          const d = decideRetry(method, { kind: "status", status: 429, retryAfter: String(seconds) }, 0, p, () => r, NOW);
          if (seconds * 1000 > p.maxRetryAfterMs) return !d.retry;
          return d.retry && d.delayMs >= seconds * 1000 && d.delayMs <= seconds * 1000 + p.initialDelayMs;
        },
      ),
    );
  });

  it("property: POST and PATCH are never retried after a failure that may have reached the server", () => {
    const sentCodes = fc.constantFrom("ECONNRESET", "EPIPE", "ECONNABORTED", "ERR_HTTP2_STREAM_ERROR", "socket hang up");
    fc.assert(
      fc.property(fc.constantFrom("POST", "PATCH"), sentCodes, fc.integer({ min: 0, max: 3 }), (method, code, n) => {
        return !decideRetry(method, { kind: "error", code, tls: false }, n, DEFAULT_RETRY_POLICY, Math.random, NOW).retry;
      }),
    );
  });
});
