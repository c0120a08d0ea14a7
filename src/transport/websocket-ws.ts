/**
 * The WebSocket connector, on the `ws` API on both runtimes: on Node the `ws` package, on
 * Bun the `ws` module Bun builds in (its own native WebSocket client behind ws's
 * interface). Both take the pool's TLS material (CA, client certificate, tls-server-name,
 * insecure flag), send our headers, report a refused upgrade with its body (the API
 * server's Status), and can stop reading (pause) so a slow consumer holds the server back
 * instead of filling memory. Bun's global WebSocket cannot pause and reports a refused
 * upgrade by status code only; see docs/pod-io.md for the measurements behind this choice.
 * The module is imported lazily, on the first WebSocket.
 */
import type { ClientRequest, IncomingMessage } from "node:http";
import { connect as netConnect, isIP, type Socket } from "node:net";
import { connect as tlsConnect } from "node:tls";
import type { ClientOptions, WebSocket as WsSocket } from "ws";
import { TransportError } from "../base/errors.ts";
import { hostOf, nodeTlsOptions, portOf } from "./node-http1.ts";
import { openTunnel } from "./proxy-tunnel.ts";
import { RequestLifetime } from "./request-lifetime.ts";
import { TIMEOUT, toTransportError } from "./transport-errors.ts";
import type { TransportOptions } from "./types.ts";
import type { MessageSocket, SocketClose, WebSocketConnector, WebSocketRequest, WebSocketUpgrade } from "./websocket.ts";

type WsClass = new (url: string, protocols: string[], options: ClientOptions) => WsSocket;

let wsClass: Promise<WsClass> | undefined;

function loadWs(): Promise<WsClass> {
  wsClass ??= import("ws").then((m: Record<string, unknown>) => {
    const found = (m.WebSocket ?? (m.default as Record<string, unknown> | undefined)?.WebSocket ?? m.default) as WsClass | undefined;
    if (typeof found !== "function") throw new Error("the ws module has no WebSocket class");
    return found;
  });
  return wsClass;
}

/** Largest message accepted: the API server and kubelets send at most a few tens of KiB at once. */
const MAX_MESSAGE_BYTES = 16 << 20;
/** A refused upgrade's body beyond this is cut (it is a Status of a few hundred bytes). */
const MAX_REFUSAL_BYTES = 64 << 10;
/** send() resolves at once while less than this is queued. */
const SEND_HIGH_WATER = 1 << 20;
/** Like client-go's heartbeat: ping when quiet, give up when nothing came back for two rounds. */
const PING_INTERVAL_MS = 30_000;

/**
 * @example
 * const up = await connectWebSocket({ url: `${server}/api/v1/namespaces/ns/pods/web/exec?...`, headers: {}, protocols: ["v5.channel.k8s.io"] }, { tls: { rejectUnauthorized: true } });
 * if (up.accepted) up.socket.close();
 */
export const connectWebSocket: WebSocketConnector = async (request, options) => {
  const lifetime = new RequestLifetime({ signal: request.signal, timeoutMs: request.timeoutMs, stream: true });
  try {
    const WebSocket = await loadWs();
    const wsOptions = await clientOptions(request, options, lifetime.signal);
    return await handshake(WebSocket, request, wsOptions, lifetime);
  } catch (err) {
    lifetime.dispose();
    throw toTransportError(err, "GET", withoutQuery(request.url), lifetime.reason);
  }
};

/** Errors name the path only: an exec's query is its command line, which may hold secrets. */
function withoutQuery(url: string): string {
  const at = url.indexOf("?");
  return at < 0 ? url : url.slice(0, at);
}

async function clientOptions(request: WebSocketRequest, options: TransportOptions, signal: AbortSignal): Promise<ClientOptions> {
  const headers: Record<string, string | string[]> = { ...request.headers };
  for (const [name, values] of Object.entries(request.repeatedHeaders ?? {})) headers[name] = [...values];
  // nodeTlsOptions sets no checkServerIdentity, which ws types differently from node:tls.
  const { checkServerIdentity: _none, ...tls } = nodeTlsOptions(options);
  const base: ClientOptions = {
    headers: headers as Record<string, string>,
    perMessageDeflate: false,
    followRedirects: false,
    maxPayload: MAX_MESSAGE_BYTES,
    ...tls,
  };
  // Bun's ws joins a repeated header into one comma-separated line (one group "a, b" to the
  // API server) unless it dials through createConnection, where node:http writes each line.
  const separateLines = Object.values(request.repeatedHeaders ?? {}).some((values) => values.length > 1);
  if (options.proxyUrl === undefined && !separateLines) return base;
  const target = new URL(request.url);
  const host = hostOf(target);
  const port = portOf(target);
  const secure = target.protocol === "https:";
  // proxy-url: TLS to the API server runs end to end inside the proxy's CONNECT tunnel.
  const tunnel = options.proxyUrl === undefined ? undefined : await openTunnel(options.proxyUrl, { host, port }, signal, options.tls);
  tunnel?.resume();
  const servername = tls.servername ?? (isIP(host) === 0 ? host : undefined);
  const createConnection = (): Socket =>
    secure
      ? tlsConnect({ ...tls, ...(tunnel ? { socket: tunnel } : { host, port }), ...(servername !== undefined && { servername }), ALPNProtocols: ["http/1.1"] })
      : (tunnel ?? netConnect({ host, port }));
  return { ...base, createConnection: createConnection as ClientOptions["createConnection"] };
}

function handshake(WebSocket: WsClass, request: WebSocketRequest, options: ClientOptions, lifetime: RequestLifetime): Promise<WebSocketUpgrade> {
  const url = request.url.replace(/^http/, "ws");
  return new Promise<WebSocketUpgrade>((resolve, reject) => {
    const ws = new WebSocket(url, [...request.protocols], options);
    let settled = false;
    const settle = (outcome: () => void): void => {
      if (settled) return;
      settled = true;
      lifetime.signal.removeEventListener("abort", onAbort);
      outcome();
    };
    const onAbort = (): void => {
      settle(() => reject(new TransportError("aborted", {}, { cause: lifetime.signal.reason })));
      ws.terminate();
    };
    lifetime.signal.addEventListener("abort", onAbort, { once: true });
    ws.on("unexpected-response", (req: ClientRequest, res: IncomingMessage) => {
      const chunks: Buffer[] = [];
      let size = 0;
      const finish = (): void => {
        const headers: Record<string, string> = {};
        for (const [name, value] of Object.entries(res.headers)) if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(", ") : value;
        const body = Buffer.concat(chunks).toString("utf8");
        settle(() => {
          lifetime.dispose();
          resolve({ accepted: false, status: res.statusCode ?? 0, headers, body });
        });
        req.destroy();
        res.destroy();
      };
      res.on("data", (chunk: Buffer) => {
        if (size >= MAX_REFUSAL_BYTES) return;
        chunks.push(chunk.subarray(0, MAX_REFUSAL_BYTES - size));
        size += chunk.length;
        if (size >= MAX_REFUSAL_BYTES) finish();
      });
      res.on("end", finish);
      res.on("error", finish);
    });
    ws.once("open", () => {
      settle(() => {
        lifetime.headersReceived();
        resolve({ accepted: true, socket: new WsMessageSocket(ws, withoutQuery(request.url), lifetime) });
      });
    });
    ws.on("error", (err: Error) => settle(() => reject(err)));
    ws.once("close", (code: number) =>
      settle(() => reject(new TransportError(`the connection closed during the WebSocket handshake (code ${code})`, {}, { code: "ECONNRESET" }))),
    );
  });
}

class WsMessageSocket implements MessageSocket {
  readonly protocol: string;
  readonly closed: Promise<SocketClose>;
  readonly #ws: WsSocket;
  readonly #url: string;
  #queued: Uint8Array[] | undefined = [];
  #handler: ((data: Uint8Array) => void) | undefined;
  #error: TransportError | undefined;
  #open = true;
  #paused = false;
  #lastHeard = Date.now();

  constructor(ws: WsSocket, url: string, lifetime: RequestLifetime) {
    this.#ws = ws;
    this.#url = url;
    this.protocol = ws.protocol;
    ws.on("message", (data: Buffer | ArrayBuffer | Buffer[]) => {
      this.#lastHeard = Date.now();
      const bytes = Array.isArray(data) ? Buffer.concat(data) : data instanceof ArrayBuffer ? new Uint8Array(data) : data;
      if (this.#handler) this.#handler(bytes);
      else this.#queued?.push(bytes);
    });
    ws.on("pong", () => (this.#lastHeard = Date.now()));
    ws.on("error", (err: Error) => {
      this.#error ??= toTransportError(err, "GET", url, lifetime.reason);
    });
    const heartbeat = setInterval(() => this.#heartbeat(), PING_INTERVAL_MS);
    heartbeat.unref?.();
    // The caller's signal still governs the socket: aborting drops it.
    const onAbort = (): void => {
      this.#error ??= toTransportError(new Error("aborted"), "GET", url, lifetime.reason ?? "abort");
      ws.terminate();
    };
    lifetime.signal.addEventListener("abort", onAbort, { once: true });
    this.closed = new Promise<SocketClose>((resolve) => {
      ws.once("close", (code: number, reason: Buffer) => {
        this.#open = false;
        clearInterval(heartbeat);
        lifetime.signal.removeEventListener("abort", onAbort);
        lifetime.dispose();
        resolve({ code, reason: reason.toString("utf8"), ...(this.#error && { error: this.#error }) });
      });
    });
  }

  send(data: Uint8Array): Promise<void> {
    if (!this.#open || this.#ws.readyState !== 1) {
      return Promise.reject(this.#error ?? new TransportError("the WebSocket is closed", { method: "GET", path: pathOf(this.#url) }));
    }
    return new Promise<void>((resolve, reject) => {
      this.#ws.send(data, { binary: true }, (err?: Error) => {
        if (err) reject(toTransportError(err, "GET", this.#url));
        else resolve();
      });
      if (this.#ws.bufferedAmount < SEND_HIGH_WATER) resolve();
    });
  }

  onMessage(handler: (data: Uint8Array) => void): void {
    this.#handler = handler;
    const queued = this.#queued ?? [];
    this.#queued = undefined;
    for (const data of queued) handler(data);
  }

  pause(): void {
    if (this.#paused || !this.#open) return;
    this.#paused = true;
    this.#ws.pause();
  }

  resume(): void {
    if (!this.#paused || !this.#open) return;
    this.#paused = false;
    this.#lastHeard = Date.now();
    this.#ws.resume();
  }

  close(code = 1000, reason = ""): void {
    if (this.#ws.readyState === 0 || this.#ws.readyState === 1) this.#ws.close(code, reason);
  }

  terminate(): void {
    this.#ws.terminate();
  }

  #heartbeat(): void {
    if (!this.#open || this.#paused) return;
    if (Date.now() - this.#lastHeard > 2 * PING_INTERVAL_MS) {
      this.#error ??= new TransportError(`no answer from the server for ${(2 * PING_INTERVAL_MS) / 1000} s`, { method: "GET", path: pathOf(this.#url) }, { code: TIMEOUT });
      this.#ws.terminate();
      return;
    }
    this.#ws.ping();
  }
}

function pathOf(url: string): string {
  try {
    return new URL(url).pathname;
  } catch {
    return "(invalid URL)";
  }
}
