/**
 * Loopback servers for the transport tests: an HTTPS server speaking h2 and HTTP/1.1 (or HTTP/1.1 only) that
 * asks for a client certificate (like kube-apiserver), and a CONNECT proxy. Both listen on
 * 127.0.0.1 only and count what they saw, so tests can assert on connection reuse.
 */
import { createSecureServer, type Http2ServerRequest, type Http2ServerResponse } from "node:http2";
import { createServer as createHttpServer, type IncomingMessage, type ServerResponse } from "node:http";
import { createServer as createHttpsServer } from "node:https";
import { connect as netConnect, type AddressInfo, type Socket } from "node:net";
import type { TLSSocket } from "node:tls";
import { gzipSync } from "node:zlib";
import type { LoopbackPki } from "../../support/loopback-pki.ts";

export interface SeenRequest {
  method: string;
  path: string;
  httpVersion: string;
  /** Client certificate CN, or "none". */
  cn: string;
  /** Which TLS connection carried it (1, 2, ...). */
  connection: number;
  rawHeaders: string[];
  body: string;
}

export interface LoopbackServer {
  url: string;
  port: number;
  requests: SeenRequest[];
  /** Streams (GET /stream) the client went away from. */
  closedStreams: number;
  connections(): number;
  /** Connections open now. */
  openConnections(): number;
  /** The most connections open at once since the last call (then starts counting again from those open now). */
  takePeakConnections(): number;
  /** Destroys every client connection (what a restarting API server does to its clients). */
  dropConnections(): void;
  close(): Promise<void>;
}

/**
 * Routes: /whoami (JSON of what the server saw), /gzip (compressed JSON when asked),
 * /big?kb=N (N KiB of "x"), /slow?ms=N (headers after N ms), /stream (a line every 20 ms until the client leaves),
 * /status/N (answers N), POST /echo (the body back), /gzip-stream?lines=N (N lines 50 ms apart; when gzip is
 * accepted, each line a gzip member of its own, as kube-apiserver compresses a watch).
 */
export async function startLoopbackServer(pki: LoopbackPki, cert: "server" | "alias" = "server", http1Only = false): Promise<LoopbackServer> {
  let connections = 0;
  // A property, not a WeakMap: HTTP/2 hands out a Proxy of the socket as session.socket.
  const ID = Symbol("connection id");
  const state = { requests: [] as SeenRequest[], closedStreams: 0 };
  const tls = {
    cert: cert === "server" ? pki.serverCert : pki.aliasCert,
    key: cert === "server" ? pki.serverKey : pki.aliasKey,
    ca: pki.ca,
    requestCert: true,
    rejectUnauthorized: false,
  };
  const onRequest = (req: Http2ServerRequest, res: Http2ServerResponse): void => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => handle(req, res, Buffer.concat(chunks).toString("utf8")));
  };
  // HTTP/1.1 only (ALPN offers no h2): every request in flight needs a connection of its own.
  const server = http1Only
    ? createHttpsServer(tls, onRequest as unknown as (req: IncomingMessage, res: ServerResponse) => void)
    : createSecureServer({ allowHTTP1: true, ...tls }, onRequest);
  const sockets = new Set<TLSSocket>();
  let peak = 0;
  server.on("secureConnection", (socket: TLSSocket) => {
    (socket as TLSSocket & { [ID]?: number })[ID] = ++connections;
    sockets.add(socket);
    peak = Math.max(peak, sockets.size);
    socket.on("close", () => sockets.delete(socket));
  });

  function handle(req: Http2ServerRequest, res: Http2ServerResponse, body: string): void {
    const socket = (req.stream?.session?.socket ?? req.socket) as TLSSocket;
    const peer = socket.getPeerCertificate?.();
    const seen: SeenRequest = {
      method: req.method,
      path: req.url,
      httpVersion: req.httpVersion,
      cn: peer && "subject" in peer && peer.subject ? String(peer.subject.CN) : "none",
      connection: (socket as TLSSocket & { [ID]?: number })[ID] ?? 0,
      rawHeaders: req.rawHeaders,
      body,
    };
    state.requests.push(seen);
    const url = new URL(req.url, "https://x");
    res.setHeader("content-type", "application/json");
    switch (url.pathname) {
      case "/whoami":
      case "/echo":
        return void res.end(JSON.stringify(seen));
      case "/gzip": {
        const json = JSON.stringify({ items: Array.from({ length: 200 }, (_, i) => ({ i, pad: "x".repeat(50) })) });
        if (/gzip/.test(String(req.headers["accept-encoding"] ?? ""))) {
          res.setHeader("content-encoding", "gzip");
          return void res.end(gzipSync(json));
        }
        return void res.end(json);
      }
      case "/big": {
        const kb = Number(url.searchParams.get("kb") ?? 1024);
        return void res.end(Buffer.alloc(kb * 1024, "x"));
      }
      case "/slow":
        setTimeout(() => res.end("{}"), Number(url.searchParams.get("ms") ?? 1_000));
        return;
      case "/stream": {
        res.writeHead(200);
        // Headers go out at once, as kube-apiserver does for a watch.
        // (HTTP/2 sends them in writeHead; HTTP/1.1 waits for the first write unless flushed.)
        (res as unknown as { flushHeaders?: () => void }).flushHeaders?.();
        let n = 0;
        const timer = setInterval(() => res.write(`{"n":${++n}}\n`), 20);
        res.on("close", () => {
          clearInterval(timer);
          state.closedStreams++;
        });
        return;
      }
      case "/gzip-stream": {
        const lines = Number(url.searchParams.get("lines") ?? 5);
        const gzip = /gzip/.test(String(req.headers["accept-encoding"] ?? ""));
        if (gzip) res.setHeader("content-encoding", "gzip");
        res.writeHead(200);
        let n = 0;
        const timer = setInterval(() => {
          const line = `{"n":${++n}}\n`;
          // Each event a whole gzip member of its own, as kube-apiserver compresses a watch.
          res.write(gzip ? gzipSync(line) : line);
          if (n < lines) return;
          clearInterval(timer);
          res.end();
        }, 50);
        res.on("close", () => clearInterval(timer));
        return;
      }
      default: {
        const m = /^\/status\/(\d{3})$/.exec(url.pathname);
        res.statusCode = m ? Number(m[1]) : 404;
        return void res.end(JSON.stringify({ kind: "Status", code: res.statusCode }));
      }
    }
  }

  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `https://127.0.0.1:${port}`,
    port,
    get requests() {
      return state.requests;
    },
    get closedStreams() {
      return state.closedStreams;
    },
    connections: () => connections,
    openConnections: () => sockets.size,
    takePeakConnections: () => {
      const seen = peak;
      peak = sockets.size;
      return seen;
    },
    dropConnections: () => {
      for (const s of sockets) s.destroy();
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        // Sessions and sockets kept alive by clients must not hold the server open.
        (server as unknown as { closeAllConnections?: () => void }).closeAllConnections?.();
        setTimeout(resolve, 200).unref();
      }),
  };
}

export interface ConnectProxy {
  url: string;
  /** CONNECT targets asked for, e.g. "127.0.0.1:43121". */
  connects: string[];
  /** Proxy-Authorization values received. */
  authorizations: (string | undefined)[];
  close(): Promise<void>;
}

/** A plain-HTTP CONNECT proxy; answers 403 for targets other than 127.0.0.1. */
export async function startConnectProxy(): Promise<ConnectProxy> {
  const connects: string[] = [];
  const authorizations: (string | undefined)[] = [];
  const sockets = new Set<Socket>();
  const server = createHttpServer((_req, res) => {
    res.statusCode = 405;
    res.end();
  });
  server.on("connect", (req: IncomingMessage, client: Socket, head: Buffer) => {
    connects.push(req.url ?? "");
    authorizations.push(req.headers["proxy-authorization"]);
    sockets.add(client);
    client.on("error", () => {});
    const [host, port] = (req.url ?? "").split(":");
    if (host !== "127.0.0.1") {
      client.end("HTTP/1.1 403 Forbidden\r\n\r\n");
      return;
    }
    const upstream = netConnect({ host, port: Number(port) }, () => {
      client.write("HTTP/1.1 200 Connection Established\r\n\r\n");
      if (head.length) upstream.write(head);
      upstream.pipe(client);
      client.pipe(upstream);
    });
    sockets.add(upstream);
    upstream.on("error", () => client.destroy());
    client.on("close", () => upstream.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    connects,
    authorizations,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
