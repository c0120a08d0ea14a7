import fc from "fast-check";
import { describe, expect, test } from "vitest";
import {
  FORCE_REQUEST_ANNOTATION,
  RECONCILE_REQUEST_ANNOTATION,
  RESET_REQUEST_ANNOTATION,
  RequestClock,
  formatRfc3339Nano,
  reconcileAnnotations,
  reconcileHandled,
} from "../../../src/flux/reconcile-request.ts";

describe("formatRfc3339Nano", () => {
  // Expected values printed by Go: time.Unix(0, ns).UTC().Format(time.RFC3339Nano).
  const golden: [bigint, string][] = [
    [0n, "1970-01-01T00:00:00Z"],
    [1n, "1970-01-01T00:00:00.000000001Z"],
    [1700000000123400000n, "2023-11-14T22:13:20.1234Z"],
    [1700000000000000000n, "2023-11-14T22:13:20Z"],
    [1700000000000000001n, "2023-11-14T22:13:20.000000001Z"],
    [1732554867146000000n, "2024-11-25T17:14:27.146Z"],
    [1732554867146000001n, "2024-11-25T17:14:27.146000001Z"],
    [946684799999999999n, "1999-12-31T23:59:59.999999999Z"],
    [-1n, "1969-12-31T23:59:59.999999999Z"],
    [4371255804921053210n, "2108-07-09T05:43:24.92105321Z"],
  ];
  test.each(golden)("%s ns formats as Go does", (nanos, expected) => {
    expect(formatRfc3339Nano(nanos)).toBe(expected);
  });

  test("whole milliseconds agree with Date and parse back to the same instant", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 253402300799999 }), (ms) => {
        const formatted = formatRfc3339Nano(BigInt(ms) * 1_000_000n);
        expect(Date.parse(formatted)).toBe(ms);
        expect(formatted).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d*[1-9])?Z$/);
      }),
    );
  });

  test("the fraction never ends in zero and keeps every significant nanosecond", () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: 4_000_000_000_000_000_000n }), (nanos) => {
        const formatted = formatRfc3339Nano(nanos);
        const fraction = /\.(\d+)Z$/.exec(formatted)?.[1] ?? "";
        expect(fraction.endsWith("0")).toBe(false);
        expect(BigInt(fraction.padEnd(9, "0") || "0")).toBe(nanos % 1_000_000_000n);
      }),
    );
  });
});

describe("RequestClock", () => {
  test("tokens strictly increase even when the wall clock stands still or goes back", () => {
    const times = [1000, 1000, 1000, 999, 1001];
    const clock = new RequestClock(() => times.shift()!);
    const tokens = Array.from({ length: 5 }, () => clock.next());
    expect(tokens).toEqual([
      "1970-01-01T00:00:01Z",
      "1970-01-01T00:00:01.000000001Z",
      "1970-01-01T00:00:01.000000002Z",
      "1970-01-01T00:00:01.000000003Z",
      "1970-01-01T00:00:01.001Z",
    ]);
  });

  test("uses the current time", () => {
    const before = Date.now();
    const token = new RequestClock().next();
    expect(Date.parse(token)).toBeGreaterThanOrEqual(before);
    expect(Date.parse(token)).toBeLessThanOrEqual(Date.now());
  });
});

describe("reconcileHandled", () => {
  const T = "2025-03-01T10:00:00.5Z";
  const LATER = "2025-03-01T10:00:07Z";
  const object = (annotation: string | undefined, handled: string | undefined) => ({
    metadata: annotation ? { annotations: { [RECONCILE_REQUEST_ANNOTATION]: annotation } } : {},
    status: handled ? { lastHandledReconcileAt: handled } : {},
  });
  const cases: [string, ReturnType<typeof object>, boolean][] = [
    ["nothing handled yet", object(T, undefined), false],
    ["an earlier request handled", object(T, "2025-03-01T09:00:00Z"), false],
    ["our request handled", object(T, T), true],
    ["ours echoed though the annotation changed since", object(LATER, T), true],
    ["a later request that superseded ours handled", object(LATER, LATER), true],
    ["a later request pending, an old one handled", object(LATER, "2025-03-01T09:00:00Z"), false],
    ["annotation removed, something else handled", object(undefined, LATER), false],
  ];
  test.each(cases)("%s", (_name, o, expected) => {
    expect(reconcileHandled(o, T)).toBe(expected);
  });
});

describe("reconcileAnnotations", () => {
  test("requestedAt alone, or with HelmRelease force/reset carrying the same token", () => {
    expect(reconcileAnnotations("t")).toEqual({ [RECONCILE_REQUEST_ANNOTATION]: "t" });
    expect(reconcileAnnotations("t", { force: true, reset: true })).toEqual({
      [RECONCILE_REQUEST_ANNOTATION]: "t",
      [FORCE_REQUEST_ANNOTATION]: "t",
      [RESET_REQUEST_ANNOTATION]: "t",
    });
    expect(reconcileAnnotations("t", { reset: true })).toEqual({ [RECONCILE_REQUEST_ANNOTATION]: "t", [RESET_REQUEST_ANNOTATION]: "t" });
  });
});
