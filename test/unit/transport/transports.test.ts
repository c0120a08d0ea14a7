/**
 * Every transport available on this runtime against a loopback HTTPS server (h2 + HTTP/1.1,
 * client certificates requested): certificates, pooling, compression, headers, deadlines,
 * cancellation, streams. TLS failures and proxies: transport-tls-proxy.test.ts.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BunFetchTransport, DeferredTransport, DenoFetchTransport, NodeTransport, createTransport, isBun, isDeno } from "../../../src/transport/index.ts";
import { MAX_CONNECTIONS_PER_ORIGIN } from "../../../src/transport/request-slots.ts";
import { ResponseTooLargeError } from "../../../src/base/errors.ts";
import type { Transport, TransportOptions } from "../../../src/transport/types.ts";
import { createLoopbackPki, type LoopbackPki } from "../../support/loopback-pki.ts";
import { startLoopbackServer, type LoopbackServer } from "./loopback-server.ts";
import { candidates, failure, headerValues, json, waitFor, type Seen } from "./transport-candidates.ts";

let pki: LoopbackPki;
let server: LoopbackServer;
const open: Transport[] = [];

beforeAll(async () => {
  pki = createLoopbackPki();
  server = await startLoopbackServer(pki);
});

afterAll(async () => {
  for (const t of open) t.close();
  await server?.close();
  pki?.remove();
});

function asAlice(extra: Partial<TransportOptions> = {}): TransportOptions {
  return { tls: { ca: pki.ca, cert: pki.alice.cert, key: pki.alice.key, rejectUnauthorized: true }, ...extra };
}

it("createTransport picks Bun's fetch on Bun, Deno's fetch on Deno and NodeTransport (HTTP/1.1 + HTTP/2 for streams) on Node, imported on first use", async () => {
  const t = createTransport(asAlice());
  open.push(t);
  expect(t).toBeInstanceOf(DeferredTransport);
  const impl = await (t as DeferredTransport).implementation();
  expect(impl).toBeInstanceOf(isBun() ? BunFetchTransport : isDeno() ? DenoFetchTransport : NodeTransport);
  const res = await t.send({ method: "GET", url: `${server.url}/whoami`, headers: {} });
  expect(res.status).toBe(200);
  expect(await res.text()).toContain("{");
});

it("a DeferredTransport closed before its module loaded refuses requests and closes what loads", async () => {
  let closed = 0;
  const t = new DeferredTransport(async () => ({ send: () => Promise.reject(new Error("unreachable")), close: () => void closed++ }));
  t.close();
  await expect(t.send({ method: "GET", url: `${server.url}/hello`, headers: {} })).rejects.toThrow(/closed/);
  await t.implementation();
  expect(closed).toBe(1);
});

describe.each(candidates)("$name", ({ make, httpVersion, streamHttpVersion }) => {
  const transport = (o: TransportOptions): Transport => {
    const t = make(o);
    open.push(t);
    return t;
  };
  const get = (t: Transport, path: string, extra: Partial<Parameters<Transport["send"]>[0]> = {}) =>
    t.send({ method: "GET", url: `${server.url}${path}`, headers: {}, ...extra });

  it("presents the client certificate and reuses one connection", async () => {
    const t = transport(asAlice());
    const seen: Seen[] = [];
    for (let i = 0; i < 4; i++) seen.push(await json<Seen>(await get(t, "/whoami")));
    expect(seen.map((s) => s.cn)).toEqual(["alice", "alice", "alice", "alice"]);
    expect(seen[0]?.httpVersion).toBe(httpVersion);
    expect(new Set(seen.map((s) => s.connection)).size).toBe(1);
    expect(seen[0]?.connection).toBeGreaterThan(0);
  });

  it("sends a stream with the same client certificate, over the stream's HTTP version", async () => {
    const t = transport(asAlice());
    const plain = await json<Seen>(await get(t, "/whoami"));
    const streamed = await json<Seen>(await get(t, "/whoami", { stream: true }));
    expect([plain.cn, streamed.cn]).toEqual(["alice", "alice"]);
    expect([plain.httpVersion, streamed.httpVersion]).toEqual([httpVersion, streamHttpVersion]);
    if (httpVersion !== streamHttpVersion) expect(streamed.connection).not.toBe(plain.connection);
  });

  it("keeps pools of different certificates apart", async () => {
    const alice = transport(asAlice());
    const bob = transport({ tls: { ca: pki.ca, ...pki.bob, rejectUnauthorized: true } });
    const cns: string[] = [];
    for (let i = 0; i < 3; i++) {
      cns.push((await json<Seen>(await get(alice, "/whoami"))).cn);
      cns.push((await json<Seen>(await get(bob, "/whoami"))).cn);
    }
    expect(cns).toEqual(["alice", "bob", "alice", "bob", "alice", "bob"]);
  });

  it("asks for gzip and hands back the decoded body", async () => {
    // With a deadline, as Connection sends a list (streams: compressed-stream.test.ts).
    const res = await get(transport(asAlice()), "/gzip", { timeoutMs: 10_000 });
    const body = await json<{ items: unknown[] }>(res);
    expect(body.items).toHaveLength(200);
    expect(res.headers["content-encoding"]).toBeUndefined();
    const asked = server.requests.at(-1)?.rawHeaders ?? [];
    expect(headerValues(asked, "accept-encoding").join(",")).toMatch(/gzip/);
  });

  it("reads a 4 MiB body (flow control keeps up)", async () => {
    const body = await (await get(transport(asAlice()), "/big?kb=4096")).bytes();
    expect(body.byteLength).toBe(4096 * 1024);
    expect(body.every((b) => b === 120)).toBe(true);
  });

  it("asks for identity when compression is disabled", async () => {
    const res = await get(transport(asAlice({ disableCompression: true })), "/gzip");
    expect((await json<{ items: unknown[] }>(res)).items).toHaveLength(200);
    expect(headerValues(server.requests.at(-1)?.rawHeaders ?? [], "accept-encoding")).toEqual(["identity"]);
  });

  it("sends the body and headers of a POST, repeated headers as separate lines", async () => {
    const res = await transport(asAlice()).send({
      method: "POST",
      url: `${server.url}/echo`,
      headers: { "Content-Type": "application/json", "Impersonate-User": "jane" },
      repeatedHeaders: { "Impersonate-Group": ["dev", "ops, sre"] },
      body: '{"a":"é"}',
    });
    const seen = await json<Seen>(res);
    expect(seen.body).toBe('{"a":"é"}');
    expect(headerValues(seen.rawHeaders, "content-type")).toEqual(["application/json"]);
    expect(headerValues(seen.rawHeaders, "impersonate-user")).toEqual(["jane"]);
    expect(headerValues(seen.rawHeaders, "impersonate-group")).toEqual(["dev", "ops, sre"]);
  });

  it("times out waiting for headers with code TIMEOUT, naming the URL", async () => {
    const err = await failure(get(transport(asAlice()), "/slow?ms=2000", { timeoutMs: 100, headers: { Authorization: "Bearer s3cr3t-token" } }));
    expect(err.code).toBe("TIMEOUT");
    expect(err.message).toContain("/slow?ms=2000");
    expect(err.message).toContain(server.url);
    expect(err.message).not.toContain("s3cr3t");
  });

  it("a stream's timeout does not apply once headers arrived (streams run on)", async () => {
    const res = await get(transport(asAlice()), "/stream", { timeoutMs: 300, stream: true });
    let lines = 0;
    const started = Date.now();
    for await (const chunk of res.stream()) {
      lines += chunk.filter((b) => b === 10).length;
      if (Date.now() - started > 700) break;
    }
    expect(Date.now() - started).toBeGreaterThan(600);
    expect(lines).toBeGreaterThan(4);
  });

  it("any other request's timeout covers the body: a body that does not end fails with TIMEOUT", async () => {
    const res = await get(transport(asAlice()), "/stream", { timeoutMs: 300 });
    const started = Date.now();
    const e = await failure(res.text());
    expect(e.code).toBe("TIMEOUT");
    expect(e.message).toMatch(/the response body did not complete within timeoutMs/);
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  it("reads at most maxResponseBytes, counted after decompression", async () => {
    const big = await get(transport(asAlice()), "/big?kb=2048", { maxResponseBytes: 1024 * 1024 });
    const tooBig = await big.text().catch((e: unknown) => e);
    expect(tooBig).toBeInstanceOf(ResponseTooLargeError);
    expect((tooBig as ResponseTooLargeError).limitBytes).toBe(1024 * 1024);
    expect((tooBig as Error).message).toMatch(/larger than 1 MiB .*`limit`.*\(GET \/big\?kb=2048, server https:\/\/127\.0\.0\.1:\d+\)/);
    // /gzip sends ~2 KiB that inflate to ~16 KiB: the limit applies to the inflated bytes.
    const gz = await get(transport(asAlice()), "/gzip", { maxResponseBytes: 8 * 1024 });
    expect(await gz.bytes().catch((e: unknown) => e)).toBeInstanceOf(ResponseTooLargeError);
    const fits = await get(transport(asAlice()), "/gzip", { maxResponseBytes: 64 * 1024 });
    expect((await fits.bytes()).byteLength).toBeGreaterThan(8 * 1024);
  });

  it("aborting before headers fails with ABORT_ERR", async () => {
    const ac = new AbortController();
    const pending = get(transport(asAlice()), "/slow?ms=2000", { signal: ac.signal });
    setTimeout(() => ac.abort(), 50);
    expect((await failure(pending)).code).toBe("ABORT_ERR");
  });

  it("an already aborted signal fails at once", async () => {
    expect((await failure(get(transport(asAlice()), "/whoami", { signal: AbortSignal.abort() }))).code).toBe("ABORT_ERR");
  });

  it("aborting mid-stream ends the body with ABORT_ERR and the server sees the stream go", async () => {
    const ac = new AbortController();
    const closedBefore = server.closedStreams;
    const res = await get(transport(asAlice()), "/stream", { signal: ac.signal });
    let chunks = 0;
    const err = await failure(
      (async () => {
        for await (const _ of res.stream()) if (++chunks === 2) ac.abort();
      })(),
    );
    expect(err.code).toBe("ABORT_ERR");
    await waitFor(() => server.closedStreams > closedBefore);
  });

  it("leaving the stream loop early cancels the request on the server", async () => {
    const closedBefore = server.closedStreams;
    const res = await get(transport(asAlice()), "/stream");
    for await (const _ of res.stream()) break;
    await waitFor(() => server.closedStreams > closedBefore);
  });

  it("close() fails requests in flight with TRANSPORT_CLOSED", async () => {
    const t = transport(asAlice());
    const pending = get(t, "/slow?ms=2000");
    await new Promise((r) => setTimeout(r, 100));
    t.close();
    expect((await failure(pending)).code).toBe("TRANSPORT_CLOSED");
  });

  it("carries 100 concurrent streams (watches) on one transport", async () => {
    const t = transport(asAlice());
    const ac = new AbortController();
    const connectionsBefore = server.connections();
    const responses = await Promise.all(Array.from({ length: 100 }, () => get(t, "/stream", { signal: ac.signal, stream: true })));
    const counts = await Promise.all(
      responses.map(async (res) => {
        let lines = 0;
        for await (const chunk of res.stream()) {
          lines += chunk.filter((b) => b === 10).length;
          if (lines >= 3) break;
        }
        return lines;
      }),
    );
    ac.abort();
    expect(counts.every((n) => n >= 3)).toBe(true);
    const opened = server.connections() - connectionsBefore;
    // HTTP/2 multiplexes them on one connection; HTTP/1.1 needs one each.
    if (streamHttpVersion === "2.0") expect(opened).toBe(1);
    else expect(opened).toBeGreaterThanOrEqual(50);
  });

  it("ordinary requests share a bounded number of connections", async () => {
    const t = transport(asAlice());
    const before = server.connections();
    const answers = await Promise.all(Array.from({ length: 200 }, () => get(t, "/slow?ms=100").then((r) => r.text())));
    expect(answers.every((a) => a === "{}")).toBe(true);
    const opened = server.connections() - before;
    // HTTP/2 multiplexes; over HTTP/1.1 (Node's fallback, Bun's fetch) a request in flight holds a connection.
    if (httpVersion === "2.0") expect(opened).toBe(1);
    else expect(opened).toBeLessThanOrEqual(MAX_CONNECTIONS_PER_ORIGIN);
  });

  it("reads a stream of gzip members line by line to its end (a watch kube-apiserver compresses)", async () => {
    // No timeoutMs: a stream, as Connection sends a watch. Each line comes as a gzip member of its own;
    // Deno's fetch stops after the first member, so DenoFetchTransport asks streams for identity.
    const res = await get(transport(asAlice()), "/gzip-stream?lines=6");
    expect(res.status).toBe(200);
    let text = "";
    const decoder = new TextDecoder();
    for await (const chunk of res.stream()) text += decoder.decode(chunk, { stream: true });
    expect(text.trim().split("\n")).toEqual([1, 2, 3, 4, 5, 6].map((n) => `{"n":${n}}`));
    expect(res.headers["content-encoding"]).toBeUndefined();
  });

  it("recovers after the server dropped its connections (API server restart)", async () => {
    const t = transport(asAlice());
    const first = await json<Seen>(await get(t, "/whoami"));
    server.dropConnections();
    await new Promise((r) => setTimeout(r, 100));
    const second = await json<Seen>(await get(t, "/whoami"));
    expect(second.cn).toBe("alice");
    expect(second.connection).not.toBe(first.connection);
  });
});
