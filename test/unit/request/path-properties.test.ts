import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { ValidationError } from "../../../src/base/errors.ts";
import { encodeSegment, getRequest, listRequest, type ResourceRef } from "../../../src/request/index.ts";

const dnsLabel = fc.stringMatching(/^[a-z]([a-z0-9-]{0,8}[a-z0-9])?$/);
const resource: fc.Arbitrary<ResourceRef> = fc.record({
  group: fc.oneof(fc.constant(""), fc.constant("apps"), dnsLabel.map((l) => `${l}.example.com`)),
  version: fc.constantFrom("v1", "v1beta1", "v2alpha3"),
  kind: fc.constant("Thing"),
  plural: dnsLabel,
  namespaced: fc.boolean(),
  verbs: fc.constant(["get", "list"] as const),
  subresources: fc.constant([]),
});
// Any string, biased towards the characters that need care in a path.
const name = fc.oneof(fc.string({ minLength: 1 }), fc.stringMatching(/^[a-z:@ ?#&=+%/.é-]{1,12}$/));

describe("path properties", () => {
  it("every path starts with /api/v1 (core) or /apis/<group>/<version>, and segments round-trip", () => {
    fc.assert(
      fc.property(resource, dnsLabel, name, (r, ns, n) => {
        let path: string;
        try {
          path = getRequest(r, r.namespaced ? ns : undefined, n).path;
        } catch (e) {
          // Only names the API server itself refuses as path segments may be rejected.
          expect(e).toBeInstanceOf(ValidationError);
          expect(n === "." || n === ".." || /[/%]/.test(n)).toBe(true);
          return;
        }
        expect(path.startsWith(r.group === "" ? `/api/${r.version}/` : `/apis/${r.group}/${r.version}/`)).toBe(true);
        const segments = path.split("/");
        const last = segments.at(-1)!;
        expect(decodeURIComponent(last)).toBe(n);
        // Nothing in an encoded segment can end the path or start a query or fragment.
        expect(last).not.toMatch(/[/?#\s]/);
        expect(segments.length).toBe((r.group === "" ? 5 : 6) + (r.namespaced ? 2 : 0));
      }),
    );
  });

  it("list paths end with the plural, namespaced or not", () => {
    fc.assert(
      fc.property(resource, fc.option(dnsLabel, { nil: undefined }), (r, ns) => {
        const path = listRequest(r, r.namespaced ? ns : undefined).path;
        expect(path).toMatch(/^\/apis?\//);
        expect(path.endsWith(`/${r.plural}`)).toBe(true);
        expect(path.includes("/namespaces/")).toBe(r.namespaced && ns !== undefined);
      }),
    );
  });

  it("encodeSegment is decodeURIComponent's inverse", () => {
    fc.assert(
      fc.property(fc.string(), (s) => {
        // Lone surrogates cannot be percent-encoded as UTF-8.
        fc.pre(!/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/.test(s));
        expect(decodeURIComponent(encodeSegment(s))).toBe(s);
      }),
    );
  });
});
