import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { escapeExtraKey, impersonationHeaders, requestUrl, statusFromResponse } from "../../../src/connection/connection-request.ts";

const S = "https://10.0.0.1:6443";

describe("requestUrl", () => {
  it.each<[string, string, Parameters<typeof requestUrl>[2], string]>([
    ["no query", "/api/v1/pods", undefined, `${S}/api/v1/pods`],
    ["empty query", "/api", {}, `${S}/api`],
    ["scalar types", "/api/v1/pods", { limit: 500, watch: true, allowWatchBookmarks: false }, `${S}/api/v1/pods?limit=500&watch=true&allowWatchBookmarks=false`],
    ["undefined dropped", "/api/v1/pods", { limit: undefined, continue: "abc" }, `${S}/api/v1/pods?continue=abc`],
    ["arrays repeat the key", "/apis/x/v1/dryrun", { dryRun: ["All", "Other"] }, `${S}/apis/x/v1/dryrun?dryRun=All&dryRun=Other`],
    ["empty array adds nothing", "/api", { dryRun: [] }, `${S}/api`],
    ["encoding", "/api/v1/pods", { labelSelector: "app in (a,b),tier!=x y", fieldSelector: "a=b&c" }, `${S}/api/v1/pods?labelSelector=app%20in%20(a%2Cb)%2Ctier!%3Dx%20y&fieldSelector=a%3Db%26c`],
    ["unicode", "/api", { q: "ü/?#" }, `${S}/api?q=%C3%BC%2F%3F%23`],
    ["empty string kept", "/api", { continue: "" }, `${S}/api?continue=`],
  ])("%s", (_label, path, query, expected) => {
    expect(requestUrl(S, path, query)).toBe(expected);
  });

  it("keeps a server path prefix and drops trailing slashes", () => {
    expect(requestUrl("https://rancher.example/k8s/clusters/c-1/", "/api/v1/pods", { limit: 1 })).toBe(
      "https://rancher.example/k8s/clusters/c-1/api/v1/pods?limit=1",
    );
  });

  it("appends to a path that already has a query", () => {
    expect(requestUrl(S, "/api?a=1", { b: "2" })).toBe(`${S}/api?a=1&b=2`);
  });

  it("property: the query parses back to the same keys and values, in order", () => {
    const value = fc.oneof(
      fc.string(),
      fc.integer(),
      fc.boolean(),
      fc.array(fc.string(), { maxLength: 3 }),
      fc.constant(undefined),
    );
    fc.assert(
      fc.property(fc.dictionary(fc.string({ minLength: 1 }), value, { maxKeys: 6 }), (query) => {
        const url = new URL(requestUrl(S, "/api/v1/pods", query));
        const expected: [string, string][] = [];
        for (const [k, v] of Object.entries(query)) {
          if (v === undefined) continue;
          for (const one of Array.isArray(v) ? v : [String(v)]) expected.push([k, one]);
        }
        expect([...url.searchParams.entries()]).toEqual(expected);
        expect(url.pathname).toBe("/api/v1/pods");
      }),
    );
  });
});

describe("impersonation headers", () => {
  it("none without impersonation", () => {
    expect(impersonationHeaders(undefined)).toEqual({ headers: {}, repeated: {} });
  });

  it("user, uid, one line per group, extras with escaped keys", () => {
    expect(
      impersonationHeaders({
        user: "jane",
        uid: "1234",
        groups: ["dev", "system:authenticated"],
        extra: { "scopes.example.com/v1": ["view", "edit"], reason: ["oncall"], empty: [] },
      }),
    ).toEqual({
      headers: { "Impersonate-User": "jane", "Impersonate-Uid": "1234" },
      repeated: {
        "Impersonate-Group": ["dev", "system:authenticated"],
        "Impersonate-Extra-scopes.example.com%2Fv1": ["view", "edit"],
        "Impersonate-Extra-reason": ["oncall"],
      },
    });
  });
});

describe("escapeExtraKey", () => {
  it.each([
    ["reason", "reason"],
    ["example.com/scopes", "example.com%2Fscopes"],
    ["with space", "with%20space"],
    ["100%", "100%25"],
    ["ключ", "%D0%BA%D0%BB%D1%8E%D1%87"],
    ["a:b=c", "a%3Ab%3Dc"],
    ["tchars!#$&'*+-.^_`|~", "tchars!#$&'*+-.^_`|~"],
  ])("%s -> %s", (key, expected) => {
    expect(escapeExtraKey(key)).toBe(expected);
  });

  it("property: the result is a valid header name that unescapes to the key", () => {
    fc.assert(
      fc.property(fc.string({ unit: "grapheme", minLength: 1 }), (key) => {
        const escaped = escapeExtraKey(key);
        expect(escaped).toMatch(/^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/);
        expect(decodeURIComponent(escaped)).toBe(key);
      }),
    );
  });
});

describe("statusFromResponse", () => {
  const NOW = Date.parse("2026-03-01T12:00:00Z");
  it("takes a Status body as it is", () => {
    const body = JSON.stringify({ kind: "Status", apiVersion: "v1", status: "Failure", message: 'pods "x" not found', reason: "NotFound", details: { name: "x", kind: "pods" }, code: 404 });
    expect(statusFromResponse(404, body, undefined)).toEqual(JSON.parse(body));
  });

  it("fills in a missing code from the HTTP status", () => {
    expect(statusFromResponse(409, JSON.stringify({ kind: "Status", reason: "Conflict", message: "m" }), undefined).code).toBe(409);
  });

  it.each([
    [404, "404 page not found", "NotFound", "404 page not found"],
    [503, "", "ServiceUnavailable", "the server answered 503 with no body"],
    [502, "<html>\n<body>Bad   Gateway</body></html>", "Unknown", "<html> <body>Bad Gateway</body></html>"],
    [403, '{"error":"forbidden"}', "Forbidden", '{"error":"forbidden"}'],
    [429, "[1,2]", "TooManyRequests", "[1,2]"],
  ])("synthesises a Status for a %i with body %j", (code, body, reason, message) => {
    expect(statusFromResponse(code, body, undefined)).toEqual({ apiVersion: "v1", kind: "Status", status: "Failure", code, reason, message });
  });

  it("quotes at most 300 characters of a non-Status body", () => {
    const s = statusFromResponse(500, "x".repeat(5_000), undefined);
    expect(s.message?.length).toBeLessThanOrEqual(301);
  });

  it.each([
    ["5", 5],
    ["Sun, 01 Mar 2026 12:00:07 GMT", 7],
    ["garbage", undefined],
  ])("Retry-After %j becomes details.retryAfterSeconds %j", (header, seconds) => {
    const s = statusFromResponse(429, JSON.stringify({ kind: "Status", code: 429, reason: "TooManyRequests" }), header, NOW);
    expect(s.details?.retryAfterSeconds).toBe(seconds);
  });

  it("keeps the server's own retryAfterSeconds", () => {
    const body = JSON.stringify({ kind: "Status", code: 429, details: { retryAfterSeconds: 2 } });
    expect(statusFromResponse(429, body, "9").details?.retryAfterSeconds).toBe(2);
  });
});
