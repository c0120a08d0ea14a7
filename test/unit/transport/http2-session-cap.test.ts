/**
 * An HTTP/2 server that allows one stream per connection cannot make NodeHttp2Transport open
 * one connection per request: sessions to one origin stop at MAX_CONNECTIONS_PER_ORIGIN and
 * further requests wait for a stream to end.
 */
import { createSecureServer } from "node:http2";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, expect, it } from "vitest";
import { NodeHttp2Transport } from "../../../src/transport/node-http2.ts";
import { MAX_CONNECTIONS_PER_ORIGIN } from "../../../src/transport/request-slots.ts";
import { createLoopbackPki, type LoopbackPki } from "../../support/loopback-pki.ts";

let pki: LoopbackPki;
let server: ReturnType<typeof createSecureServer>;
let url = "";
let connections = 0;

beforeAll(async () => {
  pki = createLoopbackPki();
  server = createSecureServer({ cert: pki.serverCert, key: pki.serverKey, settings: { maxConcurrentStreams: 1 } }, (_req, res) => {
    setTimeout(() => res.end("{}"), 300);
  });
  server.on("secureConnection", () => connections++);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  url = `https://127.0.0.1:${(server.address() as AddressInfo).port}/x`;
});
afterAll(async () => {
  await new Promise<void>((resolve) => {
    server.close(() => resolve());
    setTimeout(resolve, 300).unref();
  });
  pki.remove();
});

it("one stream per connection: at most MAX_CONNECTIONS_PER_ORIGIN connections, every request answered", async () => {
  const transport = new NodeHttp2Transport({ tls: { ca: pki.ca, rejectUnauthorized: true } });
  try {
    const answers = await Promise.all(
      Array.from({ length: 200 }, () => transport.send({ method: "GET", url, headers: {}, timeoutMs: 30_000 }).then((r) => r.text())),
    );
    expect(answers.every((a) => a === "{}")).toBe(true);
    expect(connections).toBeGreaterThan(1);
    expect(connections).toBeLessThanOrEqual(MAX_CONNECTIONS_PER_ORIGIN);
    expect(transport.connectionCount).toBeLessThanOrEqual(MAX_CONNECTIONS_PER_ORIGIN);
  } finally {
    transport.close();
  }
});
