/**
 * A loopback TLS-terminating reverse proxy in front of the real kube-apiserver, for fault
 * tests. It serves with the local PKI's apiserver certificate (so clients keep verifying
 * the cluster CA), forwards each request upstream over TLS, and lets a test decide per
 * request to answer itself (429 with Retry-After, 503), drop the connection, or forward
 * and then stall, reset or cut the response body part-way (mid-line for watch streams).
 *
 * Client certificates cannot cross a TLS-terminating proxy, so clients authenticate with a
 * bearer token, which is forwarded as-is.
 */
import { createServer, request as httpsRequest, type Server } from "node:https";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { Socket } from "node:net";

export type FaultAction =
  | { kind: "respond"; status: number; headers?: Record<string, string>; body?: string }
  | { kind: "drop" }
  | {
      kind: "forward";
      /** After this many body bytes: destroy the client socket without ending the response. */
      resetAfterBytes?: number;
      /** After this many body bytes: stop forwarding for stallMs (the upstream keeps flowing into a buffer). */
      stallAfterBytes?: number;
      stallMs?: number;
      /**
       * After this many complete lines: send about half of the next line, then cut the
       * response there. A watch stream then ends (or breaks) inside a JSON object.
       */
      cutAfterLines?: number;
      /** "reset" (default): destroy the socket. "end": finish the response cleanly, so the client sees a partial last line. */
      cutMode?: "reset" | "end";
    };

/** What the proxy actually did to a request (a planned fault that the response never reached is absent). */
export type FaultDone = "responded" | "dropped" | "reset" | "stalled" | "cut-reset" | "cut-end";

export interface SeenRequest {
  method: string;
  url: string;
  /** Index of this request, from 0. */
  n: number;
  at: number;
  /** Request headers as the client sent them (lower-case names). */
  requestHeaders?: Record<string, string | string[] | undefined>;
  /** Headers of the upstream response, as forwarded (set for forwarded requests). */
  responseHeaders?: Record<string, string | string[] | undefined>;
  /** Set once the planned fault has happened. */
  fault?: FaultDone;
}

export interface FaultProxyOptions {
  /** https://127.0.0.1:PORT of the real API server. */
  upstream: string;
  /** PEM CA to verify the upstream with. */
  ca: string;
  /** PEM serving certificate and key the proxy presents. */
  cert: string;
  key: string;
  /** Decides what to do with each request; undefined: forward untouched. */
  plan?: (req: SeenRequest) => FaultAction | undefined;
}

export interface FaultProxy {
  url: string;
  requests: SeenRequest[];
  /** Sockets currently open to clients. */
  openSockets(): number;
  /** Destroys every client connection now (a network blip). Returns how many it destroyed. */
  resetAll(): number;
  /** Requests whose fault happened, by kind. */
  faults(): Partial<Record<FaultDone, number>>;
  close(): Promise<void>;
}

/** @example const proxy = await startFaultProxy({ upstream, ca, cert, key, plan: (r) => r.n === 0 ? { kind: "respond", status: 503 } : undefined }); */
export async function startFaultProxy(options: FaultProxyOptions): Promise<FaultProxy> {
  const requests: SeenRequest[] = [];
  const sockets = new Set<Socket>();
  const server: Server = createServer({ cert: options.cert, key: options.key }, (req, res) => {
    const seen: SeenRequest = { method: req.method ?? "GET", url: req.url ?? "/", n: requests.length, at: Date.now(), requestHeaders: req.headers };
    requests.push(seen);
    const action = options.plan?.(seen) ?? { kind: "forward" };
    if (action.kind === "respond") {
      seen.fault = "responded";
      res.writeHead(action.status, { "content-type": "application/json", ...action.headers });
      res.end(action.body ?? JSON.stringify({ kind: "Status", apiVersion: "v1", status: "Failure", code: action.status, reason: "InjectedFault", message: "injected by the test's fault proxy" }));
      return;
    }
    if (action.kind === "drop") {
      seen.fault = "dropped";
      req.socket.destroy();
      return;
    }
    forward(options, req, res, action, seen);
  });
  server.on("connection", (socket: Socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });
  server.on("tlsClientError", () => {});
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : 0;
  return {
    url: `https://127.0.0.1:${port}`,
    requests,
    openSockets: () => sockets.size,
    resetAll: () => {
      const n = sockets.size;
      for (const s of sockets) s.destroy();
      return n;
    },
    faults: () => {
      const counts: Partial<Record<FaultDone, number>> = {};
      for (const r of requests) if (r.fault) counts[r.fault] = (counts[r.fault] ?? 0) + 1;
      return counts;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

type ForwardAction = Extract<FaultAction, { kind: "forward" }>;

function forward(options: FaultProxyOptions, req: IncomingMessage, res: ServerResponse, action: ForwardAction, seen: SeenRequest): void {
  const target = new URL(req.url ?? "/", options.upstream);
  const headers = { ...req.headers, host: target.host };
  const upstream = httpsRequest(target, { method: req.method, headers, ca: options.ca, agent: false }, (up) => {
    seen.responseHeaders = up.headers;
    res.writeHead(up.statusCode ?? 502, up.headers);
    const body = new BodyGate(action, seen, {
      write: (chunk) => {
        if (!res.destroyed && !res.writableEnded) res.write(chunk);
      },
      reset: () => {
        up.destroy();
        res.socket?.destroy();
      },
      end: () => {
        up.destroy();
        if (!res.writableEnded) res.end();
      },
    });
    up.on("data", (chunk: Buffer) => body.push(chunk));
    up.on("end", () => body.finish(() => res.end()));
    up.on("error", () => res.socket?.destroy());
  });
  upstream.on("error", () => res.socket?.destroy());
  res.on("close", () => upstream.destroy());
  req.pipe(upstream);
}

interface BodySink {
  write(chunk: Buffer): void;
  /** Break the connection (the client sees a reset). */
  reset(): void;
  /** Finish the response early but cleanly. */
  end(): void;
}

const NEWLINE = 0x0a;

/**
 * Passes response body chunks to the client and applies the action's faults at exact byte
 * or line positions. Chunks that arrive during a stall queue up and flush in order after it.
 */
class BodyGate {
  private sent = 0;
  private lines = 0;
  private stalled = false;
  private closed = false;
  private readonly queue: Buffer[] = [];
  private readonly action: ForwardAction;
  private readonly seen: SeenRequest;
  private readonly sink: BodySink;

  constructor(action: ForwardAction, seen: SeenRequest, sink: BodySink) {
    this.action = action;
    this.seen = seen;
    this.sink = sink;
  }

  push(chunk: Buffer): void {
    if (this.closed) return;
    if (this.stalled || this.queue.length > 0) this.queue.push(chunk);
    else this.pass(chunk);
  }

  /** Upstream ended: end the response once anything queued has been written. */
  finish(end: () => void): void {
    const attempt = (): void => {
      if (this.closed) return;
      if (this.stalled || this.queue.length > 0) setTimeout(attempt, 20);
      else end();
    };
    attempt();
  }

  private pass(chunk: Buffer): void {
    const { resetAfterBytes, stallAfterBytes, stallMs, cutAfterLines } = this.action;
    if (resetAfterBytes !== undefined && this.sent + chunk.length > resetAfterBytes) {
      this.emit(chunk.subarray(0, Math.max(0, resetAfterBytes - this.sent)));
      return this.close("reset", () => this.sink.reset());
    }
    if (stallAfterBytes !== undefined && stallMs && this.seen.fault === undefined && this.sent + chunk.length > stallAfterBytes) {
      const head = Math.max(0, stallAfterBytes - this.sent);
      this.emit(chunk.subarray(0, head));
      this.queue.unshift(chunk.subarray(head));
      this.stalled = true;
      this.seen.fault = "stalled";
      setTimeout(() => {
        this.stalled = false;
        while (this.queue.length > 0 && !this.stalled && !this.closed) this.pass(this.queue.shift()!);
      }, stallMs);
      return;
    }
    if (cutAfterLines !== undefined) {
      const cut = this.midLineCut(chunk, cutAfterLines);
      if (cut !== undefined) {
        this.emit(chunk.subarray(0, cut));
        const mode = this.action.cutMode ?? "reset";
        return this.close(mode === "end" ? "cut-end" : "cut-reset", () => (mode === "end" ? this.sink.end() : this.sink.reset()));
      }
    }
    this.emit(chunk);
  }

  /**
   * Where to cut this chunk so that line number `after` (0-based) is sent only in part:
   * at least one byte of it goes out and its newline does not. Undefined: not in this chunk.
   */
  private midLineCut(chunk: Buffer, after: number): number | undefined {
    let start = 0;
    for (let seen = this.lines; seen < after; seen++) {
      const newline = chunk.indexOf(NEWLINE, start);
      if (newline === -1) return undefined;
      start = newline + 1;
    }
    if (start >= chunk.length) return undefined;
    const newline = chunk.indexOf(NEWLINE, start);
    const end = newline === -1 ? chunk.length : newline;
    // A line already begun in an earlier chunk is cut at this chunk's start plus a little.
    if (end - start < 2) return start === 0 && this.lines >= after && end > 0 ? 1 : undefined;
    return start + Math.floor((end - start) / 2);
  }

  private emit(chunk: Buffer): void {
    if (chunk.length === 0) return;
    this.sent += chunk.length;
    for (let i = chunk.indexOf(NEWLINE); i !== -1; i = chunk.indexOf(NEWLINE, i + 1)) this.lines++;
    this.sink.write(chunk);
  }

  private close(fault: FaultDone, act: () => void): void {
    this.closed = true;
    this.queue.length = 0;
    this.seen.fault = fault;
    act();
  }
}
