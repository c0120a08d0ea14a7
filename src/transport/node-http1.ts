/**
 * HTTP/1.1 transport for Node: node:http / node:https with one keep-alive Agent per
 * transport, so the client certificate is presented on every connection it opens and no
 * other transport's connection is ever reused. Serves http:// servers (kubectl proxy) and
 * https servers that do not negotiate h2; NodeHttp2Transport delegates to it then.
 */
import * as http from "node:http";
import * as https from "node:https";
import { connect as tlsConnect, type ConnectionOptions } from "node:tls";
import type { Duplex } from "node:stream";
import type { HttpRequest, HttpResponse, Transport, TransportOptions } from "./types.ts";
import { RequestLifetime } from "./request-lifetime.ts";
import { toTransportError } from "./transport-errors.ts";
import { flattenHeaders, nodeResponse } from "./node-body.ts";
import { openTunnel } from "./proxy-tunnel.ts";
import { MAX_CONNECTIONS_PER_ORIGIN } from "./request-slots.ts";

/** Node's TLS options from ours. `servername` only when the kubeconfig names one. */
export function nodeTlsOptions(options: TransportOptions): ConnectionOptions {
  const { ca, cert, key, rejectUnauthorized, serverName } = options.tls;
  return {
    ...(ca !== undefined && { ca }),
    ...(cert !== undefined && { cert }),
    ...(key !== undefined && { key }),
    ...(serverName !== undefined && { servername: serverName }),
    rejectUnauthorized,
  };
}

/** Strips the brackets URL keeps around IPv6 literals. */
export function hostOf(u: URL): string {
  return u.hostname.startsWith("[") ? u.hostname.slice(1, -1) : u.hostname;
}

export function portOf(u: URL): number {
  if (u.port) return Number(u.port);
  return u.protocol === "https:" ? 443 : 80;
}

type ConnectCallback = (err: Error | null, stream: Duplex) => void;

/** Opens every socket through the CONNECT proxy, then (for https) TLS over the tunnel. */
function tunnelingConnection(proxyUrl: string, secure: boolean, tls: TransportOptions["tls"]) {
  return (options: https.RequestOptions, callback?: ConnectCallback): undefined => {
    const target = { host: options.host ?? options.hostname ?? "localhost", port: Number(options.port) };
    openTunnel(proxyUrl, target, undefined, tls).then(
      (raw) => {
        if (!secure) return callback?.(null, raw);
        const socket = tlsConnect({ ...(options as ConnectionOptions), socket: raw, host: target.host });
        callback?.(null, socket);
      },
      (err: Error) => callback?.(err, undefined as unknown as Duplex),
    );
    return undefined;
  };
}

interface AgentPair {
  https: https.Agent;
  http: http.Agent;
}

function agentPair(options: TransportOptions, maxSockets: number): AgentPair {
  const common = { keepAlive: true, keepAliveMsecs: 30_000, maxSockets, scheduling: "lifo" as const };
  const pair: AgentPair = { https: new https.Agent({ ...common, ...nodeTlsOptions(options) }), http: new http.Agent(common) };
  if (options.proxyUrl) {
    pair.https.createConnection = tunnelingConnection(options.proxyUrl, true, options.tls);
    (pair.http as https.Agent).createConnection = tunnelingConnection(options.proxyUrl, false, options.tls);
  }
  return pair;
}

/**
 * @example
 * const t = new NodeHttp1Transport({ tls: { ca, cert, key, rejectUnauthorized: true } });
 * const res = await t.send({ method: "GET", url: "https://127.0.0.1:6443/version", headers: {} });
 */
export class NodeHttp1Transport implements Transport {
  readonly #options: TransportOptions;
  /** Ordinary requests: at most MAX_CONNECTIONS_PER_ORIGIN sockets per origin; more wait in the Agent's queue. */
  readonly #pooled: AgentPair;
  /** Streams: a watch holds its socket for its whole life, so queueing one behind others would hang it. */
  readonly #streams: AgentPair;
  readonly #inflight = new Set<RequestLifetime>();
  #closed = false;

  constructor(options: TransportOptions) {
    this.#options = options;
    this.#pooled = agentPair(options, MAX_CONNECTIONS_PER_ORIGIN);
    this.#streams = agentPair(options, Infinity);
  }

  send(request: HttpRequest): Promise<HttpResponse> {
    const { method, url } = request;
    if (this.#closed) return Promise.reject(toTransportError(new Error("closed"), method, url, "closed"));
    let u: URL;
    try {
      u = new URL(url);
    } catch (err) {
      return Promise.reject(toTransportError(err, method, url));
    }
    const secure = u.protocol === "https:";
    const lifetime = new RequestLifetime(request, () => this.#inflight.delete(lifetime));
    this.#inflight.add(lifetime);
    const headers: http.OutgoingHttpHeaders = { ...request.headers };
    for (const [name, values] of Object.entries(request.repeatedHeaders ?? {})) headers[name] = [...values];
    if (!Object.keys(headers).some((h) => h.toLowerCase() === "accept-encoding")) {
      headers["accept-encoding"] = this.#options.disableCompression ? "identity" : "gzip";
    }
    if (request.body !== undefined) headers["content-length"] = String(Buffer.byteLength(request.body));

    return new Promise<HttpResponse>((resolve, reject) => {
      let settled = false;
      const fail = (err: unknown): void => {
        // Failures after the headers belong to the body (see nodeResponse).
        if (settled) return;
        settled = true;
        lifetime.dispose();
        reject(toTransportError(err, method, url, lifetime.reason));
      };
      if (lifetime.signal.aborted) return fail(lifetime.signal.reason);
      const options: https.RequestOptions = {
        method,
        host: hostOf(u),
        port: portOf(u),
        path: `${u.pathname}${u.search}`,
        headers,
        agent: (request.stream ? this.#streams : this.#pooled)[secure ? "https" : "http"],
        ...(secure && this.#options.tls.serverName !== undefined && { servername: this.#options.tls.serverName }),
      };
      const req = (secure ? https : http).request(options);
      const onAbort = (): void => {
        fail(lifetime.signal.reason);
        req.destroy();
      };
      lifetime.signal.addEventListener("abort", onAbort, { once: true });
      req.on("error", (err) => {
        lifetime.signal.removeEventListener("abort", onAbort);
        fail(err);
      });
      req.on("response", (res) => {
        lifetime.signal.removeEventListener("abort", onAbort);
        lifetime.headersReceived();
        settled = true;
        resolve(nodeResponse(res.statusCode ?? 0, flattenHeaders(res.headers), res, lifetime, request));
      });
      req.end(request.body);
    });
  }

  close(): void {
    this.#closed = true;
    for (const lifetime of [...this.#inflight]) lifetime.end("closed");
    for (const pair of [this.#pooled, this.#streams]) {
      pair.https.destroy();
      pair.http.destroy();
    }
  }
}
