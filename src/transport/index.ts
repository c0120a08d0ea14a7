/**
 * Picks the transport for the runtime we run on. Each call makes a new Transport with its
 * own connection pool; the Connection keeps one per cluster + client certificate.
 */
import type { Transport, TransportOptions } from "./types.ts";
import { BunFetchTransport } from "./bun-fetch.ts";
import { NodeHttp2Transport } from "./node-http2.ts";
import { DenoFetchTransport } from "./deno-fetch.ts";
import { isBun, isDeno } from "../base/runtime-info.ts";

export type { HttpRequest, HttpResponse, TlsOptions, Transport, TransportOptions } from "./types.ts";
export { BunFetchTransport } from "./bun-fetch.ts";
export { DenoFetchTransport } from "./deno-fetch.ts";
export { NodeHttp1Transport } from "./node-http1.ts";
export { NodeHttp2Transport } from "./node-http2.ts";
export { ABORT_ERR, TIMEOUT, TRANSPORT_CLOSED, REFUSED_STREAM, PROXY_CONNECT_FAILED } from "./transport-errors.ts";

export { isBun, isDeno } from "../base/runtime-info.ts";

/**
 * A Transport for this runtime: Bun's fetch on Bun; Deno's fetch on Deno; HTTP/2 over
 * node:http2 on Node (falling back to HTTP/1.1 keep-alive for http:// servers and servers
 * without h2).
 *
 * @example
 * const transport = createTransport({ tls: { ca, cert, key, rejectUnauthorized: true } });
 * const res = await transport.send({ method: "GET", url: `${server}/version`, headers: {}, timeoutMs: 10_000 });
 * transport.close();
 */
export function createTransport(options: TransportOptions): Transport {
  if (isBun()) return new BunFetchTransport(options);
  if (isDeno()) return new DenoFetchTransport(options);
  return new NodeHttp2Transport(options);
}
