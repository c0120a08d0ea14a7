/**
 * Fuzzing what a server's bytes turn into: Status bodies of failed responses, list bodies,
 * JSON bodies, watch lines. Whatever arrives, the result is a value or one of our typed
 * errors (DecodeError, ApiError), never a TypeError or a crash.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ApiError, DecodeError } from "../../../src/base/errors.ts";
import { isStatus } from "../../../src/base/object.ts";
import { scrubText } from "../../../src/base/secrets.ts";
import { statusFromResponse } from "../../../src/connection/connection-request.ts";
import { decodeList, parseJson } from "../../../src/api/decode.ts";
import { parseWatchLine } from "../../../src/api/watch-stream.ts";
import { SEEDS } from "./seeds.ts";

const site = { method: "GET", path: "/api/v1/pods", server: "https://k" };

/** JSON values biased towards Status and list shapes. */
const statusLike = fc.record(
  {
    kind: fc.oneof(fc.constant("Status"), fc.constant("PodList"), fc.jsonValue()),
    apiVersion: fc.oneof(fc.constant("v1"), fc.jsonValue()),
    status: fc.oneof(fc.constantFrom("Failure", "Success"), fc.jsonValue()),
    code: fc.oneof(fc.integer({ min: 0, max: 999 }), fc.jsonValue()),
    reason: fc.oneof(fc.constantFrom("NotFound", "Expired"), fc.jsonValue()),
    message: fc.jsonValue(),
    details: fc.oneof(fc.record({ causes: fc.jsonValue(), retryAfterSeconds: fc.jsonValue(), name: fc.jsonValue() }, { requiredKeys: [] }), fc.jsonValue()),
    metadata: fc.jsonValue(),
    items: fc.oneof(fc.array(fc.oneof(fc.object(), fc.jsonValue()), { maxLength: 4 }), fc.jsonValue()),
  },
  { requiredKeys: [] },
);
const json = fc.oneof(statusLike, fc.jsonValue());
const bodyText = fc.oneof(json.map((v) => JSON.stringify(v)), fc.string({ maxLength: 400 }), fc.constantFrom("", "null", "{", "[]", "404 page not found"));

function typedOnly(run: () => unknown, ...allowed: (new (...args: never[]) => Error)[]): void {
  try {
    run();
  } catch (e) {
    expect(allowed.some((Class) => e instanceof Class), `${(e as Error)?.name}: ${(e as Error)?.message}`).toBe(true);
  }
}

describe.each(SEEDS)("decoding fuzz (%s seed %i)", (_label, seed) => {
  it("any failed response becomes a Status and an ApiError with a numeric code", () => {
    fc.assert(
      fc.property(fc.integer({ min: 100, max: 599 }), bodyText, fc.option(fc.string({ maxLength: 40 }), { nil: undefined }), (http, body, retryAfter) => {
        const status = statusFromResponse(http, body, retryAfter);
        expect(isStatus(status)).toBe(true);
        const error = new ApiError(status, site, http);
        // The code and reason come from the Status when it has them, else from the HTTP answer.
        expect(error.code).toBe(typeof status.code === "number" ? status.code : http);
        expect(error.reason).toBe(typeof status.reason === "string" ? scrubText(status.reason) : "Unknown");
        expect(error.message.startsWith(`${error.code} `)).toBe(true);
      }),
      { seed, numRuns: 1000 },
    );
  });

  it("any body is JSON or a DecodeError; any parsed body is a list or a DecodeError", () => {
    fc.assert(
      fc.property(bodyText, (text) => {
        typedOnly(() => {
          const value = parseJson<unknown>(text, site);
          typedOnly(() => {
            const list = decodeList<unknown>(value, { group: "", version: "v1", kind: "Pod" }, site);
            expect(Array.isArray(list.items)).toBe(true);
            expect(list.metadata).toBeInstanceOf(Object);
          }, DecodeError);
        }, DecodeError);
      }),
      { seed, numRuns: 1000 },
    );
  });

  it("any watch line is an event, nothing, a DecodeError or (ERROR events) an ApiError", () => {
    const event = fc.record(
      { type: fc.oneof(fc.constantFrom("ADDED", "MODIFIED", "DELETED", "BOOKMARK", "ERROR"), fc.jsonValue()), object: fc.oneof(statusLike, fc.jsonValue()) },
      { requiredKeys: [] },
    );
    fc.assert(
      fc.property(fc.oneof(event.map((e) => JSON.stringify(e)), bodyText), (line) => {
        typedOnly(() => {
          const parsed = parseWatchLine<unknown>(line, site);
          if (parsed) expect(["ADDED", "MODIFIED", "DELETED", "BOOKMARK"]).toContain(parsed.type);
        }, DecodeError, ApiError);
      }),
      { seed, numRuns: 1000 },
    );
  });
}, 60_000);
