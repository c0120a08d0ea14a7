/**
 * createConnection over a scripted Transport: retries and their delays, the 401
 * re-authentication path, one pool per client certificate, cancellation and rate limit.
 */
import { describe, expect, it } from "vitest";
import type { HttpResponse } from "../../../src/transport/types.ts";
import type { Credentials } from "../../../src/config/types.ts";
import { ApiError, TransportError, isAbortError } from "../../../src/base/errors.ts";
import { FakeAuth, rejection, reply, setup, token, transportError, type Reply } from "../transport/scripted-transport.ts";

describe("retries", () => {
  it("429 twice then 200: two retries with exponential delays", async () => {
    const { conn, retries, sleeps } = setup([reply(429), reply(429), reply(200, "ok")]);
    const res = await conn.send({ method: "POST", path: "/api/v1/namespaces/a/configmaps" });
    expect(await res.text()).toBe("ok");
    expect(retries).toEqual([
      { method: "POST", path: "/api/v1/namespaces/a/configmaps", retry: 1, delayMs: 125, reason: "429 Too Many Requests" },
      { method: "POST", path: "/api/v1/namespaces/a/configmaps", retry: 2, delayMs: 250, reason: "429 Too Many Requests" },
    ]);
    expect(sleeps).toEqual([125, 250]);
  });

  it("honours Retry-After", async () => {
    const { conn, sleeps } = setup([reply(503, "", { "retry-after": "3" }), reply(200)], undefined, { random: () => 1 });
    await conn.send({ method: "GET", path: "/x" });
    expect(sleeps).toEqual([3_250]);
  });

  it("gives up after maxRetries with the last ApiError, Retry-After in its details", async () => {
    const busy = (): HttpResponse => reply(429, JSON.stringify({ kind: "Status", code: 429, reason: "TooManyRequests", message: "slow down" }), { "retry-after": "1" });
    const { conn, retries, transports } = setup([busy(), busy(), busy()], undefined, { retry: { maxRetries: 2 } });
    const e = (await rejection(conn.send({ method: "GET", path: "/x" }))) as ApiError;
    expect(e.code).toBe(429);
    expect(e.details?.retryAfterSeconds).toBe(1);
    expect(retries.map((r) => r.retry)).toEqual([1, 2]);
    expect(transports.sent).toHaveLength(3);
  });

  it.each<[string, string, Reply, boolean]>([
    ["POST after reset", "POST", transportError("ECONNRESET"), false],
    ["PATCH after 504", "PATCH", reply(504), false],
    ["POST after refused", "POST", transportError("ECONNREFUSED"), true],
    ["GET after reset", "GET", transportError("ECONNRESET"), true],
    ["GET after TLS failure", "GET", transportError("UNABLE_TO_VERIFY_LEAF_SIGNATURE", true), false],
    ["GET after 500", "GET", reply(500), false],
  ])("%s: retried=%s", async (_l, method, first, retried) => {
    const { conn, transports } = setup([first, reply(200)]);
    const outcome = await conn.send({ method: method as "GET", path: "/x" }).then(
      () => "ok",
      () => "failed",
    );
    expect(outcome).toBe(retried ? "ok" : "failed");
    expect(transports.sent).toHaveLength(retried ? 2 : 1);
  });

  it("retry: false sends once", async () => {
    const { conn, transports } = setup([reply(503), reply(200)], undefined, { retry: false });
    await rejection(conn.send({ method: "GET", path: "/x" }));
    expect(transports.sent).toHaveLength(1);
  });
});

describe("401", () => {
  it("invalidates and retries once with fresh credentials", async () => {
    const auth = new FakeAuth([token("old"), token("new")]);
    const { conn, transports, retries } = setup([reply(401), reply(200)], auth);
    await conn.send({ method: "POST", path: "/x" });
    expect(transports.sent.map((r) => r.headers.Authorization)).toEqual(["Bearer old", "Bearer new"]);
    expect(auth.invalidations).toBe(1);
    expect(retries).toEqual([]);
  });

  it("a second 401 is final", async () => {
    const auth = new FakeAuth([token("old"), token("new")]);
    const { conn, transports } = setup([reply(401), reply(401), reply(200)], auth);
    const e = (await rejection(conn.send({ method: "GET", path: "/x" }))) as ApiError;
    expect(e.code).toBe(401);
    expect(transports.sent).toHaveLength(2);
    expect(auth.invalidations).toBe(1);
  });

  it("no retry when the provider says nothing would change", async () => {
    const auth = new FakeAuth([token("static")], false);
    const { conn, transports } = setup([reply(401), reply(200)], auth);
    expect(((await rejection(conn.send({ method: "GET", path: "/x" }))) as ApiError).code).toBe(401);
    expect(transports.sent).toHaveLength(1);
  });
});

describe("pools", () => {
  const cert = (n: string): Credentials => ({ headers: {}, clientCertificate: { cert: `CERT-${n}`, key: `KEY-${n}` } });

  it("one transport per client certificate, token users share one", async () => {
    const auth = new FakeAuth([cert("1")]);
    const { conn, transports } = setup([], auth);
    await conn.send({ method: "GET", path: "/a" });
    await conn.send({ method: "GET", path: "/b" });
    auth.creds = [cert("2")];
    await conn.send({ method: "GET", path: "/c" });
    auth.creds = [cert("1")];
    await conn.send({ method: "GET", path: "/d" });
    expect(transports.made.map((m) => m.options.tls.cert)).toEqual(["CERT-1", "CERT-2"]);
    expect(transports.made[1]?.options.tls).toEqual({ ca: "CA-PEM", rejectUnauthorized: true, cert: "CERT-2", key: "KEY-2" });
    expect(transports.made.map((m) => m.sent.length)).toEqual([3, 1]);

    const tokens = new FakeAuth([token("a")]);
    const t = setup([], tokens);
    await t.conn.send({ method: "GET", path: "/a" });
    tokens.creds = [token("b")];
    await t.conn.send({ method: "GET", path: "/b" });
    expect(t.transports.made).toHaveLength(1);
  });

  it("evicts and closes the least recently used pool beyond maxPools", async () => {
    const auth = new FakeAuth([cert("1")]);
    const { conn, transports } = setup([], auth, { maxPools: 2 });
    for (const n of ["1", "2", "1", "3"]) {
      auth.creds = [cert(n)];
      await conn.send({ method: "GET", path: "/x" });
    }
    expect(transports.made.map((m) => [m.options.tls.cert, m.closed])).toEqual([
      ["CERT-1", false],
      ["CERT-2", true],
      ["CERT-3", false],
    ]);
  });

  it("close() closes every pool and fails later requests with ABORT_ERR", async () => {
    const { conn, transports } = setup([]);
    await conn.send({ method: "GET", path: "/x" });
    conn.close();
    expect(transports.made.every((m) => m.closed)).toBe(true);
    expect(isAbortError(await rejection(conn.send({ method: "GET", path: "/x" })))).toBe(true);
  });
});

describe("cancellation and rate limit", () => {
  it("the client's signal cancels a request in flight", async () => {
    const client = new AbortController();
    const { conn } = setup(
      [
        (req) =>
          new Promise<Error>((resolve) =>
            req.signal?.addEventListener("abort", () => resolve(new TransportError("aborted", {}, { code: "ABORT_ERR" }))),
          ),
      ],
      undefined,
      { signal: client.signal },
    );
    const pending = conn.send({ method: "GET", path: "/watch" }, { stream: true });
    setTimeout(() => client.abort(), 10);
    const e = await rejection(pending);
    expect(isAbortError(e)).toBe(true);
    expect(e.message).toContain("context ctx-a");
  });

  it("the request's signal is passed down folded with the client's", async () => {
    const mine = new AbortController();
    const { conn, transports } = setup([]);
    await conn.send({ method: "GET", path: "/x" }, { signal: mine.signal });
    const passed = transports.sent[0]?.signal;
    expect(passed?.aborted).toBe(false);
    mine.abort();
    expect(passed?.aborted).toBe(true);
  });

  it("a rate limit makes the request beyond the burst wait 1/qps", async () => {
    let now = 0;
    const { conn, sleeps } = setup([], undefined, { rateLimit: { qps: 2, burst: 1 }, now: () => now });
    await conn.send({ method: "GET", path: "/a" });
    await conn.send({ method: "GET", path: "/b" });
    now += 10_000;
    await conn.send({ method: "GET", path: "/c" });
    expect(sleeps).toEqual([500]);
  });

  it("no rate limit by default", async () => {
    const { conn, sleeps } = setup([]);
    for (let i = 0; i < 20; i++) await conn.send({ method: "GET", path: "/a" });
    expect(sleeps).toEqual([]);
  });
});
