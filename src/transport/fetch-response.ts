/**
 * An HttpResponse over a WHATWG fetch Response, for the transports built on a runtime's own
 * fetch (Bun, Deno): headers in lower case, the body read once as a stream, text or bytes,
 * stream failures mapped to TransportError, whole bodies bounded by maxResponseBytes, and the request's lifetime released when the body
 * ends or is abandoned.
 */
import type { HttpRequest, HttpResponse } from "./types.ts";
import { collectLimited, readWholeBody, responseLimit } from "./body-limit.ts";
import type { RequestLifetime } from "./request-lifetime.ts";
import { toTransportError } from "./transport-errors.ts";

/**
 * Wraps a fetch Response whose body the runtime has already decompressed. `describe` gives a
 * runtime's stream failure the code toTransportError reads (Deno's errors carry none).
 *
 * @example
 * const res = await fetch(url, { method, headers, signal: lifetime.signal, redirect: "manual" });
 * lifetime.headersReceived();
 * return fetchResponse(res, lifetime, request);
 */
export function fetchResponse(
  res: Response,
  lifetime: RequestLifetime,
  request: Pick<HttpRequest, "method" | "url" | "maxResponseBytes">,
  describe: (err: unknown) => unknown = (err) => err,
): HttpResponse {
  const { method, url } = request;
  const headers: Record<string, string> = {};
  res.headers.forEach((value, name) => {
    headers[name] = value;
  });
  // The runtime already decoded the body; these described the encoded one.
  const encoded = headers["content-encoding"] !== undefined;
  if (encoded) {
    delete headers["content-encoding"];
    delete headers["content-length"];
  }
  // A body sent as it is, whose announced length is within the limit, cannot pass the limit:
  // the runtime reads it whole, natively, without a stream reader and chunk copies.
  const declared = encoded ? Number.NaN : Number(headers["content-length"]);
  const fitsWhole = Number.isFinite(declared) && declared <= responseLimit(request.maxResponseBytes);
  let used = false;

  async function whole<T>(read: () => Promise<T>): Promise<T> {
    if (used) throw new TypeError("response body already consumed");
    used = true;
    try {
      return await read();
    } catch (err) {
      throw toTransportError(describe(err), method, url, lifetime.reason);
    } finally {
      lifetime.dispose();
    }
  }

  async function* chunks(): AsyncGenerator<Uint8Array> {
    if (used) throw new TypeError("response body already consumed");
    used = true;
    const body = res.body;
    if (!body) {
      lifetime.dispose();
      return;
    }
    const reader = body.getReader();
    let done = false;
    try {
      for (;;) {
        const step = await reader.read();
        if (step.done) break;
        yield step.value;
      }
      done = true;
    } catch (err) {
      throw toTransportError(describe(err), method, url, lifetime.reason);
    } finally {
      // Leaving early cancels the request (ends a watch on the server).
      if (!done) await reader.cancel().catch(() => {});
      reader.releaseLock();
      lifetime.dispose();
    }
  }

  // Whole bodies stop at the request's limit; the abandoned rest is cancelled, not read.
  const collect = (): Promise<Uint8Array> =>
    readWholeBody(request, headers, (limit, site) => collectLimited(chunks(), limit, site), async () => {
      await res.body?.cancel().catch(() => {});
      lifetime.dispose();
    });

  return {
    status: res.status,
    headers,
    stream: () => chunks(),
    bytes: fitsWhole ? () => whole(async () => new Uint8Array(await res.arrayBuffer())) : collect,
    text: fitsWhole ? () => whole(() => res.text()) : async () => new TextDecoder().decode(await collect()),
  };
}
