/**
 * Node's default transport: ordinary requests over HTTP/1.1 keep-alive, streams (watches,
 * followed logs) over HTTP/2.
 *
 * Why split: on Node, node:http2 costs 80–170 µs of CPU per request more than an HTTP/1.1
 * keep-alive Agent (bench/README.md; a bare http2 session measures the same), so a GET, a
 * create or a delete is cheaper on its own socket, as client-node and kube-rs send them. A
 * watch holds its connection for its whole life, though: over HTTP/1.1 a hundred watches
 * would be a hundred sockets and TLS handshakes, over HTTP/2 they are streams of one
 * connection, as client-go has them. Both halves present the same client certificate and
 * honour the same proxy, CA and compression settings; ordinary requests share at most
 * MAX_CONNECTIONS_PER_ORIGIN sockets, more wait for one.
 *
 * The HTTP/2 half (node:http2) is imported with the first stream, so a program that never
 * watches never loads it. `Connection`'s `transport` option takes `NodeHttp2Transport` for a
 * client that should send everything over one HTTP/2 connection.
 */
import type { HttpRequest, HttpResponse, Transport, TransportOptions } from "./types.ts";
import { NodeHttp1Transport } from "./node-http1.ts";
import { DeferredTransport } from "./deferred-transport.ts";

/**
 * @example
 * const t = new NodeTransport({ tls: { ca, cert, key, rejectUnauthorized: true } });
 * await t.send({ method: "GET", url: `${server}/version`, headers: {} }); // HTTP/1.1
 * await t.send({ method: "GET", url: `${server}/api/v1/pods?watch=true`, headers: {}, stream: true }); // HTTP/2
 */
export class NodeTransport implements Transport {
  readonly #requests: NodeHttp1Transport;
  readonly #streams: DeferredTransport;

  constructor(options: TransportOptions) {
    this.#requests = new NodeHttp1Transport(options);
    this.#streams = new DeferredTransport(async () => new (await import("./node-http2.ts")).NodeHttp2Transport(options));
  }

  send(request: HttpRequest): Promise<HttpResponse> {
    return request.stream === true ? this.#streams.send(request) : this.#requests.send(request);
  }

  close(): void {
    this.#requests.close();
    this.#streams.close();
  }
}
