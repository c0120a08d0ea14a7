/**
 * A loopback SOCKS5 proxy (RFC 1928 CONNECT, RFC 1929 username/password) for proxy-url tests,
 * on raw sockets so it behaves the same under Node and Bun. kubectl's SOCKS5 client (Go's
 * x/net/proxy) talks to it in the contract tests too, so it is checked against an independent
 * implementation. It records every tunnel, and can map host names to addresses, as a proxy
 * with its own DNS would.
 */
import { connect, createServer, type Server, type Socket } from "node:net";

export interface Socks5Proxy {
  url: string;
  /** "host:port" of every tunnel opened, in order. */
  tunnels: string[];
  /** Failed logins. */
  refusedLogins: number;
  close(): Promise<void>;
}

export interface Socks5Options {
  /** Require this username and password (method 0x02); default: no authentication. */
  login?: { user: string; password: string };
  /** Host names the proxy resolves itself, e.g. { "apiserver.bun-k8s.test": "127.0.0.1" }. */
  hosts?: Record<string, string>;
}

/** @example const proxy = await startSocks5Proxy({ login: { user: "u", password: "p" } }); ...; await proxy.close(); */
export async function startSocks5Proxy(options: Socks5Options = {}): Promise<Socks5Proxy> {
  const sockets = new Set<Socket>();
  const state = { tunnels: [] as string[], refusedLogins: 0 };
  const server: Server = createServer((client) => {
    sockets.add(client);
    client.on("close", () => sockets.delete(client));
    client.on("error", () => client.destroy());
    let buffer = Buffer.alloc(0);
    let stage: "greeting" | "login" | "request" | "done" = "greeting";
    const onData = (chunk: Buffer) => {
      buffer = Buffer.concat([buffer, chunk]);
      for (;;) {
        if (stage === "greeting") {
          if (buffer.length < 2 || buffer.length < 2 + (buffer[1] as number)) return;
          const methods = [...buffer.subarray(2, 2 + (buffer[1] as number))];
          buffer = buffer.subarray(2 + (buffer[1] as number));
          const wanted = options.login ? 0x02 : 0x00;
          if (buffer.length === 0 && !methods.includes(wanted)) return void client.end(Buffer.from([0x05, 0xff]));
          client.write(Buffer.from([0x05, wanted]));
          stage = options.login ? "login" : "request";
        } else if (stage === "login") {
          if (buffer.length < 2) return;
          const ulen = buffer[1] as number;
          if (buffer.length < 3 + ulen) return;
          const plen = buffer[2 + ulen] as number;
          if (buffer.length < 3 + ulen + plen) return;
          const user = buffer.subarray(2, 2 + ulen).toString("utf8");
          const password = buffer.subarray(3 + ulen, 3 + ulen + plen).toString("utf8");
          buffer = buffer.subarray(3 + ulen + plen);
          const ok = user === options.login?.user && password === options.login?.password;
          if (!ok) {
            state.refusedLogins++;
            return void client.end(Buffer.from([0x01, 0x01]));
          }
          client.write(Buffer.from([0x01, 0x00]));
          stage = "request";
        } else if (stage === "request") {
          if (buffer.length < 5) return;
          const type = buffer[3] as number;
          const addrLength = type === 0x01 ? 4 : type === 0x04 ? 16 : type === 0x03 ? 1 + (buffer[4] as number) : -1;
          if (addrLength < 0) return void client.end(Buffer.from([0x05, 0x08, 0x00, 0x01, 0, 0, 0, 0, 0, 0]));
          if (buffer.length < 4 + addrLength + 2) return;
          const raw = buffer.subarray(4, 4 + addrLength);
          const host =
            type === 0x01 ? [...raw].join(".") : type === 0x03 ? raw.subarray(1).toString("utf8") : [...Array(8).keys()].map((i) => raw.readUInt16BE(i * 2).toString(16)).join(":");
          const port = buffer.readUInt16BE(4 + addrLength);
          const rest = buffer.subarray(4 + addrLength + 2);
          stage = "done";
          client.off("data", onData);
          const target = `${host.includes(":") ? `[${host}]` : host}:${port}`;
          const upstream = connect(port, options.hosts?.[host] ?? host, () => {
            state.tunnels.push(target);
            client.write(Buffer.from([0x05, 0x00, 0x00, 0x01, 127, 0, 0, 1, 0, 0]));
            if (rest.length) upstream.write(rest);
            client.pipe(upstream);
            upstream.pipe(client);
          });
          sockets.add(upstream);
          upstream.on("close", () => sockets.delete(upstream));
          upstream.on("error", () => client.end(Buffer.from([0x05, 0x05, 0x00, 0x01, 0, 0, 0, 0, 0, 0])));
          client.on("close", () => upstream.destroy());
          return;
        } else return;
      }
    };
    client.on("data", onData);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : 0;
  const auth = options.login ? `${encodeURIComponent(options.login.user)}:${encodeURIComponent(options.login.password)}@` : "";
  return {
    url: `socks5://${auth}127.0.0.1:${port}`,
    get tunnels() {
      return state.tunnels;
    },
    get refusedLogins() {
      return state.refusedLogins;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
