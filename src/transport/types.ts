/**
 * The transport's contract: plain HTTP(S) with TLS material, nothing Kubernetes-specific.
 * One Transport instance owns the connection pool for one cluster + credential.
 */

/** TLS material for one connection pool. PEM strings, never file paths. */
export interface TlsOptions {
  /** PEM bundle of trusted CAs. Absent: the runtime's default trust store. */
  ca?: string;
  /** PEM client certificate chain. */
  cert?: string;
  /** PEM client private key. */
  key?: string;
  /** False only when a kubeconfig sets insecure-skip-tls-verify. */
  rejectUnauthorized: boolean;
  /** Name to verify the server certificate against (kubeconfig tls-server-name). */
  serverName?: string;
}

/** One HTTP request as a Transport sends it. */
export interface HttpRequest {
  method: "GET" | "POST" | "PUT" | "PATCH" | "DELETE" | "HEAD";
  /** Absolute URL. */
  url: string;
  headers: Record<string, string>;
  /**
   * Headers sent as one header line per value, on top of `headers` (e.g. Impersonate-Group:
   * the API server does not split a comma-joined value). Names must not repeat a `headers` key.
   */
  repeatedHeaders?: Record<string, readonly string[]>;
  body?: string | Uint8Array;
  /** Cancels the request, and the body stream of its response. */
  signal?: AbortSignal;
  /**
   * Time allowed for the whole exchange, in ms: until the body is read, or for a `stream`
   * until the response headers arrive. 0 or absent: none.
   */
  timeoutMs?: number;
  /**
   * The body is a long-lived stream (watch, log follow): `timeoutMs` ends at the headers,
   * and on Node's HTTP/1.1 fallback the request gets a socket outside the bounded pool.
   */
  stream?: boolean;
  /**
   * The most `text()` and `bytes()` read, counted after decompression, before failing with
   * ResponseTooLargeError. Absent or 0: DEFAULT_MAX_RESPONSE_BYTES. `stream()` has no total.
   */
  maxResponseBytes?: number;
}

/** A response whose headers have arrived; the body is read once, in one of three ways. */
export interface HttpResponse {
  status: number;
  /** Header names in lower case. */
  headers: Record<string, string>;
  /**
   * The body, decompressed. Consume it once: either `text()`, `bytes()` (both bounded by the
   * request's `maxResponseBytes`) or `stream()`.
   */
  text(): Promise<string>;
  /** The whole body as bytes. */
  bytes(): Promise<Uint8Array>;
  /** The body as it arrives; leaving the loop early cancels the request. */
  stream(): AsyncIterable<Uint8Array>;
}

/** Sends requests over one keep-alive pool. */
export interface Transport {
  /** Sends a request; resolves once the response headers arrive, rejects with TransportError or TlsError. */
  send(request: HttpRequest): Promise<HttpResponse>;
  /** Closes idle connections; pending requests are aborted. */
  close(): void;
}

/** What one Transport's connection pool is made for: TLS material, proxy and compression. */
export interface TransportOptions {
  tls: TlsOptions;
  /** http:// or https:// CONNECT proxy, or socks5:// (kubeconfig proxy-url, or HTTPS_PROXY as resolved by config). */
  proxyUrl?: string;
  /** Do not ask for gzip (kubeconfig disable-compression). */
  disableCompression?: boolean;
}
