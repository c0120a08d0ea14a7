/**
 * A Kubernetes request as pure data: what request builders (src/request/) produce and
 * what a Connection (src/connection.ts) sends. No I/O lives here.
 */
export interface KubeRequest {
  method: "GET" | "POST" | "PUT" | "PATCH" | "DELETE";
  /** Path below the server URL, starting with "/", e.g. "/api/v1/namespaces/default/pods". */
  path: string;
  /** Query parameters; undefined values are left out, arrays repeat the key. */
  query?: Record<string, string | number | boolean | readonly string[] | undefined>;
  headers?: Record<string, string>;
  /** Already serialised body (JSON, merge patch, YAML apply...). Content-Type goes in headers. */
  body?: string;
}

/** How a request is sent: cancellation, timeouts and whether the body is a stream. */
export interface SendOptions {
  signal?: AbortSignal;
  /**
   * Per-request timeout in ms, replacing the client's default; it covers waiting for
   * credentials, the headers and the whole body. 0: no timeout. Streams (watch, log follow)
   * never get the client's default timeout, and a given one ends at the headers.
   */
  timeoutMs?: number;
  /** The response is a long-lived stream (watch, log follow). */
  stream?: boolean;
  /**
   * The most bytes of response body read (after decompression) before ResponseTooLargeError,
   * replacing the connection's limit. Streams have no total, only a per-line limit.
   */
  maxResponseBytes?: number;
}
