import { describe, expect, it } from "vitest";
import fc from "fast-check";
import type { KubeObject } from "../../../src/base/object.ts";
import { MAX_SHARED_STRINGS, SharedStrings } from "../../../src/runtime/shared-strings.ts";

// A string's identity is not observable in JavaScript (=== compares values), so these tests
// watch the table instead: which strings were looked at, and how many are remembered.

const configMap = (name: string, created: string, labels: Record<string, string>): KubeObject =>
  JSON.parse(
    JSON.stringify({
      metadata: {
        name,
        creationTimestamp: created,
        labels,
        managedFields: [{ manager: "kubectl-client-side-apply", operation: "Update", apiVersion: "v1", time: created, fieldsType: "FieldsV1", fieldsV1: {} }],
      },
      data: { key: "platform-team-value" },
    }),
  ) as KubeObject;

describe("SharedStrings", () => {
  it("remembers each distinct string once", () => {
    const strings = new SharedStrings();
    for (const s of ["a-long-label-value", "a-long-label-value", "other", "other", "a-long-label-value"]) expect(strings.share(s)).toBe(s);
    expect(strings.size).toBe(2);
  });

  it("looks at the creationTimestamp, the label values and the managedFields strings, and nothing else", () => {
    const strings = new SharedStrings();
    const a = configMap("a", "2026-01-01T00:00:00Z", { "app.kubernetes.io/part-of": "bun-k8s-bench-suite", tier: "web" });
    const b = configMap("b", "2026-01-01T00:00:00Z", { "app.kubernetes.io/part-of": "bun-k8s-bench-suite", tier: "db" });
    strings.shareMetadata(a);
    strings.shareMetadata(b);
    // timestamp, part-of, web, db, manager, operation, apiVersion, fieldsType (the entry time is the timestamp)
    expect(strings.size).toBe(8);
    const seen = new SharedStrings();
    seen.shareMetadata(a);
    const before = seen.size;
    for (const s of ["2026-01-01T00:00:00Z", "bun-k8s-bench-suite", "web", "kubectl-client-side-apply", "Update", "v1", "FieldsV1"]) seen.share(s);
    expect(seen.size).toBe(before); // all of them were there already
    seen.share("a"); // the name is not shared: unique to its object
    seen.share("platform-team-value"); // nor is data
    expect(seen.size).toBe(before + 2);
  });

  it("leaves every value of an object as it was, whatever the input", () => {
    const label = fc.string({ maxLength: 300 });
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.string({ minLength: 1, maxLength: 20 }), fc.dictionary(fc.string({ maxLength: 10 }), label)), { maxLength: 20 }), (specs) => {
        const strings = new SharedStrings();
        const objects = specs.map(([name, labels], i) => configMap(name, `2026-01-01T00:00:0${i % 3}Z`, labels));
        const before = JSON.stringify(objects);
        for (const o of objects) strings.shareMetadata(o);
        expect(JSON.stringify(objects)).toBe(before);
        expect(strings.size).toBeLessThanOrEqual(MAX_SHARED_STRINGS);
      }),
    );
  });

  it("leaves a frozen object as it was instead of throwing, and stops at its frozen part", () => {
    const strings = new SharedStrings();
    const frozenLabels = configMap("f", "2026-01-01T00:00:00Z", { a: "label-value" });
    Object.freeze(frozenLabels.metadata!.labels);
    strings.shareMetadata(frozenLabels);
    expect(frozenLabels.metadata!.labels).toEqual({ a: "label-value" });
    expect(strings.size).toBe(2); // the timestamp, the label value; the managedFields after the labels are skipped
    const frozen = configMap("g", "2026-01-02T00:00:00Z", {});
    Object.freeze(frozen.metadata);
    strings.shareMetadata(frozen);
    expect(frozen.metadata!.creationTimestamp).toBe("2026-01-02T00:00:00Z");
    expect(strings.size).toBe(3);
  });

  it("remembers a bounded number of strings, starting over when full, and skips long ones", () => {
    const strings = new SharedStrings();
    for (let i = 0; i < MAX_SHARED_STRINGS; i++) strings.share(`value-${i}`);
    expect(strings.size).toBe(MAX_SHARED_STRINGS);
    strings.share("value-0");
    expect(strings.size).toBe(MAX_SHARED_STRINGS); // known: nothing added
    strings.share("one more");
    expect(strings.size).toBe(1);
    strings.share("x".repeat(257));
    expect(strings.size).toBe(1);
  });
});
