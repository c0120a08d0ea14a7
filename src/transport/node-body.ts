/**
 * An HttpResponse over a Node Readable (an IncomingMessage or an Http2Stream): gunzips when
 * the server compressed (streaming, so a gzip bomb inflates no faster than it is read),
 * bounds what text() and bytes() hold, maps stream failures to TransportError, and lets the
 * request's lifetime cancel the body.
 */
import type { Readable } from "node:stream";
import { createGunzip } from "node:zlib";
import type { HttpRequest, HttpResponse } from "./types.ts";
import type { RequestLifetime } from "./request-lifetime.ts";
import { toTransportError } from "./transport-errors.ts";
import { concatBytes, readWholeBody } from "./body-limit.ts";
import { ResponseTooLargeError, type ErrorSite } from "../base/errors.ts";

/** Lower-cases names and joins repeated values the way fetch's Headers does. */
export function flattenHeaders(raw: Record<string, string | string[] | undefined | number>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name in raw) {
    const value = raw[name];
    if (value === undefined || name.charCodeAt(0) === 58 /* ":" pseudo-header */) continue;
    out[name.toLowerCase()] = typeof value === "string" ? value : Array.isArray(value) ? value.join(", ") : String(value);
  }
  return out;
}

/**
 * Wraps a response body. `source` is destroyed when the lifetime ends early, and the
 * lifetime is disposed once the body is fully read, fails or is abandoned.
 *
 * @example
 * resolve(nodeResponse(res.statusCode ?? 0, flattenHeaders(res.headers), res, lifetime, request));
 */
export function nodeResponse(
  status: number,
  headers: Record<string, string>,
  source: Readable,
  lifetime: RequestLifetime,
  request: Pick<HttpRequest, "method" | "url" | "maxResponseBytes">,
): HttpResponse {
  const { method, url } = request;
  let body: Readable = source;
  if (/^\s*(x-)?gzip\s*$/i.test(headers["content-encoding"] ?? "")) {
    const gunzip = createGunzip();
    source.on("error", (e) => gunzip.destroy(e));
    body = source.pipe(gunzip);
    // The decoded body no longer matches these.
    delete headers["content-encoding"];
    delete headers["content-length"];
  }
  const onAbort = (): void => {
    source.destroy();
    if (body !== source) body.destroy();
  };
  lifetime.signal.addEventListener("abort", onAbort, { once: true });
  // A body nobody reads must not crash the process when it fails.
  body.on("error", () => {});
  source.on("error", () => {});
  const finish = (): void => {
    lifetime.signal.removeEventListener("abort", onAbort);
    lifetime.dispose();
  };
  body.once("close", finish);
  let used = false;

  async function* chunks(): AsyncGenerator<Uint8Array> {
    if (used) throw new TypeError("response body already consumed");
    used = true;
    try {
      if (lifetime.signal.aborted) throw lifetime.signal.reason;
      for await (const chunk of body) {
        yield typeof chunk === "string" ? Buffer.from(chunk) : (chunk as Uint8Array);
      }
      // A stream destroyed without an error (our own abort) just ends: make that visible.
      if (lifetime.reason) throw new Error(lifetime.reason);
    } catch (err) {
      throw toTransportError(err, method, url, lifetime.reason);
    } finally {
      // Leaving early (break, return) cancels the request, which ends a watch server-side.
      if (!body.readableEnded) {
        source.destroy();
        body.destroy();
      }
      finish();
    }
  }

  /**
   * The whole body, at most `limit` bytes, read with stream events: an async iterator per
   * response was a measurable share of a small request's CPU. Fails as chunks() does.
   */
  function whole(limit: number, site: () => ErrorSite): Promise<Uint8Array> {
    if (used) return Promise.reject(new TypeError("response body already consumed"));
    used = true;
    return new Promise<Uint8Array>((resolve, reject) => {
      const parts: Uint8Array[] = [];
      let size = 0;
      let settled = false;
      const settle = (err: unknown, value?: Uint8Array): void => {
        if (settled) return;
        settled = true;
        body.off("data", onData);
        body.off("end", onEnd);
        body.off("error", onError);
        body.off("close", onClose);
        // Leaving early cancels the request, as chunks() does.
        if (!body.readableEnded) {
          source.destroy();
          body.destroy();
        }
        finish();
        if (err === undefined) resolve(value!);
        else reject(err);
      };
      const onData = (chunk: Uint8Array | string): void => {
        const bytes = typeof chunk === "string" ? Buffer.from(chunk) : chunk;
        size += bytes.byteLength;
        if (size > limit) return settle(new ResponseTooLargeError("body", limit, site()));
        parts.push(bytes);
      };
      const onError = (err: unknown): void => settle(toTransportError(err, method, url, lifetime.reason));
      // A stream destroyed without an error (our own abort) just ends: make that visible.
      const onEnd = (): void => (lifetime.reason ? onError(new Error(lifetime.reason)) : settle(undefined, concatBytes(parts, size)));
      const onClose = (): void => onError(new Error(lifetime.reason ?? "the response body ended early"));
      if (lifetime.signal.aborted) return onError(lifetime.signal.reason);
      // Failed or torn down before anyone read it: its error and close events are gone.
      if (body.destroyed) return onError(body.errored ?? new Error(lifetime.reason ?? "the response body ended early"));
      body.on("data", onData);
      body.once("end", onEnd);
      body.once("error", onError);
      body.once("close", onClose);
    });
  }

  // A body refused unread lets go of the stream and of the request.
  const collect = (): Promise<Uint8Array> =>
    readWholeBody(request, headers, whole, () => {
      source.destroy();
      body.destroy();
      finish();
    });

  return {
    status,
    headers,
    stream: () => chunks(),
    bytes: collect,
    text: async () => {
      const bytes = await collect();
      return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("utf8");
    },
  };
}
