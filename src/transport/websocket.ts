/**
 * The WebSocket contract: an HTTP/1.1 Upgrade that either becomes a socket of binary
 * messages or is refused with an ordinary HTTP answer. Knows HTTP and WebSocket, not
 * Kubernetes. The implementation (websocket-ws.ts) is reached only by programs that open
 * one, so a program that never execs loads no WebSocket library.
 */
import type { TransportError } from "../base/errors.ts";
import type { TransportOptions } from "./types.ts";

export interface WebSocketRequest {
  /** Absolute https:// or http:// URL; the connector speaks wss:// or ws:// to it. */
  url: string;
  headers: Record<string, string>;
  /** Headers sent as one line per value (Impersonate-Group), on top of `headers`. */
  repeatedHeaders?: Record<string, readonly string[]>;
  /** Subprotocols, most preferred first. */
  protocols: readonly string[];
  /** Aborts the handshake, and afterwards drops the socket. */
  signal?: AbortSignal;
  /** Time allowed for the handshake in ms; 0 or absent: none. */
  timeoutMs?: number;
}

/** How a socket ended. `error` is set when it did not end with a close handshake. */
export interface SocketClose {
  code: number;
  reason: string;
  error?: TransportError;
}

/** An open WebSocket that carries binary messages, with flow control both ways. */
export interface MessageSocket {
  /** The subprotocol the server picked ("" when it picked none). */
  readonly protocol: string;
  /**
   * Sends one binary message. Resolves at once while little is queued, otherwise once the
   * queue has drained, so a producer that awaits each send keeps memory bounded. Rejects
   * once the socket is closed.
   */
  send(data: Uint8Array): Promise<void>;
  /**
   * Hands every incoming message to `handler`, starting with any that arrived before.
   * Call once.
   */
  onMessage(handler: (data: Uint8Array) => void): void;
  /** Stops reading from the network until `resume()`: the server's writes then block. */
  pause(): void;
  resume(): void;
  /** Resolves once the socket is closed, by either side or by failure; never rejects. */
  readonly closed: Promise<SocketClose>;
  /** Starts the close handshake (1000: normal). */
  close(code?: number, reason?: string): void;
  /** Drops the connection without a close handshake. */
  terminate(): void;
}

/** What a WebSocket handshake gave: a socket, or the server's refusal (401, 403, 404, 400, ...). */
export type WebSocketUpgrade =
  | { accepted: true; socket: MessageSocket }
  | { accepted: false; status: number; headers: Record<string, string>; body: string };

/**
 * Opens a WebSocket with the TLS material, and through the proxy, of one connection pool.
 * Transport failures (refused, TLS, proxy, timeout, abort) reject with TransportError;
 * a refused upgrade resolves with `accepted: false`.
 */
export type WebSocketConnector = (request: WebSocketRequest, options: TransportOptions) => Promise<WebSocketUpgrade>;
