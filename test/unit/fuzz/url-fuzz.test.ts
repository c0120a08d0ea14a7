/**
 * Fuzzing URL and path building with names a caller (or a server's discovery document)
 * might hand us: unicode, "..", "%2F", "/", empty strings, lone surrogates, query
 * characters. Every request either fails with a ValidationError or goes exactly where it
 * should: the URL parser keeps the path as built, every name segment decodes back to the
 * name, and the query carries every value unchanged.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ValidationError } from "../../../src/base/errors.ts";
import { requestUrl } from "../../../src/connection/connection-request.ts";
import { deleteRequest, getRequest, listRequest, patchRequest, type ResourceRef } from "../../../src/request/index.ts";
import { SEEDS } from "./seeds.ts";

const tricky = fc.constantFrom("", ".", "..", "%2F", "%2f", "/", "a/b", "../x", "..%2F", "%", "é", "😀", "\uD800", "\uDC00x", "a b", "?x=1", "#f", "\\", "a\u0000", "system:nodes");
const nameLike = fc.oneof(
  tricky,
  fc.string({ maxLength: 16 }),
  fc.string({ unit: fc.constantFrom("a", ".", "/", "%", "2", "F", "é", "😀", "\uD800", " ", "?", "#", "&", "=", "+", ":", "@"), maxLength: 10 }),
  fc.string({ unit: "grapheme", maxLength: 8 }),
);
const resource: fc.Arbitrary<ResourceRef> = fc.record({
  group: fc.oneof(fc.constantFrom("", "apps", "example.com"), nameLike),
  version: fc.oneof(fc.constantFrom("v1", "v1beta1"), nameLike),
  kind: fc.constant("Thing"),
  plural: fc.oneof(fc.constantFrom("things", "pods"), nameLike),
  namespaced: fc.boolean(),
  verbs: fc.constant(["get", "list", "delete", "patch"] as const),
  subresources: fc.constant(["status"]),
});
const server = fc.constantFrom("https://10.0.0.1:6443", "https://rancher.example/k8s/clusters/c-1/", "https://[fd00::1]:6443");

function built(make: () => { path: string; query?: Record<string, unknown> }): { path: string; query?: Record<string, unknown> } | undefined {
  try {
    return make();
  } catch (e) {
    expect(e, `${(e as Error)?.name}: ${(e as Error)?.message}`).toBeInstanceOf(ValidationError);
    return undefined;
  }
}

describe.each(SEEDS)("URL fuzz (%s seed %i)", (_label, seed) => {
  it("a name, namespace, group, version or plural never escapes its path segment", () => {
    fc.assert(
      fc.property(resource, nameLike, nameLike, fc.constantFrom("get", "delete", "status"), server, (r, ns, name, verb, base) => {
        const namespace = r.namespaced ? ns : undefined;
        const request = built(() =>
          verb === "get"
            ? getRequest(r, namespace, name)
            : verb === "delete"
              ? deleteRequest(r, namespace, name)
              : patchRequest(r, namespace, { name, subresource: "status" }, { type: "merge", patch: {} }),
        );
        if (!request) return;
        const url = new URL(requestUrl(base, request.path, undefined));
        // The URL parser neither resolved a dot segment nor found a query or fragment in it.
        expect(url.search).toBe("");
        expect(url.hash).toBe("");
        const prefix = new URL(base).pathname.replace(/\/+$/, "");
        expect(url.pathname).toBe(`${prefix}${request.path}`);
        const segments = request.path.split("/").slice(1).map(decodeURIComponent);
        expect(segments).not.toContain("..");
        expect(segments).not.toContain(".");
        const nameAt = segments.length - (verb === "status" ? 2 : 1);
        expect(segments[nameAt]).toBe(name);
        if (namespace !== undefined) expect(segments[segments.indexOf("namespaces") + 1]).toBe(namespace);
      }),
      { seed, numRuns: 2000 },
    );
  });

  it("selector and other query values arrive unchanged, or fail as ValidationError", () => {
    fc.assert(
      fc.property(resource, nameLike, nameLike, server, (r, labelSelector, fieldSelector, base) => {
        const request = built(() => listRequest({ ...r, namespaced: false }, undefined, { labelSelector, fieldSelector, limit: 5 }));
        if (!request) return;
        let url: URL;
        try {
          url = new URL(requestUrl(base, request.path, request.query as never));
        } catch (e) {
          expect(e).toBeInstanceOf(ValidationError);
          return;
        }
        const query = url.searchParams;
        if (labelSelector !== "") expect(query.get("labelSelector")).toBe(labelSelector);
        if (fieldSelector !== "") expect(query.get("fieldSelector")).toBe(fieldSelector);
        expect(query.get("limit")).toBe("5");
        expect(url.hash).toBe("");
      }),
      { seed, numRuns: 2000 },
    );
  });
}, 60_000);
