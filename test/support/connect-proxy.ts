/**
 * A loopback HTTP CONNECT proxy for proxy-url tests. Written on raw sockets (not
 * node:http's 'connect' event) so that it behaves the same under Node and Bun.
 * It records every tunnel it opened, so a test can prove traffic went through it.
 */
import { connect, createServer, type Server, type Socket } from "node:net";

export interface ConnectProxy {
  url: string;
  /** "host:port" of every tunnel opened, in order. */
  tunnels: string[];
  close(): Promise<void>;
}

/**
 * `hosts` maps host names to the addresses the proxy dials, as a proxy with its own DNS would.
 * @example const proxy = await startConnectProxy(); ...; await proxy.close();
 */
export async function startConnectProxy(hosts: Record<string, string> = {}): Promise<ConnectProxy> {
  const tunnels: string[] = [];
  const sockets = new Set<Socket>();
  const server: Server = createServer((client) => {
    sockets.add(client);
    client.on("close", () => sockets.delete(client));
    client.on("error", () => client.destroy());
    let head = Buffer.alloc(0);
    const onData = (chunk: Buffer) => {
      head = Buffer.concat([head, chunk]);
      const end = head.indexOf("\r\n\r\n");
      if (end < 0) return;
      client.off("data", onData);
      const [method, target] = head.subarray(0, end).toString("latin1").split(" ");
      const rest = head.subarray(end + 4);
      if (method !== "CONNECT" || !target) {
        client.end("HTTP/1.1 405 Method Not Allowed\r\nContent-Length: 0\r\n\r\n");
        return;
      }
      const colon = target.lastIndexOf(":");
      const host = target.slice(0, colon).replace(/^\[|\]$/g, "");
      const port = Number(target.slice(colon + 1));
      const upstream = connect(port, hosts[host] ?? host, () => {
        tunnels.push(target);
        client.write("HTTP/1.1 200 Connection Established\r\n\r\n");
        if (rest.length) upstream.write(rest);
        client.pipe(upstream);
        upstream.pipe(client);
      });
      sockets.add(upstream);
      upstream.on("close", () => sockets.delete(upstream));
      upstream.on("error", () => client.destroy());
      client.on("close", () => upstream.destroy());
    };
    client.on("data", onData);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}`,
    tunnels,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
