/**
 * SOCKS5 tunnels (kubeconfig `proxy-url: socks5://[user:password@]host:port`), as client-go
 * dials them: RFC 1928 CONNECT with no authentication or RFC 1929 username/password, the API
 * server's host name resolved by the proxy. The socket is handed back raw, so TLS to the API
 * server runs end to end over it.
 *
 * Written here rather than taken from a package: the client side is the greeting, one optional
 * login and one CONNECT, about a hundred lines; the `socks` package would be a third runtime
 * dependency for the same bytes.
 */
import { isIP, connect as netConnect, type Socket } from "node:net";
import { TransportError } from "../base/errors.ts";
import { describeProxy, type TunnelTarget } from "./proxy-tunnel.ts";
import { PROXY_CONNECT_FAILED } from "./transport-errors.ts";

const REPLIES: Readonly<Record<number, string>> = {
  1: "general SOCKS server failure",
  2: "connection not allowed by ruleset",
  3: "network unreachable",
  4: "host unreachable",
  5: "connection refused",
  6: "TTL expired",
  7: "command not supported",
  8: "address type not supported",
};

/** The CONNECT request's address: IPv4, IPv6, or a host name for the proxy to resolve. */
function address(host: string): Buffer {
  const kind = isIP(host);
  if (kind === 4) return Buffer.from([0x01, ...host.split(".").map(Number)]);
  if (kind === 6) {
    const [head, tail] = host.split("::") as [string, string | undefined];
    const groups = (s: string | undefined) => (s ? s.split(":") : []);
    const all = tail === undefined ? groups(head) : [...groups(head), ...new Array<string>(8 - groups(head).length - groups(tail).length).fill("0"), ...groups(tail)];
    const out = Buffer.alloc(17);
    out[0] = 0x04;
    all.forEach((g, i) => out.writeUInt16BE(Number.parseInt(g, 16), 1 + i * 2));
    return out;
  }
  const name = Buffer.from(host, "utf8");
  if (name.length > 255) throw new TransportError(`host name ${host.slice(0, 40)}... is too long for SOCKS5`);
  return Buffer.concat([Buffer.from([0x03, name.length]), name]);
}

/** Reads exact byte counts off a socket that may deliver them in any chunks. */
class Reader {
  #buffer = Buffer.alloc(0);
  #waiting: { size: number; resolve: (b: Buffer) => void } | undefined;
  readonly #onData = (chunk: Buffer): void => {
    this.#buffer = Buffer.concat([this.#buffer, chunk]);
    this.#deliver();
  };
  readonly socket: Socket;

  constructor(socket: Socket) {
    this.socket = socket;
    socket.on("data", this.#onData);
  }

  read(size: number): Promise<Buffer> {
    return new Promise((resolve) => {
      this.#waiting = { size, resolve };
      this.#deliver();
    });
  }

  #deliver(): void {
    const w = this.#waiting;
    if (!w || this.#buffer.length < w.size) return;
    this.#waiting = undefined;
    const out = this.#buffer.subarray(0, w.size);
    this.#buffer = this.#buffer.subarray(w.size);
    w.resolve(out);
  }

  /** Stops reading; bytes that came after the handshake go back to the socket. */
  release(): Socket {
    this.socket.off("data", this.#onData);
    this.socket.pause();
    if (this.#buffer.length > 0) this.socket.unshift(this.#buffer);
    return this.socket;
  }
}

/**
 * Opens a SOCKS5 tunnel to `target`; resolves with the socket once the proxy connected it.
 *
 * @example
 * const raw = await openSocksTunnel("socks5://127.0.0.1:1080", { host: "api.example", port: 6443 });
 * const tlsSocket = tls.connect({ socket: raw, servername: "api.example", ca });
 */
export function openSocksTunnel(proxyUrl: string, target: TunnelTarget, signal?: AbortSignal): Promise<Socket> {
  const u = new URL(proxyUrl);
  const where = describeProxy(proxyUrl);
  const hostPort = `${target.host.includes(":") ? `[${target.host}]` : target.host}:${target.port}`;
  const fail = (message: string) => new TransportError(`SOCKS5 proxy ${where}: ${message}`, { server: where }, { code: PROXY_CONNECT_FAILED });
  const user = decodeURIComponent(u.username);
  const password = decodeURIComponent(u.password);
  const socket = netConnect({ host: u.hostname.replace(/^\[(.*)\]$/, "$1"), port: u.port ? Number(u.port) : 1080 });
  const reader = new Reader(socket);

  const handshake = async (): Promise<Socket> => {
    await new Promise<void>((resolve) => socket.once("connect", resolve));
    const methods = user || password ? [0x00, 0x02] : [0x00];
    socket.write(Buffer.from([0x05, methods.length, ...methods]));
    const [version, method] = await reader.read(2);
    if (version !== 0x05) throw fail("the proxy does not speak SOCKS5");
    if (method === 0x02) {
      const u8 = Buffer.from(user, "utf8");
      const p8 = Buffer.from(password, "utf8");
      if (u8.length > 255 || p8.length > 255) throw fail("username or password longer than 255 bytes");
      socket.write(Buffer.concat([Buffer.from([0x01, u8.length]), u8, Buffer.from([p8.length]), p8]));
      const [, status] = await reader.read(2);
      // Never name the credentials: only that they were refused.
      if (status !== 0x00) throw fail("the proxy refused the username and password");
    } else if (method !== 0x00) {
      throw fail(method === 0xff ? "the proxy accepts none of our authentication methods (none, username/password)" : `the proxy chose authentication method ${method}`);
    }
    const port = Buffer.alloc(2);
    port.writeUInt16BE(target.port);
    socket.write(Buffer.concat([Buffer.from([0x05, 0x01, 0x00]), address(target.host), port]));
    const [ver, reply, , type] = await reader.read(4);
    if (ver !== 0x05) throw fail("malformed CONNECT reply");
    if (reply !== 0x00) throw fail(`CONNECT to ${hostPort} refused: ${REPLIES[reply ?? 1] ?? `reply ${reply}`}`);
    // The bound address: IPv4 (4), a name (its length byte, then the name) or IPv6 (16), then the port.
    const length = type === 0x01 ? 4 : type === 0x04 ? 16 : type === 0x03 ? ((await reader.read(1))[0] as number) : -1;
    if (length < 0) throw fail("malformed CONNECT reply");
    await reader.read(length + 2);
    return reader.release();
  };

  return new Promise<Socket>((resolve, reject) => {
    const cleanup = (): void => {
      socket.off("error", onError);
      socket.off("close", onClose);
      signal?.removeEventListener("abort", onAbort);
    };
    const failWith = (err: unknown): void => {
      cleanup();
      socket.destroy();
      reject(err);
    };
    const onError = (err: Error): void => failWith(err);
    const onClose = (): void => failWith(fail(`closed the connection before connecting ${hostPort}`));
    const onAbort = (): void => failWith(signal?.reason ?? new Error("aborted"));
    if (signal?.aborted) return onAbort();
    signal?.addEventListener("abort", onAbort, { once: true });
    socket.on("error", onError);
    socket.on("close", onClose);
    handshake().then(
      (s) => {
        cleanup();
        resolve(s);
      },
      failWith,
    );
  });
}
