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
    };

export interface SeenRequest {
  method: string;
  url: string;
  /** Index of this request, from 0. */
  n: number;
  at: number;
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
  /** Destroys every client connection now (a network blip). */
  resetAll(): void;
  close(): Promise<void>;
}

/** @example const proxy = await startFaultProxy({ upstream, ca, cert, key, plan: (r) => r.n === 0 ? { kind: "respond", status: 503 } : undefined }); */
export async function startFaultProxy(options: FaultProxyOptions): Promise<FaultProxy> {
  const requests: SeenRequest[] = [];
  const sockets = new Set<Socket>();
  const server: Server = createServer({ cert: options.cert, key: options.key }, (req, res) => {
    const seen: SeenRequest = { method: req.method ?? "GET", url: req.url ?? "/", n: requests.length, at: Date.now() };
    requests.push(seen);
    const action = options.plan?.(seen) ?? { kind: "forward" };
    if (action.kind === "respond") {
      res.writeHead(action.status, { "content-type": "application/json", ...action.headers });
      res.end(action.body ?? JSON.stringify({ kind: "Status", apiVersion: "v1", status: "Failure", code: action.status, reason: "InjectedFault", message: "injected by the test's fault proxy" }));
      return;
    }
    if (action.kind === "drop") {
      req.socket.destroy();
      return;
    }
    forward(options, req, res, action);
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
      for (const s of sockets) s.destroy();
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

function forward(
  options: FaultProxyOptions,
  req: IncomingMessage,
  res: ServerResponse,
  action: Extract<FaultAction, { kind: "forward" }>,
): void {
  const target = new URL(req.url ?? "/", options.upstream);
  const headers = { ...req.headers, host: target.host };
  const upstream = httpsRequest(target, { method: req.method, headers, ca: options.ca, agent: false }, (up) => {
    res.writeHead(up.statusCode ?? 502, up.headers);
    let sent = 0;
    let stalled = false;
    const queue: Buffer[] = [];
    const flush = () => {
      while (queue.length && !stalled) write(queue.shift()!);
    };
    const write = (chunk: Buffer) => {
      if (action.resetAfterBytes !== undefined && sent + chunk.length > action.resetAfterBytes) {
        res.write(chunk.subarray(0, Math.max(0, action.resetAfterBytes - sent)));
        sent = action.resetAfterBytes;
        up.destroy();
        res.socket?.destroy();
        return;
      }
      if (!stalled && action.stallAfterBytes !== undefined && sent + chunk.length > action.stallAfterBytes && action.stallMs) {
        const head = Math.max(0, action.stallAfterBytes - sent);
        res.write(chunk.subarray(0, head));
        sent += head;
        stalled = true;
        queue.unshift(chunk.subarray(head));
        const ms = action.stallMs;
        action.stallMs = 0;
        setTimeout(() => {
          stalled = false;
          flush();
        }, ms);
        return;
      }
      sent += chunk.length;
      res.write(chunk);
    };
    up.on("data", (chunk: Buffer) => {
      if (stalled || queue.length) queue.push(chunk);
      else write(chunk);
    });
    up.on("end", () => {
      const finish = () => (queue.length || stalled ? setTimeout(finish, 20) : res.end());
      finish();
    });
    up.on("error", () => res.socket?.destroy());
  });
  upstream.on("error", () => res.socket?.destroy());
  res.on("close", () => upstream.destroy());
  req.pipe(upstream);
}
