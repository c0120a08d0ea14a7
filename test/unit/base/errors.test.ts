import { describe, expect, test } from "vitest";
import {
  ApiError,
  ConfigError,
  isAlreadyExists,
  isConflict,
  isForbidden,
  isAbortError,
  isGone,
  isInvalid,
  isNotFound,
  isTooManyRequests,
  isUnauthorized,
  KubeError,
  TlsError,
  TransportError,
  type Status,
} from "../../../src/base/errors.ts";

const status = (code: number, reason: string, message = "m"): Status => ({ kind: "Status", status: "Failure", code, reason, message });

describe("ApiError helpers", () => {
  const cases: [string, Status, (e: unknown) => boolean][] = [
    ["NotFound", status(404, "NotFound"), isNotFound],
    ["Conflict", status(409, "Conflict"), isConflict],
    ["AlreadyExists", status(409, "AlreadyExists"), isAlreadyExists],
    ["Gone", status(410, "Gone"), isGone],
    ["Expired (watch 410)", status(410, "Expired"), isGone],
    ["Forbidden", status(403, "Forbidden"), isForbidden],
    ["Unauthorized", status(401, "Unauthorized"), isUnauthorized],
    ["TooManyRequests", status(429, "TooManyRequests"), isTooManyRequests],
    ["Invalid", status(422, "Invalid"), isInvalid],
  ];
  const helpers = [isNotFound, isConflict, isAlreadyExists, isGone, isForbidden, isUnauthorized, isTooManyRequests, isInvalid, isAbortError];

  test.each(cases)("%s is recognised by exactly its helper", (_name, s, helper) => {
    const e = new ApiError(s);
    expect(helper(e)).toBe(true);
    for (const other of helpers) if (other !== helper) expect(other(e)).toBe(false);
  });

  test("AlreadyExists is not reported as a plain conflict", () => {
    expect(isConflict(new ApiError(status(409, "AlreadyExists")))).toBe(false);
  });

  test("isAbortError: a transport error with the abort code, and nothing else", () => {
    const aborted = new TransportError("request aborted", {}, { code: "ABORT_ERR" });
    expect(isAbortError(aborted)).toBe(true);
    for (const other of helpers) if (other !== isAbortError) expect(other(aborted)).toBe(false);
    expect(isAbortError(new TransportError("reset", {}, { code: "ECONNRESET" }))).toBe(false);
    expect(isAbortError(new ApiError(status(499, "ABORT_ERR")))).toBe(false);
    expect(isAbortError(new DOMException("aborted", "AbortError"))).toBe(false);
  });

  test("helpers reject non-API errors", () => {
    for (const helper of helpers) {
      expect(helper(new Error("404 NotFound"))).toBe(false);
      expect(helper(undefined)).toBe(false);
    }
  });

  test("the message names code, reason and where it happened", () => {
    const e = new ApiError(status(404, "NotFound", 'pods "x" not found'), {
      method: "GET",
      path: "/api/v1/namespaces/a/pods/x",
      server: "https://127.0.0.1:6443",
      context: "kind",
    });
    expect(e.message).toBe('404 NotFound: pods "x" not found (GET /api/v1/namespaces/a/pods/x, server https://127.0.0.1:6443, context kind)');
    expect(e.name).toBe("ApiError");
    expect(e).toBeInstanceOf(KubeError);
  });

  test("the HTTP status stands in when the Status has no code", () => {
    expect(new ApiError({ message: "x" }, {}, 503).code).toBe(503);
  });

  test("every error class is a KubeError with its own name", () => {
    expect(new TlsError("x")).toBeInstanceOf(TransportError);
    expect(new TlsError("x").name).toBe("TlsError");
    expect(new ConfigError("x")).toBeInstanceOf(KubeError);
  });
});
