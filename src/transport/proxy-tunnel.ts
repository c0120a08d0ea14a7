/**
 * HTTP CONNECT tunnels for Node (kubeconfig proxy-url): connect to the proxy (plain TCP for
 * http://, TLS for https://), ask it for a tunnel to the API server, and hand back the raw
 * socket so TLS to the API server runs end to end over it. socks5:// goes to socks-tunnel.ts.
 */
import { isIP, connect as netConnect, type Socket } from "node:net";
import { connect as tlsConnect, rootCertificates } from "node:tls";
import { TlsError, TransportError } from "../base/errors.ts";
import type { TlsOptions } from "./types.ts";
import { PROXY_CONNECT_FAILED } from "./transport-errors.ts";
import { openSocksTunnel } from "./socks-tunnel.ts";
import { excerpt } from "../base/secrets.ts";
import { describeProxy, proxyAuthorization } from "./proxy-authorization.ts";

export { describeProxy, proxyAuthorization } from "./proxy-authorization.ts";

export interface TunnelTarget {
  host: string;
  port: number;
}


const TLS_CODE = /CERT|SSL|TLS|UNABLE_TO_(GET|VERIFY)|SIGNATURE|ALTNAME|HOSTNAME_MISMATCH|EPROTO/;

/**
 * How an https proxy is verified. client-go verifies it with the cluster's TLS settings
 * (Go's transport reuses its TLS config for the proxy hop): so insecure-skip-tls-verify
 * covers the proxy too, and a proxy certificate signed by the cluster CA is trusted. We
 * trust the runtime's public roots as well, so a publicly certified proxy keeps working
 * next to a private cluster CA.
 */
function proxyTrust(clusterTls: Pick<TlsOptions, "ca" | "rejectUnauthorized"> | undefined): { ca?: string[]; rejectUnauthorized: boolean } {
  if (!clusterTls) return { rejectUnauthorized: true };
  return {
    rejectUnauthorized: clusterTls.rejectUnauthorized,
    ...(clusterTls.ca !== undefined && { ca: [...rootCertificates, clusterTls.ca] }),
  };
}

function defaultPort(u: URL): number {
  if (u.port) return Number(u.port);
  return u.protocol === "https:" ? 443 : 80;
}

/**
 * How long a proxy may take to connect and answer CONNECT: as long as a TLS handshake is
 * allowed (node-http2's CONNECT_TIMEOUT_MS). The tunnel is shared by every request waiting
 * for the connection, watches included, so it cannot lean on any one request's deadline.
 */
export const TUNNEL_TIMEOUT_MS = 30_000;

/**
 * Opens a CONNECT tunnel to `target` through `proxyUrl`; resolves with the socket once the
 * proxy answered 2xx. `signal` aborts the attempt; a proxy silent for TUNNEL_TIMEOUT_MS fails
 * it with ETIMEDOUT (never sent, so retried).
 *
 * @example
 * const raw = await openTunnel("http://proxy:3128", { host: "10.0.0.1", port: 6443 });
 * const tlsSocket = tls.connect({ socket: raw, host: "10.0.0.1", ca });
 */
export function openTunnel(
  proxyUrl: string,
  target: TunnelTarget,
  signal?: AbortSignal,
  clusterTls?: Pick<TlsOptions, "ca" | "rejectUnauthorized">,
  timeoutMs: number = TUNNEL_TIMEOUT_MS,
): Promise<Socket> {
  const u = new URL(proxyUrl);
  if (u.protocol === "socks5:") return openSocksTunnel(proxyUrl, target, signal);
  if (u.protocol !== "http:" && u.protocol !== "https:") {
    return Promise.reject(
      new TransportError(`unsupported proxy scheme ${u.protocol} (http:, https: and socks5: are supported)`, {
        server: describeProxy(proxyUrl),
      }),
    );
  }
  const where = describeProxy(proxyUrl);
  const hostPort = `${target.host.includes(":") ? `[${target.host}]` : target.host}:${target.port}`;
  const secure = u.protocol === "https:";
  const proxyHost = u.hostname.replace(/^\[(.*)\]$/, "$1");
  const socket: Socket = secure
    ? tlsConnect({
        host: proxyHost,
        port: defaultPort(u),
        // SNI carries host names only.
        ...(isIP(proxyHost) ? {} : { servername: proxyHost }),
        ALPNProtocols: ["http/1.1"],
        ...proxyTrust(clusterTls),
      })
    : netConnect({ host: proxyHost, port: defaultPort(u) });

  return new Promise<Socket>((resolve, reject) => {
    let buffered = Buffer.alloc(0);
    const fail = (err: unknown): void => {
      cleanup();
      socket.destroy();
      reject(err);
    };
    const onAbort = (): void => fail(signal?.reason ?? new Error("aborted"));
    const onError = (err: Error): void => {
      const code = (err as { code?: unknown }).code;
      // Say that the proxy's certificate failed, not the API server's.
      if (secure && typeof code === "string" && TLS_CODE.test(code)) {
        fail(new TlsError(`TLS to proxy ${where} failed: ${code}`, { server: where }, { code, cause: err }));
      } else {
        fail(err);
      }
    };
    // A proxy that hangs up without answering would otherwise leave the request (and a
    // watch, which has no deadline) waiting forever.
    const onClose = (): void =>
      fail(new TransportError(`proxy ${where} closed the connection before answering CONNECT to ${hostPort}`, { server: where }, { code: PROXY_CONNECT_FAILED }));
    const onData = (chunk: Buffer): void => {
      buffered = Buffer.concat([buffered, chunk]);
      const end = buffered.indexOf("\r\n\r\n");
      if (end < 0) {
        if (buffered.length > 16_384) fail(new TransportError(`proxy ${where} sent an oversized CONNECT answer`, { server: where }, { code: PROXY_CONNECT_FAILED }));
        return;
      }
      const statusLine = buffered.subarray(0, buffered.indexOf("\r\n")).toString("latin1");
      const status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(statusLine)?.[1] ?? 0);
      if (status < 200 || status > 299) {
        fail(
          new TransportError(`proxy ${where} refused CONNECT to ${hostPort}: ${excerpt(statusLine, 80)}`, { server: where }, {
            code: PROXY_CONNECT_FAILED,
          }),
        );
        return;
      }
      cleanup();
      socket.pause();
      const rest = buffered.subarray(end + 4);
      if (rest.length > 0) socket.unshift(rest);
      resolve(socket);
    };
    const timer = setTimeout(
      () => fail(new TransportError(`proxy ${where} did not answer CONNECT to ${hostPort} within ${timeoutMs} ms`, { server: where }, { code: "ETIMEDOUT" })),
      timeoutMs,
    );
    const cleanup = (): void => {
      clearTimeout(timer);
      socket.off("data", onData);
      socket.off("error", onError);
      socket.off("close", onClose);
      signal?.removeEventListener("abort", onAbort);
    };
    if (signal?.aborted) return onAbort();
    signal?.addEventListener("abort", onAbort, { once: true });
    socket.on("error", onError);
    socket.on("close", onClose);
    socket.on("data", onData);
    const auth = proxyAuthorization(u);
    socket.write(
      `CONNECT ${hostPort} HTTP/1.1\r\nHost: ${hostPort}\r\n` +
        (auth ? `Proxy-Authorization: ${auth}\r\n` : "") +
        "\r\n",
    );
  });
}
