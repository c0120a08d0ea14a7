/**
 * Loopback servers that misbehave on purpose: an HTTPS server speaking h2 and HTTP/1.1 (or
 * HTTP/1.1 only, or plain HTTP) whose every answer a test scripts, counting connections and
 * recording what each request carried. Big bodies are written with backpressure, so the
 * server never holds more than one chunk, and stop as soon as the client goes away.
 */
import { createServer as createHttpServer, type IncomingMessage, type ServerResponse } from "node:http";
import { createServer as createHttpsServer } from "node:https";
import { createSecureServer, type Http2ServerRequest, type Http2ServerResponse } from "node:http2";
import type { AddressInfo, Socket } from "node:net";
import type { LoopbackPki } from "../support/loopback-pki.ts";

export type Request = IncomingMessage | Http2ServerRequest;
/** What node:http's and node:http2's compatibility responses share (and the tests use). */
export interface Response {
  writeHead(status: number, headers?: Record<string, string | number>): unknown;
  write(chunk: string | Uint8Array): boolean;
  end(chunk?: string | Uint8Array): unknown;
  on(event: "close" | "error", listener: () => void): unknown;
  once(event: "drain", listener: () => void): unknown;
  flushHeaders?(): void;
}
export type Handler = (req: Request, res: Response) => void;

export interface SeenRequest {
  method: string;
  path: string;
  authorization: string | undefined;
}

export interface HostileServer {
  url: string;
  port: number;
  /** Every request, in order. */
  requests: SeenRequest[];
  /** Connections accepted so far (TLS handshakes for https). */
  connections(): number;
  /** Answers every request; set by each test. */
  handle: Handler;
  close(): Promise<void>;
}

export type Protocol = "h2+http1" | "http1" | "plain";

/**
 * @example const server = await startHostileServer(pki); server.handle = (_req, res) => stall(res);
 */
export async function startHostileServer(pki: LoopbackPki, protocol: Protocol = "h2+http1", h2Settings: { maxConcurrentStreams?: number } = {}): Promise<HostileServer> {
  let connections = 0;
  const requests: SeenRequest[] = [];
  const sockets = new Set<Socket>();
  const state: { handle: Handler } = { handle: (_req, res) => void res.end("{}") };
  const listener = (req: Request, raw: ServerResponse | Http2ServerResponse): void => {
    requests.push({ method: req.method ?? "", path: req.url ?? "", authorization: req.headers.authorization });
    const res = raw as unknown as Response;
    res.on("error", () => {});
    state.handle(req, res);
  };
  const tls = { cert: pki.serverCert, key: pki.serverKey };
  const server =
    protocol === "plain"
      ? createHttpServer(listener)
      : protocol === "http1"
        ? createHttpsServer(tls, listener)
        : createSecureServer({ ...tls, allowHTTP1: true, settings: h2Settings }, listener as (req: Http2ServerRequest, res: Http2ServerResponse) => void);
  server.on(protocol === "plain" ? "connection" : "secureConnection", (socket: Socket) => {
    connections++;
    sockets.add(socket);
    socket.on("error", () => {});
    socket.on("close", () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `${protocol === "plain" ? "http" : "https"}://127.0.0.1:${port}`,
    port,
    requests,
    connections: () => connections,
    get handle() {
      return state.handle;
    },
    set handle(h: Handler) {
      state.handle = h;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
        setTimeout(resolve, 500).unref();
      }),
  };
}

/** Sends the headers at once (as kube-apiserver does for a watch), then nothing more. */
export function headersThenStall(res: Response, status = 200, headers: Record<string, string> = { "content-type": "application/json" }): void {
  res.writeHead(status, headers);
  res.flushHeaders?.();
}

/**
 * Writes `prefix`, then `filler` repeated until `total` bytes have gone out (Infinity: until
 * the client leaves), then `suffix`; waits for the client to drain each chunk.
 */
export function streamBody(res: Response, options: { prefix?: string | Buffer; filler: Buffer; total: number; suffix?: string; headers?: Record<string, string | number> }): void {
  res.writeHead(200, { "content-type": "application/json", ...options.headers });
  let sent = 0;
  let closed = false;
  res.on("close", () => (closed = true));
  if (options.prefix) sent += write(res, options.prefix);
  const pump = (): void => {
    while (!closed && sent < options.total) {
      const room = Math.min(options.filler.length, options.total - sent);
      const chunk = room === options.filler.length ? options.filler : options.filler.subarray(0, room);
      sent += chunk.length;
      if (!res.write(chunk)) {
        res.once("drain", pump);
        return;
      }
    }
    if (!closed) res.end(options.suffix ?? "");
  };
  pump();
}

/** Writes a buffer in pieces with backpressure, then ends (for the gzip bomb). */
export function sendBuffer(res: Response, body: Buffer, headers: Record<string, string>): void {
  res.writeHead(200, headers);
  let at = 0;
  let closed = false;
  res.on("close", () => (closed = true));
  const piece = 64 * 1024;
  const pump = (): void => {
    while (!closed && at < body.length) {
      const chunk = body.subarray(at, at + piece);
      at += chunk.length;
      if (!res.write(chunk)) {
        res.once("drain", pump);
        return;
      }
    }
    if (!closed) res.end();
  };
  pump();
}

function write(res: Response, data: string | Buffer): number {
  res.write(data);
  return typeof data === "string" ? Buffer.byteLength(data) : data.length;
}

/** Answers a JSON value with a status. */
export function json(res: Response, status: number, value: unknown): void {
  res.writeHead(status, { "content-type": "application/json" });
  res.end(JSON.stringify(value));
}
