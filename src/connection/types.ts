import type { KubeRequest, SendOptions } from "../request/types.ts";
import type { HttpResponse } from "../transport/types.ts";
import type { MessageSocket, WebSocketConnector } from "../transport/websocket.ts";

/** How a WebSocket is opened (pod exec, attach, port-forward). */
export interface OpenWebSocketOptions {
  /** Subprotocols, most preferred first. */
  protocols: readonly string[];
  /** Opens the socket (bun-k8s/pod-io passes the runtime's; tests may pass their own). */
  connector: WebSocketConnector;
  /** Aborting fails the handshake, and afterwards drops the socket. */
  signal?: AbortSignal | undefined;
  /** Time allowed for the handshake in ms; default the connection's request timeout. */
  timeoutMs?: number | undefined;
}

/**
 * A live link to one cluster as one user: server URL, TLS, credentials, impersonation,
 * retries and rate limits, over a pooled Transport. The generic API client and the
 * watch machinery only ever see this interface, so tests and users may inject their own.
 */
export interface Connection {
  /** Server URL, e.g. https://127.0.0.1:6443 (no trailing slash). */
  readonly server: string;
  /** The namespace of the selected context ("default" when it names none). */
  readonly namespace: string;
  /** Name of the kubeconfig context in use, for error messages. */
  readonly contextName: string | undefined;
  /**
   * Sends a request. Resolves with the response when the status is 2xx; otherwise
   * rejects with an ApiError carrying the parsed Status (see src/base/errors.ts).
   */
  send(request: KubeRequest, options?: SendOptions): Promise<HttpResponse>;
  /**
   * Upgrades a request to a WebSocket with this connection's credentials, identity headers,
   * TLS and proxy; a refused upgrade rejects with an ApiError carrying the server's Status.
   * Never retried. Absent on connections that cannot stream (test doubles).
   */
  openWebSocket?(request: KubeRequest, options: OpenWebSocketOptions): Promise<MessageSocket>;
  /** Closes pooled connections. */
  close(): void;
}
