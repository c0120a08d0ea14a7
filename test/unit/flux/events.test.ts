import { describe, expect, test } from "vitest";
import { eventLastSeen, fluxEventSelector, regardsFluxKind } from "../../../src/flux/events.ts";
import type { Event } from "../../../generated/k8s/events/v1/index.ts";

const ref = { kind: "GitRepository" as const, name: "podinfo", namespace: "flux-system" };

describe("fluxEventSelector", () => {
  test.each([
    [{}, "regarding.kind=GitRepository,regarding.name=podinfo,regarding.namespace=flux-system"],
    [{ uid: "u-1" }, "regarding.kind=GitRepository,regarding.name=podinfo,regarding.namespace=flux-system,regarding.uid=u-1"],
    [{ types: ["Warning"] as const }, "regarding.kind=GitRepository,regarding.name=podinfo,regarding.namespace=flux-system,type=Warning"],
    // Both types: no server-side filter is needed (a field selector cannot say "or").
    [{ types: ["Normal", "Warning"] as const }, "regarding.kind=GitRepository,regarding.name=podinfo,regarding.namespace=flux-system"],
  ])("%j", (options, expected) => {
    expect(fluxEventSelector(ref, options)).toBe(expected);
  });
});

test("regardsFluxKind checks kind and API group, any version", () => {
  const e = (apiVersion: string | undefined, kind: string): Event => ({ eventTime: "t", regarding: { kind, ...(apiVersion ? { apiVersion } : {}) } });
  expect(regardsFluxKind(e("source.toolkit.fluxcd.io/v1", "GitRepository"), "GitRepository")).toBe(true);
  expect(regardsFluxKind(e("source.toolkit.fluxcd.io/v1beta2", "GitRepository"), "GitRepository")).toBe(true);
  expect(regardsFluxKind(e(undefined, "GitRepository"), "GitRepository")).toBe(true);
  expect(regardsFluxKind(e("example.com/v1", "GitRepository"), "GitRepository")).toBe(false);
  expect(regardsFluxKind(e("source.toolkit.fluxcd.io/v1", "Bucket"), "GitRepository")).toBe(false);
});

test("eventLastSeen prefers the series, then the deprecated last timestamp, then eventTime", () => {
  const base: Event = { eventTime: "2025-01-01T00:00:01.000000Z", metadata: { creationTimestamp: "2025-01-01T00:00:00Z" } };
  expect(eventLastSeen(base)).toBe("2025-01-01T00:00:01.000000Z");
  expect(eventLastSeen({ ...base, deprecatedLastTimestamp: "2025-01-01T00:00:05Z" })).toBe("2025-01-01T00:00:05Z");
  expect(eventLastSeen({ ...base, series: { count: 3, lastObservedTime: "2025-01-01T00:00:09.000000Z" } })).toBe("2025-01-01T00:00:09.000000Z");
});
