/**
 * Picks the transport for the runtime we run on. Each call makes a new Transport with its
 * own connection pool; the Connection keeps one per cluster + client certificate. The
 * implementation is imported on the first request (see DeferredTransport), so importing the
 * SDK loads no HTTP stack.
 */
import type { Transport, TransportOptions } from "./types.ts";
import { DeferredTransport } from "./deferred-transport.ts";
import { isBun, isDeno } from "../base/runtime-info.ts";

/**
 * A Transport for this runtime: Bun's fetch on Bun; Deno's fetch on Deno; on Node, HTTP/1.1
 * keep-alive for ordinary requests and HTTP/2 for streams (NodeTransport: node:http2's
 * per-request CPU is the larger, a watch's socket the smaller cost).
 *
 * @example
 * const transport = createTransport({ tls: { ca, cert, key, rejectUnauthorized: true } });
 * const res = await transport.send({ method: "GET", url: `${server}/version`, headers: {}, timeoutMs: 10_000 });
 * transport.close();
 */
export function createTransport(options: TransportOptions): Transport {
  if (isBun()) return new DeferredTransport(async () => new (await import("./bun-fetch.ts")).BunFetchTransport(options));
  if (isDeno()) return new DeferredTransport(async () => new (await import("./deno-fetch.ts")).DenoFetchTransport(options));
  return new DeferredTransport(async () => new (await import("./node-transport.ts")).NodeTransport(options));
}
