/**
 * Deno's fetch failures, made to read like the other runtimes'. Deno reports every failure as
 * a TypeError "fetch failed" whose cause carries rustls', the OS's or its proxy client's
 * wording and no code; toTransportError needs Node's codes, and a proxy's failure must name
 * the proxy (never its credentials) as NodeHttp2Transport's tunnels do.
 */
import { TransportError } from "../base/errors.ts";
import { describeProxy } from "./proxy-authorization.ts";
import { PROXY_CONNECT_FAILED } from "./transport-errors.ts";

// rustls' and the OS's wording, and the code Node's TLS and socket errors have for it.
const DENO_CODES: [RegExp, string][] = [
  [/NotValidForName|not valid for name/i, "ERR_TLS_CERT_ALTNAME_INVALID"],
  [/UnknownIssuer|unknown issuer/i, "UNABLE_TO_VERIFY_LEAF_SIGNATURE"],
  [/Expired|certificate has expired/i, "CERT_HAS_EXPIRED"],
  [/NotValidYet/i, "CERT_NOT_YET_VALID"],
  [/BadSignature|invalid peer certificate/i, "ERR_TLS_CERT_INVALID"],
  [/Connection refused|os error 111\b/i, "ECONNREFUSED"],
  [/Connection reset|os error 104\b/i, "ECONNRESET"],
  [/timed out|os error 110\b/i, "ETIMEDOUT"],
  [/dns error|failed to lookup address/i, "ENOTFOUND"],
];

/** The messages of an error and its causes, outermost first. */
function messages(err: unknown): string[] {
  const text: string[] = [];
  for (let e: unknown = err; e instanceof Error && text.length < 4; e = e.cause) text.push(e.message);
  return text;
}

/**
 * The runtime's failure with a Node-style `code` attached, for toTransportError, and the
 * innermost message (the outer one is only "fetch failed") without the URL it repeats.
 *
 * @example
 * throw toTransportError(withCode(err), method, url, lifetime.reason);
 */
export function withCode(err: unknown): unknown {
  if (typeof err !== "object" || err === null || (err as { code?: unknown }).code) return err;
  const text = messages(err);
  const found = DENO_CODES.find(([pattern]) => text.some((t) => pattern.test(t)));
  if (!found) return err;
  const detail = (text.at(-1) ?? found[1]).replace(/^error sending request for url \([^)]*\): /, "");
  return Object.assign(new Error(detail, { cause: err }), { code: found[1] });
}

// What Deno's SOCKS client says when the proxy answers the greeting, the login or the CONNECT
// with a failure (RFC 1928 and 1929), as socks-tunnel.ts words each of them.
const SOCKS_LOGIN: [RegExp, string][] = [
  [/^Password auth failure\b/i, "the proxy refused the username and password"],
  [/^No acceptable auth methods$/i, "the proxy accepts none of our authentication methods (none, username/password)"],
];
const SOCKS_REPLIES: Readonly<Record<string, string>> = {
  "general socks server failure": "general SOCKS server failure",
  "connection not allowed by ruleset": "connection not allowed by ruleset",
  "network unreachable": "network unreachable",
  "host unreachable": "host unreachable",
  "connection refused": "connection refused",
  "ttl expired": "TTL expired",
  "command not supported": "command not supported",
  "address type not supported": "address type not supported",
};

/** "host:port" of the request's server, as the tunnels name their target. */
function targetOf(url: string): string {
  const target = new URL(url);
  return `${target.hostname}:${target.port || "443"}`;
}

/**
 * A failure of the proxy itself, as the TransportError the tunnels of NodeHttp2Transport give
 * on Node and Bun, naming the proxy without its credentials: "SOCKS5 proxy socks5://host:port:
 * ..." (socks-tunnel.ts) or "proxy http://host:port refused CONNECT to ..." (proxy-tunnel.ts).
 * Undefined when the failure is not the proxy's answer (Deno's proxy client reports a refused
 * CONNECT as the bare reply text, an OS error always with its "os error" number).
 *
 * @example
 * throw proxyFailure(err, "socks5://127.0.0.1:1080", "https://api.example:6443/version") ?? toTransportError(err, "GET", url);
 */
export function proxyFailure(err: unknown, proxyUrl: string, url: string): TransportError | undefined {
  const connect = messages(err)
    .map((t) => /\(Connect\): (.+)$/.exec(t)?.[1]?.trim())
    .find((t) => t !== undefined);
  if (connect === undefined) return undefined;
  const where = describeProxy(proxyUrl);
  if (!proxyUrl.startsWith("socks5")) {
    // Deno keeps only whether the proxy asked for credentials; the status line is not passed on.
    const refusal = /^proxy authentication required$/i.test(connect) ? "407 Proxy Authentication Required" : /^unsuccessful tunnel$/i.test(connect) ? "not 2xx" : undefined;
    if (refusal === undefined) return undefined;
    return new TransportError(`proxy ${where} refused CONNECT to ${targetOf(url)}: ${refusal}`, { server: where }, { code: PROXY_CONNECT_FAILED, cause: err });
  }
  const fail = (message: string, code = PROXY_CONNECT_FAILED) =>
    new TransportError(`SOCKS5 proxy ${where}: ${message}`, { server: where }, { code, cause: err });
  const login = SOCKS_LOGIN.find(([pattern]) => pattern.test(connect));
  if (login) return fail(login[1]);
  if (/^Proxy server unreachable$/i.test(connect)) return fail("cannot connect to the proxy", "ECONNREFUSED");
  const reply = SOCKS_REPLIES[connect.toLowerCase()];
  if (reply === undefined) return undefined;
  return fail(`CONNECT to ${targetOf(url)} refused: ${reply}`);
}
