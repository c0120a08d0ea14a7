/**
 * The transports, one per runtime, and createTransport, which picks one. This index loads
 * every implementation; the SDK's own modules import create-transport.ts, which loads only
 * the one the runtime needs, on the first request.
 */

export type { HttpRequest, HttpResponse, TlsOptions, Transport, TransportOptions } from "./types.ts";
export { BunFetchTransport } from "./bun-fetch.ts";
export { DenoFetchTransport } from "./deno-fetch.ts";
export { NodeHttp1Transport } from "./node-http1.ts";
export { NodeHttp2Transport } from "./node-http2.ts";
export { NodeTransport } from "./node-transport.ts";
export { ABORT_ERR, TIMEOUT, TRANSPORT_CLOSED, REFUSED_STREAM, PROXY_CONNECT_FAILED } from "./transport-errors.ts";

export { isBun, isDeno } from "../base/runtime-info.ts";
export { createTransport } from "./create-transport.ts";
export { DeferredTransport } from "./deferred-transport.ts";
