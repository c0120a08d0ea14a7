/**
 * How much of a response we are willing to hold. Every transport collects a non-streaming
 * body through `collectLimited`, so the limit counts decoded (gunzipped) bytes and stops
 * reading, and with it the server, the moment the limit is passed.
 *
 * Why 256 MiB: V8 cannot make a string longer than 2^29 - 24 characters (about 512 MiB) on
 * 64-bit, so a bigger body cannot even become text on Node; at half of that the bytes, their
 * text and the parsed objects (a few times the text) still fit Node's default heap. A list
 * page of the SDK's default 500 objects is a few MiB on real clusters.
 */
import { ResponseTooLargeError, type ErrorSite } from "../base/errors.ts";
import { siteOfUrl } from "./transport-errors.ts";
import type { HttpRequest } from "./types.ts";

/** The default response-size limit: 256 MiB, counted after decompression. */
export const DEFAULT_MAX_RESPONSE_BYTES = 256 * 1024 * 1024;

/** Small pieces are copied into blocks that grow from 16 KiB to 1 MiB rather than kept one by one. */
const FIRST_BLOCK_BYTES = 16 << 10;
const BLOCK_BYTES = 1 << 20;

/**
 * The pieces of a body being collected. A runtime may hand out each chunk as a view into a
 * much larger buffer (Deno: 4 KiB of inflated gzip or a 16 KiB HTTP/2 frame, each in a buffer
 * of its own of 64 KiB), so keeping the views would hold several times the body; such chunks
 * are copied into blocks (of up to 1 MiB), and only chunks of 16 KiB or more that fill at least
 * half of their buffer are kept as they are.
 */
class BodyParts {
  readonly parts: Uint8Array[] = [];
  #block: Uint8Array | undefined;
  #used = 0;
  #nextBlock = FIRST_BLOCK_BYTES;

  add(chunk: Uint8Array): void {
    if (chunk.byteLength >= FIRST_BLOCK_BYTES && chunk.byteLength * 2 >= chunk.buffer.byteLength) {
      this.#flush();
      this.parts.push(chunk);
      return;
    }
    for (let at = 0; at < chunk.byteLength; ) {
      if (!this.#block) {
        this.#block = new Uint8Array(this.#nextBlock);
        this.#nextBlock = Math.min(BLOCK_BYTES, this.#nextBlock * 2);
      }
      const n = Math.min(chunk.byteLength - at, this.#block.byteLength - this.#used);
      this.#block.set(chunk.subarray(at, at + n), this.#used);
      this.#used += n;
      at += n;
      if (this.#used === this.#block.byteLength) this.#flush();
    }
  }

  /** The pieces, in order; a partly filled block keeps only what it holds. */
  finish(): Uint8Array[] {
    this.#flush();
    return this.parts;
  }

  #flush(): void {
    if (!this.#block) return;
    const block = this.#block;
    this.parts.push(this.#used * 2 >= block.byteLength ? block.subarray(0, this.#used) : block.slice(0, this.#used));
    this.#block = undefined;
    this.#used = 0;
  }
}

/**
 * Reads a whole body, failing with ResponseTooLargeError once it passes `limit` bytes.
 * Leaving the loop early cancels the stream (the transports' generators do that).
 *
 * @example
 * const bytes = await collectLimited(response.stream(), 1024 * 1024, { method: "GET", path: "/api/v1/pods" });
 */
export async function collectLimited(chunks: AsyncIterable<Uint8Array>, limit: number, site: ErrorSite | (() => ErrorSite)): Promise<Uint8Array> {
  const body = new BodyParts();
  let size = 0;
  for await (const chunk of chunks) {
    size += chunk.byteLength;
    if (size > limit) throw new ResponseTooLargeError("body", limit, typeof site === "function" ? site() : site);
    body.add(chunk);
  }
  return concatBytes(body.finish(), size);
}

/**
 * The chunks of a body as one array (the chunk itself when there is one); `size` is their total length.
 *
 * @example concatBytes([new Uint8Array([1]), new Uint8Array([2])], 2) // Uint8Array [1, 2]
 */
export function concatBytes(parts: readonly Uint8Array[], size: number): Uint8Array {
  if (parts.length === 1 && parts[0]) return parts[0];
  const out = new Uint8Array(size);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.byteLength;
  }
  return out;
}

/**
 * A transport's `bytes()`: the whole body within the request's `maxResponseBytes`. A body
 * the server announces (Content-Length, not compressed) as larger fails before any read,
 * and `abandon` lets go of it.
 *
 * @example
 * bytes: () => readWholeBody(request, headers, (limit, site) => collectLimited(chunks(), limit, site), () => source.destroy()),
 */
export async function readWholeBody(
  request: Pick<HttpRequest, "method" | "url" | "maxResponseBytes">,
  headers: Record<string, string>,
  read: (limit: number, site: () => ErrorSite) => Promise<Uint8Array>,
  abandon: () => void | Promise<void>,
): Promise<Uint8Array> {
  const limit = responseLimit(request.maxResponseBytes);
  // Parsing the URL for the error's site is left to the failure: most bodies fit.
  const site = (): ErrorSite => siteOfUrl(request.method, request.url);
  const declared = headers["content-encoding"] ? Number.NaN : Number(headers["content-length"]);
  if (Number.isFinite(declared) && declared > limit) {
    await abandon();
    throw new ResponseTooLargeError("body", limit, site());
  }
  return read(limit, site);
}

/**
 * The limit to apply: a positive number as given, anything else the default.
 *
 * @example responseLimit(undefined) // DEFAULT_MAX_RESPONSE_BYTES
 */
export function responseLimit(maxResponseBytes: number | undefined): number {
  return maxResponseBytes !== undefined && maxResponseBytes > 0 ? maxResponseBytes : DEFAULT_MAX_RESPONSE_BYTES;
}
