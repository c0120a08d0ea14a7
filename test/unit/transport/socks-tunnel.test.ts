import { createServer, type Server, type Socket } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TransportError } from "../../../src/base/errors.ts";
import { openSocksTunnel } from "../../../src/transport/socks-tunnel.ts";
import { openTunnel } from "../../../src/transport/proxy-tunnel.ts";
import { startSocks5Proxy, type Socks5Proxy } from "../../support/socks5-proxy.ts";

/** A TCP server that upper-cases what it receives, on IPv4 and IPv6 loopback. */
async function startEcho(host: string): Promise<{ server: Server; port: number }> {
  const server = createServer((s) => s.on("data", (d: Buffer) => s.write(d.toString().toUpperCase())));
  await new Promise<void>((r) => server.listen(0, host, r));
  const address = server.address();
  return { server, port: typeof address === "object" && address ? address.port : 0 };
}

/** A fake proxy that answers the greeting, then whatever `script` writes. */
async function scripted(script: (socket: Socket) => void): Promise<{ url: string; close: () => Promise<void> }> {
  const server = createServer(script);
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const address = server.address();
  return { url: `socks5://127.0.0.1:${typeof address === "object" && address ? address.port : 0}`, close: () => new Promise((r) => server.close(() => r())) };
}

/** Accepts the greeting (3 bytes), then refuses the CONNECT (13 bytes for an IPv4 target). */
function refuseConnect(s: Socket): void {
  let got = 0;
  s.on("data", (d: Buffer) => {
    const before = got;
    got += d.length;
    if (before < 3 && got >= 3) s.write(Buffer.from([5, 0]));
    if (before < 13 && got >= 13) s.write(Buffer.from([5, 5, 0, 1, 0, 0, 0, 0, 0, 0]));
  });
}

const roundTrip = async (socket: Socket, text: string): Promise<string> => {
  socket.resume();
  socket.write(text);
  return new Promise((resolve) => socket.once("data", (d: Buffer) => resolve(d.toString())));
};

describe("openSocksTunnel", () => {
  let echo4: { server: Server; port: number };
  let echo6: { server: Server; port: number };
  let open: Socks5Proxy;
  let login: Socks5Proxy;
  beforeAll(async () => {
    echo4 = await startEcho("127.0.0.1");
    echo6 = await startEcho("::1");
    open = await startSocks5Proxy({ hosts: { "echo.test": "127.0.0.1" } });
    login = await startSocks5Proxy({ login: { user: "üser-7", password: "p:w@rd" } });
  });
  afterAll(async () => {
    await Promise.all([open.close(), login.close()]);
    echo4.server.close();
    echo6.server.close();
  });

  it("connects by IPv4, IPv6 and host name (resolved by the proxy), and carries bytes both ways", async () => {
    for (const host of ["127.0.0.1", "::1", "echo.test"]) {
      const port = host === "::1" ? echo6.port : echo4.port;
      const socket = await openSocksTunnel(open.url, { host, port });
      expect(await roundTrip(socket, `hello ${host}`)).toBe(`HELLO ${host.toUpperCase()}`);
      socket.destroy();
    }
    expect(open.tunnels).toEqual([`127.0.0.1:${echo4.port}`, `[0:0:0:0:0:0:0:1]:${echo6.port}`, `echo.test:${echo4.port}`]);
  });

  it("logs in with percent-encoded credentials; openTunnel dispatches socks5:// here", async () => {
    const socket = await openTunnel(login.url, { host: "127.0.0.1", port: echo4.port });
    expect(await roundTrip(socket, "x")).toBe("X");
    socket.destroy();
    const refused = await openSocksTunnel(login.url.replace("p%3Aw%40rd", "nope-pw"), { host: "127.0.0.1", port: echo4.port }).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(TransportError);
    expect((refused as Error).message).toMatch(/refused the username and password/);
    expect((refused as Error).message).not.toMatch(/nope-pw|üser|%C3%BCser/);
  });

  it.each([
    ["a CONNECT refusal", (s: Socket) => refuseConnect(s), /CONNECT to 10\.9\.9\.9:80 refused: connection refused/],
    ["no acceptable method", (s: Socket) => s.once("data", () => s.end(Buffer.from([5, 0xff]))), /accepts none of our authentication methods/],
    ["not SOCKS5", (s: Socket) => s.once("data", () => s.end("HTTP/1.1 400 Bad Request\r\n\r\n")), /does not speak SOCKS5/],
    ["a hang-up mid-handshake", (s: Socket) => s.once("data", () => s.end()), /closed the connection before connecting 10\.9\.9\.9:80/],
  ] as const)("fails with a typed error on %s", async (_, script, message) => {
    const proxy = await scripted((s) => {
      s.on("error", () => undefined);
      script(s);
    });
    try {
      const e = await openSocksTunnel(proxy.url, { host: "10.9.9.9", port: 80 }).catch((err: unknown) => err);
      expect(e).toBeInstanceOf(TransportError);
      expect((e as Error).message).toMatch(message);
    } finally {
      await proxy.close();
    }
  });

  it("stops when the signal aborts", async () => {
    const proxy = await scripted(() => undefined);
    try {
      const controller = new AbortController();
      const pending = openSocksTunnel(proxy.url, { host: "10.9.9.9", port: 80 }, controller.signal);
      controller.abort(new Error("stop"));
      await expect(pending).rejects.toThrow("stop");
    } finally {
      await proxy.close();
    }
  });
});
