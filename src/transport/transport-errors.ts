/**
 * Turns whatever a runtime throws (Node system errors, OpenSSL codes, Bun fetch errors,
 * HTTP/2 stream errors) into TransportError / TlsError with one stable `code`, and a
 * message that names the method and URL (origin and path) and never any header.
 */
import { TlsError, TransportError, type ErrorSite } from "../base/errors.ts";
import type { EndReason } from "./request-lifetime.ts";

/** Codes the transports put on TransportError besides the runtime's own (ECONNREFUSED...). */
export const ABORT_ERR = "ABORT_ERR";
export const TIMEOUT = "TIMEOUT";
/** The Transport was closed (or evicted from a connection's pool) while the request ran. */
export const TRANSPORT_CLOSED = "TRANSPORT_CLOSED";
/** An HTTP/2 stream the server refused before processing it (safe to retry). */
export const REFUSED_STREAM = "REFUSED_STREAM";
/** The proxy answered CONNECT with a non-2xx status. */
export const PROXY_CONNECT_FAILED = "PROXY_CONNECT_FAILED";

// OpenSSL verification results and Node's TLS codes. Anything matching is a TlsError.
const TLS_CODE = /CERT|SSL|TLS|UNABLE_TO_(GET|VERIFY|DECRYPT)|SIGNATURE|ALTNAME|HOSTNAME_MISMATCH|EPROTO/;

// Bun's fetch reports some failures by name instead of errno code.
const BUN_CODES: Record<string, string> = {
  ConnectionRefused: "ECONNREFUSED",
  ConnectionClosed: "ECONNRESET",
  ConnectionReset: "ECONNRESET",
  FailedToOpenSocket: "ECONNREFUSED",
  UnableToConnect: "ECONNREFUSED",
  Timeout: "ETIMEDOUT",
};

/** Splits an absolute URL into the parts an error may show: origin and path with query. */
export function siteOfUrl(method: string, url: string): ErrorSite {
  try {
    const u = new URL(url);
    // userinfo never reaches a message
    return { method, server: `${u.protocol}//${u.host}`, path: `${u.pathname}${u.search}` };
  } catch {
    return { method, path: "(invalid URL)" };
  }
}

function codeOf(err: unknown): string | undefined {
  if (typeof err !== "object" || err === null) return undefined;
  const code = (err as { code?: unknown }).code;
  if (typeof code === "string" && code !== "") return BUN_CODES[code] ?? code;
  return undefined;
}

function messageOf(err: unknown): string {
  if (err instanceof Error) return err.message;
  return String(err);
}

/** The innermost runtime code: Node nests the socket error in `cause` for some failures. */
function deepCode(err: unknown): string | undefined {
  let e: unknown = err;
  for (let i = 0; i < 4 && e; i++) {
    const c = codeOf(e);
    if (c && c !== "ERR_HTTP2_STREAM_ERROR" && c !== "ERR_HTTP2_ERROR") return c;
    e = (e as { cause?: unknown }).cause;
  }
  return codeOf(err);
}

/**
 * Maps a failure to a TransportError. `ended` says why our own lifetime stopped the request,
 * which takes precedence over whatever the runtime reported for the teardown.
 *
 * @example
 * throw toTransportError(err, "GET", "https://10.0.0.1:6443/version", lifetime.reason);
 */
export function toTransportError(
  err: unknown,
  method: string,
  url: string,
  ended?: EndReason,
): TransportError {
  if (err instanceof TransportError && !ended) return err;
  const site = siteOfUrl(method, url);
  if (ended === "abort") return new TransportError("request aborted", site, { code: ABORT_ERR, cause: err });
  if (ended === "timeout") {
    return new TransportError("no response headers within timeoutMs", site, { code: TIMEOUT, cause: err });
  }
  if (ended === "body-timeout") {
    return new TransportError("the response body did not complete within timeoutMs", site, { code: TIMEOUT, cause: err });
  }
  if (ended === "closed") {
    return new TransportError("transport closed while the request ran", site, { code: TRANSPORT_CLOSED, cause: err });
  }
  let code = deepCode(err);
  const message = messageOf(err);
  if (code === "ERR_HTTP2_STREAM_ERROR" && /REFUSED_STREAM/.test(message)) code = REFUSED_STREAM;
  // Streams the server's GOAWAY excluded, or that could not even be opened: never processed.
  if (code === "ERR_HTTP2_GOAWAY_SESSION" || code === "ERR_HTTP2_INVALID_SESSION") code = REFUSED_STREAM;
  if (err instanceof Error && err.name === "AbortError" && !code) code = ABORT_ERR;
  if (code === "20") code = ABORT_ERR;
  if (code && TLS_CODE.test(code)) {
    return new TlsError(`TLS failed: ${code}`, site, { code, cause: err });
  }
  // Runtime messages repeat the URL (Bun) or the address; keep only the first line, no headers are in it.
  const detail = message.split("\n")[0] ?? "";
  return new TransportError(`request failed: ${code ?? "unknown error"}${detail && detail !== code ? ` (${detail})` : ""}`, site, {
    code,
    cause: err,
  });
}
