/**
 * createConnection over a scripted Transport: what goes out (URL, headers, timeouts) and
 * how failures come back (ApiError with Status, transport errors with context, redaction).
 * Retries, 401s, pools and cancellation: connection-retries.test.ts.
 */
import { describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import { createConnection, type ConnectionOptions } from "../../../src/connection/connection.ts";
import { ApiError, TlsError, TransportError } from "../../../src/base/errors.ts";
import { PACKAGE_VERSION, defaultUserAgent } from "../../../src/base/runtime-info.ts";
import { FakeAuth, messages, rejection, reply, setup, token, transportError } from "../transport/scripted-transport.ts";

describe("what goes out", () => {
  it("URL, default headers, credentials, impersonation", async () => {
    const { conn, transports } = setup([], undefined, {}, {
      impersonate: { user: "jane", uid: "42", groups: ["a", "b"], extra: { "x.io/k": ["v"] } },
    });
    expect(conn.server).toBe("https://10.0.0.1:6443");
    expect(conn.namespace).toBe("team-a");
    expect(conn.contextName).toBe("ctx-a");
    await conn.send({ method: "GET", path: "/api/v1/pods", query: { labelSelector: "a=b", limit: undefined } });
    const req = transports.sent[0]!;
    expect(req.url).toBe("https://10.0.0.1:6443/api/v1/pods?labelSelector=a%3Db");
    expect(req.headers).toEqual({
      Accept: "application/json",
      "User-Agent": defaultUserAgent(),
      "Impersonate-User": "jane",
      "Impersonate-Uid": "42",
      Authorization: "Bearer t0ken-one",
    });
    expect(req.repeatedHeaders).toEqual({ "Impersonate-Group": ["a", "b"], "Impersonate-Extra-x.io%2Fk": ["v"] });
    expect(transports.made[0]?.options).toEqual({ tls: { ca: "CA-PEM", rejectUnauthorized: true }, disableCompression: false });
  });

  it("request headers override defaults whatever their case; the body passes through", async () => {
    const { conn, transports } = setup([]);
    await conn.send({ method: "PATCH", path: "/x", headers: { accept: "application/yaml", "Content-Type": "application/merge-patch+json" }, body: "{}" });
    const req = transports.sent[0]!;
    expect(req.headers.accept).toBe("application/yaml");
    expect(req.headers.Accept).toBeUndefined();
    expect(req.headers["Content-Type"]).toBe("application/merge-patch+json");
    expect(req.body).toBe("{}");
    expect(req.method).toBe("PATCH");
  });

  it("User-Agent names package version and runtime", () => {
    const pkg = JSON.parse(readFileSync(new URL("../../../package.json", import.meta.url), "utf8")) as { version: string };
    expect(PACKAGE_VERSION).toBe(pkg.version);
    expect(defaultUserAgent({ name: "bun", version: "1.4.5" })).toBe(`bun-k8s/${pkg.version} (bun 1.4.5)`);
    expect(defaultUserAgent()).toMatch(/^bun-k8s\/\S+ \((bun|deno|node) \d+\.\d+\.\d+\S*\)$/);
  });

  it.each<[string, ConnectionOptions, Parameters<ReturnType<typeof createConnection>["send"]>[1], number]>([
    ["default", {}, {}, 30_000],
    ["client default", { timeoutMs: 5_000 }, {}, 5_000],
    ["per request", { timeoutMs: 5_000 }, { timeoutMs: 100 }, 100],
    ["stream: no default", { timeoutMs: 5_000 }, { stream: true }, 0],
    ["stream with explicit timeout", {}, { stream: true, timeoutMs: 2_000 }, 2_000],
  ])("timeout: %s", async (_l, options, sendOptions, expected) => {
    const { conn, transports } = setup([], undefined, options);
    await conn.send({ method: "GET", path: "/x" }, sendOptions);
    // The deadline started before credentials were fetched: the transport gets what is left.
    const sent = transports.sent[0]?.timeoutMs ?? -1;
    if (expected === 0) expect(sent).toBe(0);
    // Less by however long credentials took (up to a second on a busy machine), never more.
    else expect(sent > expected - 1_000 && sent <= expected).toBe(true);
    expect(transports.sent[0]?.stream === true).toBe(sendOptions?.stream === true);
  });
});

describe("errors", () => {
  it("non-2xx becomes ApiError with the server's Status and the site", async () => {
    const status = { kind: "Status", apiVersion: "v1", status: "Failure", message: 'pods "web" not found', reason: "NotFound", code: 404 };
    const { conn } = setup([reply(404, JSON.stringify(status))]);
    const e = await rejection(conn.send({ method: "GET", path: "/api/v1/namespaces/a/pods/web" }));
    expect(e).toBeInstanceOf(ApiError);
    const api = e as ApiError;
    expect(api.status).toEqual(status);
    expect(api.site).toEqual({ server: "https://10.0.0.1:6443", context: "ctx-a", method: "GET", path: "/api/v1/namespaces/a/pods/web" });
    expect(api.message).toBe('404 NotFound: pods "web" not found (GET /api/v1/namespaces/a/pods/web, server https://10.0.0.1:6443, context ctx-a)');
  });

  it("a non-JSON body gets a synthetic Status", async () => {
    const { conn } = setup([reply(502, "Bad Gateway")]);
    const e = (await rejection(conn.send({ method: "GET", path: "/x" }))) as ApiError;
    expect([e.code, e.reason, e.status.message]).toEqual([502, "Unknown", "Bad Gateway"]);
  });

  it("transport errors keep class and code and gain the context", async () => {
    const { conn } = setup([transportError("ERR_TLS_CERT_ALTNAME_INVALID", true)]);
    const e = await rejection(conn.send({ method: "GET", path: "/version" }));
    expect(e).toBeInstanceOf(TlsError);
    expect((e as TlsError).code).toBe("ERR_TLS_CERT_ALTNAME_INVALID");
    expect(e.message).toBe("failed: ERR_TLS_CERT_ALTNAME_INVALID (GET /version, server https://10.0.0.1:6443, context ctx-a)");
  });

  it("no credential value appears in any error message", async () => {
    const secret = "eyJhbGciOiJSUzI1NiJ9.c2VjcmV0.sig";
    const auth = new FakeAuth([token(secret)], false);
    const { conn } = setup(
      [
        (req) => new TransportError(`failed with ${Object.keys(req.headers).join(",")}`, {}, { code: "ECONNRESET" }),
        reply(401, `invalid bearer token ${secret}`),
        reply(500, `Authorization: Bearer ${secret}`),
      ],
      auth,
      { retry: false },
    );
    const errors = [
      await rejection(conn.send({ method: "POST", path: "/a" })),
      await rejection(conn.send({ method: "GET", path: "/b" })),
      await rejection(conn.send({ method: "GET", path: "/c" })),
    ];
    for (const e of errors) {
      expect(messages(e)).not.toContain(secret);
      expect(messages(e)).not.toContain("c2VjcmV0");
    }
    expect((errors[1] as ApiError).code).toBe(401);
  });
});

