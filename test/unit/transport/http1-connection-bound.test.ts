/**
 * Against a server that speaks HTTP/1.1 only (ALPN offers no h2), every request in flight needs
 * a connection of its own: each transport of this runtime keeps ordinary requests to
 * MAX_CONNECTIONS_PER_ORIGIN connections (Node's Agent, the slots of Bun's and Deno's fetch),
 * while streams (watches) are never queued behind them.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { MAX_CONNECTIONS_PER_ORIGIN } from "../../../src/transport/request-slots.ts";
import type { Transport, TransportOptions } from "../../../src/transport/types.ts";
import { createLoopbackPki, type LoopbackPki } from "../../support/loopback-pki.ts";
import { startLoopbackServer, type LoopbackServer } from "./loopback-server.ts";
import { candidates, waitFor } from "./transport-candidates.ts";

let pki: LoopbackPki;
let server: LoopbackServer;

beforeAll(async () => {
  pki = createLoopbackPki();
  server = await startLoopbackServer(pki, "server", true);
});

afterAll(async () => {
  await server?.close();
  pki?.remove();
});

describe.each(candidates)("$name against an HTTP/1.1-only server", ({ make }) => {
  let t: Transport;
  // Each test starts with no connection open and closes its transport: the peak is its own.
  beforeEach(async () => {
    await waitFor(() => server.openConnections() === 0, 10_000);
    server.takePeakConnections();
    const options: TransportOptions = { tls: { ca: pki.ca, cert: pki.alice.cert, key: pki.alice.key, rejectUnauthorized: true } };
    t = make(options);
  });
  afterEach(() => t.close());

  it(`200 concurrent requests keep at most ${MAX_CONNECTIONS_PER_ORIGIN} connections open, and all are answered`, async () => {
    const answers = await Promise.all(
      Array.from({ length: 200 }, () => t.send({ method: "GET", url: `${server.url}/slow?ms=300`, headers: {}, timeoutMs: 30_000 }).then((r) => r.text())),
    );
    expect(answers.filter((a) => a === "{}")).toHaveLength(200);
    const peak = server.takePeakConnections();
    expect(server.requests.at(-1)?.httpVersion).toBe("1.1");
    expect(peak).toBeGreaterThan(1);
    expect(peak).toBeLessThanOrEqual(MAX_CONNECTIONS_PER_ORIGIN);
  });

  it("streams take no slot: 80 watches run at once beside the bound", async () => {
    const ac = new AbortController();
    try {
      const responses = await Promise.all(
        Array.from({ length: MAX_CONNECTIONS_PER_ORIGIN + 16 }, () => t.send({ method: "GET", url: `${server.url}/stream`, headers: {}, signal: ac.signal, stream: true })),
      );
      const firstLines = await Promise.all(
        responses.map(async (res) => {
          for await (const chunk of res.stream()) if (chunk.includes(10)) return true;
          return false;
        }),
      );
      expect(firstLines.every(Boolean)).toBe(true);
    } finally {
      ac.abort();
    }
  });
});
