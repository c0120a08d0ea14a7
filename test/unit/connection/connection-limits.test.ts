/**
 * createConnection's bounds over a scripted Transport: the deadline covers waiting for
 * credentials, credentials never go to a plain-HTTP server, a 401 keeps the server's Status,
 * error bodies and response sizes are limited, and whatever credential the connection sent
 * is scrubbed from the errors it makes. Real servers: test/hostile/.
 */
import { inspect } from "node:util";
import { describe, expect, it } from "vitest";
import { ApiError, ConfigError, ResponseTooLargeError, TransportError } from "../../../src/base/errors.ts";
import type { AuthProvider, CredentialWait, Credentials } from "../../../src/config/types.ts";
import type { HttpResponse } from "../../../src/transport/types.ts";
import { FakeAuth, rejection, reply, setup, token } from "../transport/scripted-transport.ts";

/** An auth provider whose credentials never come (a hung exec plugin), recording the signals it was given. */
class HungAuth implements AuthProvider {
  readonly description = "exec hung-plugin";
  readonly waits: CredentialWait[] = [];
  credentials(wait?: CredentialWait): Promise<Credentials> {
    this.waits.push(wait ?? {});
    return new Promise(() => undefined);
  }
  async invalidate(): Promise<boolean> {
    return false;
  }
}

describe("the deadline covers waiting for credentials", () => {
  it("a provider that never answers fails with TIMEOUT after timeoutMs, and its signal is aborted", async () => {
    const auth = new HungAuth();
    const { conn, transports } = setup([], auth, { timeoutMs: 100 });
    const started = Date.now();
    const e = await rejection(conn.send({ method: "GET", path: "/api/v1/pods" }));
    expect(e).toBeInstanceOf(TransportError);
    expect((e as TransportError).code).toBe("TIMEOUT");
    expect(e.message).toMatch(/no credentials from exec hung-plugin within timeoutMs \(100 ms\) \(GET \/api\/v1\/pods, server https:\/\/10\.0\.0\.1:6443, context ctx-a\)/);
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(auth.waits[0]?.signal?.aborted).toBe(true);
    expect(transports.sent).toHaveLength(0);
  });

  it("the caller's abort ends the wait at once", async () => {
    const auth = new HungAuth();
    const { conn } = setup([], auth, { timeoutMs: 0 });
    const ac = new AbortController();
    const pending = rejection(conn.send({ method: "GET", path: "/x" }, { signal: ac.signal }));
    setTimeout(() => ac.abort(), 20);
    const e = await pending;
    expect((e as TransportError).code).toBe("ABORT_ERR");
    expect(auth.waits[0]?.signal?.aborted).toBe(true);
  });

  it("what is left of the deadline after credentials goes to the transport", async () => {
    const slow: AuthProvider = {
      description: "slow",
      credentials: () => new Promise((resolve) => setTimeout(() => resolve(token("t0ken-one")), 150)),
      invalidate: async () => false,
    };
    const { conn, transports } = setup([], slow, { timeoutMs: 1_000 });
    await conn.send({ method: "GET", path: "/x" });
    const left = transports.sent[0]?.timeoutMs ?? 0;
    expect(left).toBeGreaterThan(500);
    expect(left).toBeLessThanOrEqual(860);
  });
});

describe("credentials never go over plain HTTP", () => {
  it.each([
    ["a bearer token", token("t0ken-one")],
    ["a client certificate", { headers: {}, clientCertificate: { cert: "CERT", key: "KEY" } }],
  ])("refuses to send %s to an http:// server (ConfigError), sending nothing", async (_name, creds) => {
    const { conn, transports } = setup([], new FakeAuth([creds]), {}, { server: "http://10.0.0.1:8080" });
    const e = await rejection(conn.send({ method: "GET", path: "/x" }));
    expect(e).toBeInstanceOf(ConfigError);
    expect(e.message).toMatch(/refusing to send the credentials of fake over plain HTTP; they go only over TLS/);
    expect(transports.sent).toHaveLength(0);
  });

  it("an anonymous request to an http:// server goes out", async () => {
    const { conn, transports } = setup([], new FakeAuth([{ headers: {} }]), {}, { server: "http://127.0.0.1:8001" });
    await conn.send({ method: "GET", path: "/x" });
    expect(transports.sent[0]?.url).toBe("http://127.0.0.1:8001/x");
  });
});

describe("error bodies", () => {
  it("a 401 keeps the server's Status when fresh credentials do not help", async () => {
    const status = { kind: "Status", apiVersion: "v1", status: "Failure", message: "token has expired", reason: "Unauthorized", code: 401 };
    const { conn } = setup([reply(401, JSON.stringify(status))], new FakeAuth([token("t0ken-one")], false));
    const e = (await rejection(conn.send({ method: "GET", path: "/x" }))) as ApiError;
    expect(e.status).toEqual(status);
    expect(e.message).toMatch(/^401 Unauthorized: token has expired/);
  });

  it("a Status that quotes the bearer token the connection sent is scrubbed everywhere", async () => {
    const secret = "sekret-token-0123456789abcdef";
    const status = { kind: "Status", code: 403, reason: "Forbidden", message: `user with token ${secret} is forbidden`, details: { causes: [{ message: `Bearer ${secret}` }] } };
    const { conn } = setup([reply(403, JSON.stringify(status))], new FakeAuth([token(secret)]));
    const e = (await rejection(conn.send({ method: "GET", path: "/x" }))) as ApiError;
    expect(e.status.message).toBe("user with token REDACTED is forbidden");
    for (const text of [e.message, e.stack ?? "", String(e), JSON.stringify(e), inspect(e, { depth: 10 }), inspect(e, { depth: 10, customInspect: false })]) {
      expect(text).not.toContain(secret);
    }
  });

  it("an error body over 1 MiB is not read into the error", async () => {
    const { conn } = setup([reply(500, "x".repeat(2 * 1024 * 1024))]);
    const e = (await rejection(conn.send({ method: "POST", path: "/x" }))) as ApiError;
    expect(e.message).toMatch(/^500 InternalError: \(the server answered 500 with a body larger than 1 MiB, not read\)/);
  });
});

describe("response-size limit", () => {
  it.each([
    ["the default", {}, {}, 256 * 1024 * 1024],
    ["the connection's", { maxResponseBytes: 1_000 }, {}, 1_000],
    ["the call's over the connection's", { maxResponseBytes: 1_000 }, { maxResponseBytes: 5_000 }, 5_000],
  ])("%s reaches the transport", async (_name, options, sendOptions, expected) => {
    const { conn, transports } = setup([], undefined, options);
    await conn.send({ method: "GET", path: "/x" }, sendOptions);
    expect(transports.sent[0]?.maxResponseBytes).toBe(expected);
  });

  it("a body over the limit fails with ResponseTooLargeError naming the request and the context", async () => {
    const tooLarge: HttpResponse = {
      ...reply(200),
      text: () => Promise.reject(new ResponseTooLargeError("body", 1_000, { method: "GET", server: "https://10.0.0.1:6443", path: "/api/v1/pods" })),
    };
    const { conn } = setup([tooLarge]);
    const res = await conn.send({ method: "GET", path: "/api/v1/pods" }, { maxResponseBytes: 1_000 });
    const e = await rejection(res.text());
    expect(e).toBeInstanceOf(ResponseTooLargeError);
    expect(e.message).toBe(
      "the response body is larger than 1000 bytes (maxResponseBytes); list in pages with `limit` (and `continue`), or raise maxResponseBytes " +
        "for this call or connection (GET /api/v1/pods, server https://10.0.0.1:6443, context ctx-a)",
    );
  });
});
