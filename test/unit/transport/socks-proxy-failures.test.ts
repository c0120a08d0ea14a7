/**
 * A SOCKS5 proxy's failures through every transport of this runtime (Deno's fetch speaks SOCKS
 * itself; the others tunnel through socks-tunnel.ts): each is a TransportError that names the
 * proxy without its credentials, worded the same on every runtime.
 */
import { createServer, type AddressInfo, type Socket } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { proxyFailure } from "../../../src/transport/deno-errors.ts";
import type { Transport } from "../../../src/transport/types.ts";
import { startSocks5Proxy, type Socks5Proxy } from "../../support/socks5-proxy.ts";
import { createLoopbackPki, type LoopbackPki } from "../../support/loopback-pki.ts";
import { startLoopbackServer, type LoopbackServer } from "./loopback-server.ts";
import { allMessages, candidates, closedLoopbackPort, failure } from "./transport-candidates.ts";

const PASSWORD = "pw-never-shown";
let pki: LoopbackPki;
let server: LoopbackServer;
let login: Socks5Proxy;
let refusing: { url: string; close: () => Promise<void> };
let closedPort: number;
const open: Transport[] = [];

/** Accepts the greeting without a login, then answers the CONNECT with reply 2 (not allowed by ruleset). */
function refuseConnect(s: Socket): void {
  let got = Buffer.alloc(0);
  let greeted = false;
  s.on("error", () => s.destroy());
  s.on("data", (d: Buffer) => {
    got = Buffer.concat([got, d]);
    if (!greeted && got.length >= 2 && got.length >= 2 + (got[1] as number)) {
      greeted = true;
      got = got.subarray(2 + (got[1] as number));
      s.write(Buffer.from([5, 0]));
    }
    if (greeted && got.length >= 10) s.end(Buffer.from([5, 2, 0, 1, 0, 0, 0, 0, 0, 0]));
  });
}

beforeAll(async () => {
  pki = createLoopbackPki();
  server = await startLoopbackServer(pki);
  login = await startSocks5Proxy({ login: { user: "proxy-user", password: PASSWORD } });
  const refuser = createServer(refuseConnect);
  await new Promise<void>((r) => refuser.listen(0, "127.0.0.1", r));
  refusing = { url: `socks5://127.0.0.1:${(refuser.address() as AddressInfo).port}`, close: () => new Promise((r) => refuser.close(() => r())) };
  closedPort = await closedLoopbackPort();
});

afterAll(async () => {
  for (const t of open) t.close();
  await Promise.all([server?.close(), login?.close(), refusing?.close()]);
  pki?.remove();
});

describe.each(candidates)("$name through a SOCKS5 proxy", ({ make }) => {
  const get = (proxyUrl: string) => {
    const t = make({ tls: { ca: pki.ca, rejectUnauthorized: true }, proxyUrl });
    open.push(t);
    return t.send({ method: "GET", url: `${server.url}/whoami`, headers: {}, timeoutMs: 10_000 });
  };
  const origin = (url: string) => url.replace(/\/\/[^@]*@/, "//");

  it("a refused login names the proxy and never the password", async () => {
    const wrong = login.url.replace(encodeURIComponent(PASSWORD), "wrong-pw-never-shown");
    const before = login.refusedLogins;
    const e = await failure(get(wrong));
    expect(e.message).toBe(`SOCKS5 proxy ${origin(login.url)}: the proxy refused the username and password (server ${origin(login.url)})`);
    expect(e.code).toBe("PROXY_CONNECT_FAILED");
    expect(allMessages(e)).not.toMatch(/never-shown|proxy-user/);
    expect(login.refusedLogins).toBe(before + 1);
  });

  it("no login offered to a proxy that wants one: no acceptable method", async () => {
    const e = await failure(get(origin(login.url)));
    expect(e.message).toBe(`SOCKS5 proxy ${origin(login.url)}: the proxy accepts none of our authentication methods (none, username/password) (server ${origin(login.url)})`);
    expect(e.code).toBe("PROXY_CONNECT_FAILED");
  });

  it("a refused CONNECT names the target and the proxy's reply", async () => {
    const e = await failure(get(refusing.url));
    expect(e.message).toBe(`SOCKS5 proxy ${refusing.url}: CONNECT to 127.0.0.1:${new URL(server.url).port} refused: connection not allowed by ruleset (server ${refusing.url})`);
    expect(e.code).toBe("PROXY_CONNECT_FAILED");
  });

  it("a proxy nobody listens on: ECONNREFUSED naming the proxy's address", async () => {
    const e = await failure(get(`socks5://proxy-user:${PASSWORD}@127.0.0.1:${closedPort}`));
    expect(e.code).toBe("ECONNREFUSED");
    expect(e.message).toContain(`127.0.0.1:${closedPort}`);
    expect(allMessages(e)).not.toContain(PASSWORD);
  });
});

describe("proxyFailure (Deno's SOCKS client's wording)", () => {
  const cause = (text: string) => new TypeError("fetch failed", { cause: new Error(`error sending request for url (https://10.0.0.1:6443/version): client error (Connect): ${text}`) });
  const proxy = "socks5://u:secret@proxy.example:1080";
  const url = "https://10.0.0.1:6443/version";

  it("maps the login, method, unreachable and every RFC 1928 reply, naming the proxy without credentials", () => {
    expect(proxyFailure(cause("Password auth failure, code: 1"), proxy, url)?.message).toBe("SOCKS5 proxy socks5://proxy.example:1080: the proxy refused the username and password (server socks5://proxy.example:1080)");
    expect(proxyFailure(cause("No acceptable auth methods"), proxy, url)?.code).toBe("PROXY_CONNECT_FAILED");
    expect(proxyFailure(cause("Proxy server unreachable"), proxy, url)?.code).toBe("ECONNREFUSED");
    expect(proxyFailure(cause("TTL expired"), proxy, url)?.message).toMatch(/^SOCKS5 proxy socks5:\/\/proxy\.example:1080: CONNECT to 10\.0\.0\.1:6443 refused: TTL expired /);
    expect(proxyFailure(cause("Host unreachable"), proxy, "https://[::1]/x")?.message).toMatch(/CONNECT to \[::1\]:443 refused: host unreachable /);
  });

  it("leaves everything else to toTransportError: OS errors, TLS, other proxies", () => {
    expect(proxyFailure(cause("Connection refused (os error 111)"), proxy, url)).toBeUndefined();
    expect(proxyFailure(new TypeError("fetch failed", { cause: new Error("invalid peer certificate: UnknownIssuer") }), proxy, url)).toBeUndefined();
    expect(proxyFailure(cause("Password auth failure, code: 1"), "http://proxy.example:3128", url)).toBeUndefined();
  });
});
