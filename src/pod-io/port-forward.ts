/**
 * Port-forward: `openPortForward()` gives one connection to a pod port as a pair of web
 * streams (no local socket); `listenPortForward()` listens on local ports and forwards each
 * accepted connection over its own WebSocket, as `kubectl port-forward` does.
 */
import { createServer, type Server, type Socket } from "node:net";
import { ValidationError, type TransportError } from "../base/errors.ts";
import { siteOf } from "../connection/error-site.ts";
import { checkPort, portForwardRequest } from "../request/connect-requests.ts";
import { PORT_FORWARD_PROTOCOLS } from "./channel-protocol.ts";
import type { PortForwardError } from "./errors.ts";
import { ForwardedConnection } from "./port-forward-channel.ts";
import { openSocket, type PodTarget, type Serves } from "./target.ts";

/** Options of a port-forward session: cancellation and the handshake's deadline. */
export interface PortForwardOptions {
  /** Aborting ends the forwarded connection (for a listener: every connection and the listener). */
  signal?: AbortSignal | undefined;
  /** Time allowed for each WebSocket handshake in ms (default: the connection's request timeout). */
  timeoutMs?: number | undefined;
}

/** One TCP connection to a pod port, as web streams. */
export interface PortForwardStream {
  readonly port: number;
  /** What the pod sends; errors with PortForwardError when the kubelet reports one. */
  readonly readable: ReadableStream<Uint8Array>;
  /** What is sent to the pod. Closing it does not close the connection (the protocol has no half-close); call `close()`. */
  readonly writable: WritableStream<Uint8Array>;
  /** Resolves when the connection ended cleanly; rejects with PortForwardError (the kubelet's message) or TransportError. */
  readonly closed: Promise<void>;
  /** Ends this forwarded connection (both directions); `closed` settles afterwards. */
  close(): void;
}

const STREAM_HIGH_WATER = 1 << 20;

async function connectPort(pods: PodTarget<string>, name: string, port: number, options: PortForwardOptions): Promise<ForwardedConnection> {
  const request = portForwardRequest(pods.resource, pods.namespace, name, [port]);
  const socket = await openSocket(pods, request, PORT_FORWARD_PROTOCOLS, options);
  return new ForwardedConnection(socket, port, siteOf(pods.connection, request));
}

/**
 * Opens one connection to a port of a pod.
 *
 * @example
 * const conn = await openPortForward(pods, "redis-0", 6379);
 * const writer = conn.writable.getWriter();
 * await writer.write(new TextEncoder().encode("PING\r\n"));
 * const { value } = await conn.readable.getReader().read();
 * conn.close();
 */
export async function openPortForward<S extends string>(
  pods: PodTarget<S> & Serves<S, "portforward">,
  name: string,
  port: number,
  options: PortForwardOptions = {},
): Promise<PortForwardStream> {
  const fwd = await connectPort(pods, name, port, options);
  let controller: ReadableStreamDefaultController<Uint8Array> | undefined;
  let cancelled = false;
  const readable = new ReadableStream<Uint8Array>(
    {
      start: (c) => void (controller = c),
      pull: () => fwd.resume(),
      cancel: () => {
        cancelled = true;
        fwd.resume();
      },
    },
    { highWaterMark: STREAM_HIGH_WATER, size: (chunk) => chunk.byteLength },
  );
  fwd.onData((chunk) => {
    if (cancelled || !controller) return;
    controller.enqueue(chunk);
    if ((controller.desiredSize ?? 1) <= 0) fwd.pause();
  });
  const closed = fwd.ended.then((failure) => {
    if (!cancelled) {
      if (failure) controller?.error(failure);
      else controller?.close();
    }
    if (failure) throw failure;
  });
  closed.catch(() => undefined);
  const writable = new WritableStream<Uint8Array>({ write: (chunk) => fwd.write(chunk) });
  return { port, readable, writable, closed, close: () => fwd.close() };
}

/** A pod port and the local port that forwards to it (0: any free port). */
export interface PortMapping {
  remote: number;
  local?: number | undefined;
}

/** Options of a local port-forward listener: the pod ports to serve and the local ports to listen on. */
export interface ListenOptions extends PortForwardOptions {
  /** Local address to listen on; default "127.0.0.1". */
  address?: string | undefined;
  /** Told about each connection that failed (the kubelet's error, a refused upgrade); the listener keeps going. */
  onError?: ((error: PortForwardError | TransportError | Error, port: { local: number; remote: number }) => void) | undefined;
}

/** A local listener that forwards each accepted connection to the pod; close() stops it and ends its connections. */
export interface PortForwardListener {
  readonly address: string;
  /** The ports in the order given, with the local port each got. */
  readonly ports: readonly { local: number; remote: number }[];
  /** Forwarded connections open right now. */
  readonly connections: number;
  /** Stops listening and ends every forwarded connection. */
  close(): Promise<void>;
}

/**
 * Listens on local ports and forwards every connection to the pod's port, each over its
 * own WebSocket, any number at once.
 *
 * @example
 * const fwd = await listenPortForward(pods, "web-0", [{ remote: 8080, local: 0 }]);
 * console.log(`http://127.0.0.1:${fwd.ports[0]!.local}/`);
 * await fwd.close();
 */
export async function listenPortForward<S extends string>(
  pods: PodTarget<S> & Serves<S, "portforward">,
  name: string,
  ports: readonly (number | PortMapping)[],
  options: ListenOptions = {},
): Promise<PortForwardListener> {
  const mappings = ports.map((p) => (typeof p === "number" ? { remote: p, local: 0 } : { remote: p.remote, local: p.local ?? 0 }));
  if (mappings.length === 0) throw new ValidationError("listenPortForward: give at least one port");
  for (const m of mappings) {
    checkPort("listenPortForward", m.remote);
    if (m.local !== 0) checkPort("listenPortForward", m.local);
  }
  // Fail on a bad pod name or a kind without portforward before listening.
  portForwardRequest(pods.resource, pods.namespace, name, mappings.map((m) => m.remote));
  const address = options.address ?? "127.0.0.1";
  const open = new Set<Socket>();
  const forwards = new Set<ForwardedConnection>();
  const servers: Server[] = [];
  const bound: { local: number; remote: number }[] = [];
  let closing: Promise<void> | undefined;

  const serve = (local: Socket, mapping: { local: number; remote: number }): void => {
    open.add(local);
    let fwd: ForwardedConnection | undefined;
    local.on("error", () => local.destroy());
    local.on("close", () => {
      open.delete(local);
      fwd?.close();
    });
    connectPort(pods, name, mapping.remote, { ...options, signal: options.signal }).then(
      (f) => {
        fwd = f;
        forwards.add(f);
        if (local.destroyed) f.close();
        let draining = false;
        f.onData((chunk) => {
          if (!local.write(chunk) && !draining) {
            draining = true;
            f.pause();
            local.once("drain", () => {
              draining = false;
              f.resume();
            });
          }
        });
        local.on("data", (chunk: Buffer) => {
          local.pause();
          f.write(chunk).then(
            () => local.resume(),
            () => local.destroy(),
          );
        });
        local.resume();
        void f.ended.then((failure) => {
          forwards.delete(f);
          if (failure) {
            options.onError?.(failure, mapping);
            local.destroy();
          } else {
            local.end();
          }
        });
      },
      (error: unknown) => {
        options.onError?.(error as Error, mapping);
        local.destroy();
      },
    );
  };

  try {
    for (const m of mappings) {
      // No half-open sockets: the protocol cannot pass a half-close on, so a client's end is the connection's end.
      const server = createServer({ allowHalfOpen: false, pauseOnConnect: true });
      servers.push(server);
      await new Promise<void>((resolve, reject) => {
        server.once("error", reject);
        server.listen(m.local, address, () => {
          server.off("error", reject);
          resolve();
        });
      });
      const actual = (server.address() as { port: number }).port;
      const mapping = { local: actual, remote: m.remote };
      bound.push(mapping);
      server.on("connection", (socket: Socket) => serve(socket, mapping));
    }
  } catch (error) {
    for (const s of servers) s.close();
    throw error;
  }

  const close = (): Promise<void> => {
    closing ??= (async () => {
      options.signal?.removeEventListener("abort", onAbort);
      const stopped = servers.map((s) => new Promise<void>((resolve) => s.close(() => resolve())));
      const socketsClosed = [...open].map((s) => new Promise<void>((resolve) => (s.closed ? resolve() : s.once("close", () => resolve()))));
      for (const f of forwards) f.close();
      for (const s of open) s.destroy();
      await Promise.all([...stopped, ...socketsClosed, ...[...forwards].map((f) => f.ended)]);
    })();
    return closing;
  };
  const onAbort = (): void => void close();
  if (options.signal?.aborted) await close();
  else options.signal?.addEventListener("abort", onAbort, { once: true });

  return {
    address,
    ports: bound,
    get connections() {
      return open.size;
    },
    close,
  };
}
