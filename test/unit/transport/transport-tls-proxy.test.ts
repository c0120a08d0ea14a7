/**
 * Every transport available on this runtime: connection failures, TLS verification
 * (unknown CA, name mismatch, tls-server-name, insecure) and CONNECT proxies, against
 * loopback servers. Error messages name the URL and never a header or proxy password.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createServer, type AddressInfo } from "node:net";
import { TlsError, TransportError } from "../../../src/base/errors.ts";
import { openTunnel, TUNNEL_TIMEOUT_MS } from "../../../src/transport/proxy-tunnel.ts";
import type { Transport, TransportOptions } from "../../../src/transport/types.ts";
import { createLoopbackPki, type LoopbackPki } from "../../support/loopback-pki.ts";
import { startConnectProxy, startLoopbackServer, type ConnectProxy, type LoopbackServer } from "./loopback-server.ts";
import { allMessages, candidates, closedLoopbackPort, failure, json, type Seen } from "./transport-candidates.ts";

let pki: LoopbackPki;
let server: LoopbackServer;
let aliasServer: LoopbackServer;
let proxy: ConnectProxy;
let closedPort: number;
const open: Transport[] = [];

beforeAll(async () => {
  pki = createLoopbackPki();
  server = await startLoopbackServer(pki);
  aliasServer = await startLoopbackServer(pki, "alias");
  proxy = await startConnectProxy();
  closedPort = await closedLoopbackPort();
});

afterAll(async () => {
  for (const t of open) t.close();
  await Promise.all([server?.close(), aliasServer?.close(), proxy?.close()]);
  pki?.remove();
});

function asAlice(extra: Partial<TransportOptions> = {}): TransportOptions {
  return { tls: { ca: pki.ca, cert: pki.alice.cert, key: pki.alice.key, rejectUnauthorized: true }, ...extra };
}

describe.each(candidates)("$name", ({ make }) => {
  const transport = (o: TransportOptions): Transport => {
    const t = make(o);
    open.push(t);
    return t;
  };
  const get = (t: Transport, path: string) => t.send({ method: "GET", url: `${server.url}${path}`, headers: {} });

  it("connection refused: ECONNREFUSED, no header value in the message", async () => {
    const t = transport(asAlice());
    const err = await failure(
      t.send({ method: "GET", url: `https://127.0.0.1:${closedPort}/api?x=1`, headers: { Authorization: "Bearer s3cr3t-token" } }),
    );
    expect(err.code).toBe("ECONNREFUSED");
    expect(err).not.toBeInstanceOf(TlsError);
    expect(err.message).toContain(`https://127.0.0.1:${closedPort}`);
    expect(err.message).toContain("/api?x=1");
    expect(allMessages(err)).not.toContain("s3cr3t");
  });

  it("an unknown CA is a TlsError", async () => {
    const err = await failure(get(transport({ tls: { ca: pki.otherCa, rejectUnauthorized: true } }), "/whoami"));
    expect(err).toBeInstanceOf(TlsError);
    expect(err.code).toMatch(/SELF_SIGNED|UNABLE_TO_VERIFY|UNABLE_TO_GET_ISSUER/);
  });

  it("a name mismatch is ERR_TLS_CERT_ALTNAME_INVALID; tls-server-name fixes it", async () => {
    const url = `${aliasServer.url}/whoami`;
    const strict = transport({ tls: { ca: pki.ca, rejectUnauthorized: true } });
    const err = await failure(strict.send({ method: "GET", url, headers: {} }));
    expect(err).toBeInstanceOf(TlsError);
    expect(err.code).toBe("ERR_TLS_CERT_ALTNAME_INVALID");
    const named = transport({ tls: { ca: pki.ca, rejectUnauthorized: true, serverName: "alias.bun-k8s.test" } });
    expect((await named.send({ method: "GET", url, headers: {} })).status).toBe(200);
  });

  it("insecure-skip-tls-verify accepts any server certificate", async () => {
    const t = transport({ tls: { rejectUnauthorized: false } });
    expect((await t.send({ method: "GET", url: `${aliasServer.url}/whoami`, headers: {} })).status).toBe(200);
  });

  it("goes through an http:// CONNECT proxy, TLS end to end, tunnel reused", async () => {
    const before = proxy.connects.length;
    const t = transport(asAlice({ proxyUrl: proxy.url }));
    const a = await json<Seen>(await get(t, "/whoami"));
    const b = await json<Seen>(await get(t, "/whoami"));
    expect([a.cn, b.cn]).toEqual(["alice", "alice"]);
    expect(proxy.connects.slice(before)).toEqual([`127.0.0.1:${server.port}`]);
  });

  it("sends proxy credentials from the proxy URL and never shows them", async () => {
    const before = proxy.authorizations.length;
    const withAuth = proxy.url.replace("http://", "http://user:p%40ss@");
    const t = transport(asAlice({ proxyUrl: withAuth }));
    expect((await get(t, "/whoami")).status).toBe(200);
    expect(proxy.authorizations[before]).toBe(`Basic ${Buffer.from("user:p@ss").toString("base64")}`);
    // The proxy refuses targets other than 127.0.0.1.
    const err = await failure(t.send({ method: "GET", url: `https://localhost:${server.port}/whoami`, headers: {} }));
    expect(allMessages(err)).not.toMatch(/p%40ss|p@ss/);
  });
});

describe("openTunnel", () => {
  it("a proxy that accepts the connection and never answers CONNECT fails with ETIMEDOUT, not a hang", async () => {
    const silent = createServer((socket) => socket.on("error", () => {}));
    await new Promise<void>((resolve) => silent.listen(0, "127.0.0.1", resolve));
    try {
      const port = (silent.address() as AddressInfo).port;
      const started = Date.now();
      const error = await openTunnel(`http://127.0.0.1:${port}`, { host: "127.0.0.1", port: 6443 }, undefined, undefined, 200).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(TransportError);
      expect((error as TransportError).code).toBe("ETIMEDOUT");
      expect((error as Error).message).toMatch(/did not answer CONNECT to 127\.0\.0\.1:6443 within 200 ms/);
      expect(Date.now() - started).toBeLessThan(2_000);
      expect(TUNNEL_TIMEOUT_MS).toBe(30_000);
    } finally {
      silent.close();
    }
  });
});
