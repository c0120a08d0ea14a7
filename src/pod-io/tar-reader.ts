/**
 * A streaming tar parser, pure: feed it chunks of any size and it hands back what they
 * complete, so an archive of any size passes through in bounded memory. PAX headers and
 * GNU long names apply to the entry after them.
 */
import { DecodeError } from "../base/errors.ts";
import { BLOCK, decodeHeader, padded, parsePax, type TarHeader } from "./tar-format.ts";

export type TarEvent = { kind: "entry"; header: TarHeader } | { kind: "data"; bytes: Uint8Array } | { kind: "entryEnd" };

/** Metadata entries (PAX, GNU long names) are small; anything bigger is not one. */
const MAX_META_BYTES = 1 << 20;

type State =
  | { at: "header" }
  | { at: "body"; remaining: number; padding: number }
  | { at: "meta"; typeflag: string; remaining: number; padding: number; parts: Uint8Array[] }
  | { at: "skip"; remaining: number }
  | { at: "end" };

/**
 * @example
 * const reader = new TarReader();
 * for (const event of reader.push(chunk)) if (event.kind === "entry") console.log(event.header.path);
 * reader.finish();
 */
export class TarReader {
  #state: State = { at: "header" };
  #header = new Uint8Array(BLOCK);
  #headerFill = 0;
  #zeroBlocks = 0;
  #pax: Record<string, string> = {};
  #longName: string | undefined;
  #longLink: string | undefined;

  /** True once the end-of-archive blocks were read. */
  get ended(): boolean {
    return this.#state.at === "end";
  }

  /** Events completed by `chunk`. Data events are views into `chunk`. */
  push(chunk: Uint8Array): TarEvent[] {
    const events: TarEvent[] = [];
    let at = 0;
    while (at < chunk.byteLength) {
      const state = this.#state;
      const left = chunk.byteLength - at;
      switch (state.at) {
        case "end":
          return events; // GNU tar pads the archive to a record size with zeros
        case "header": {
          const take = Math.min(BLOCK - this.#headerFill, left);
          this.#header.set(chunk.subarray(at, at + take), this.#headerFill);
          this.#headerFill += take;
          at += take;
          if (this.#headerFill === BLOCK) {
            this.#headerFill = 0;
            this.#onHeader(events);
          }
          break;
        }
        case "body": {
          if (state.remaining > 0) {
            const take = Math.min(state.remaining, left);
            events.push({ kind: "data", bytes: chunk.subarray(at, at + take) });
            state.remaining -= take;
            at += take;
          } else {
            const take = Math.min(state.padding, left);
            state.padding -= take;
            at += take;
          }
          if (state.remaining === 0 && state.padding === 0) {
            events.push({ kind: "entryEnd" });
            this.#state = { at: "header" };
          }
          break;
        }
        case "meta": {
          const take = Math.min(state.remaining, left);
          state.parts.push(chunk.slice(at, at + take));
          state.remaining -= take;
          at += take;
          if (state.remaining === 0) {
            this.#onMeta(state.typeflag, state.parts);
            this.#state = state.padding > 0 ? { at: "skip", remaining: state.padding } : { at: "header" };
          }
          break;
        }
        case "skip": {
          const take = Math.min(state.remaining, left);
          state.remaining -= take;
          at += take;
          if (state.remaining === 0) this.#state = { at: "header" };
          break;
        }
      }
    }
    return events;
  }

  /** Throws DecodeError unless the archive ended where an entry ends. */
  finish(): void {
    const state = this.#state;
    if (state.at === "end" || (state.at === "header" && this.#headerFill === 0 && this.#zeroBlocks > 0)) return;
    if (state.at === "header" && this.#headerFill === 0 && this.#zeroBlocks === 0) {
      throw new DecodeError("tar: the archive ended without its end-of-archive blocks (cut short?)");
    }
    throw new DecodeError("tar: the archive ended in the middle of an entry");
  }

  #onHeader(events: TarEvent[]): void {
    const raw = decodeHeader(this.#header);
    if (!raw) {
      if (++this.#zeroBlocks >= 2) this.#state = { at: "end" };
      return;
    }
    this.#zeroBlocks = 0;
    if (raw.typeflag === "x" || raw.typeflag === "g" || raw.typeflag === "L" || raw.typeflag === "K") {
      if (raw.size > MAX_META_BYTES) throw new DecodeError(`tar: a ${raw.typeflag} metadata entry of ${raw.size} bytes is too large`);
      const padding = padded(raw.size) - raw.size;
      this.#state = raw.size > 0 ? { at: "meta", typeflag: raw.typeflag, remaining: raw.size, padding, parts: [] } : { at: "header" };
      return;
    }
    const pax = this.#pax;
    const header: TarHeader = {
      path: pax.path ?? this.#longName ?? raw.path,
      type: raw.type,
      size: pax.size !== undefined ? Number(pax.size) : raw.size,
      mode: raw.mode,
      mtime: pax.mtime !== undefined ? Math.floor(Number(pax.mtime)) : raw.mtime,
      linkname: pax.linkpath ?? this.#longLink ?? raw.linkname,
    };
    if (!Number.isSafeInteger(header.size) || header.size < 0) throw new DecodeError(`tar: bad size for ${JSON.stringify(header.path)}`);
    this.#pax = {};
    this.#longName = undefined;
    this.#longLink = undefined;
    // Only regular files carry content; other entries with a size (devices do not) are skipped whole.
    const size = header.type === "file" || header.type === "other" ? header.size : 0;
    events.push({ kind: "entry", header });
    if (size === 0) {
      events.push({ kind: "entryEnd" });
      return;
    }
    this.#state = { at: "body", remaining: size, padding: padded(size) - size };
  }

  #onMeta(typeflag: string, parts: Uint8Array[]): void {
    const data = Buffer.concat(parts);
    if (typeflag === "x") this.#pax = parsePax(data);
    else if (typeflag === "L") this.#longName = data.toString("utf8").replace(/\0+$/, "");
    else if (typeflag === "K") this.#longLink = data.toString("utf8").replace(/\0+$/, "");
    // "g": global PAX headers carry nothing cp uses.
  }
}
