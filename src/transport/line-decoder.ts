/**
 * Splits a byte stream into text lines: what watch and log-follow streams need.
 *
 * Lines end with "\n"; one "\r" before it is dropped (CRLF). A last line without a
 * terminator is still delivered. Bytes are decoded as UTF-8 with a streaming TextDecoder,
 * so a character split across chunks comes out whole. Invalid UTF-8 becomes U+FFFD.
 *
 * Cost is linear in the input: a line that spans many chunks is kept as a list of pieces
 * and joined once, never grown by repeated concatenation. Memory is bounded: a line longer
 * than `maxLineBytes` (default 16 MiB) fails with ResponseTooLargeError as soon as it gets
 * there, so a server that never sends a newline cannot make us hold more. The length is
 * counted in UTF-16 units of the decoded text, never more than the line's bytes.
 */
import { ResponseTooLargeError, type ErrorSite } from "../base/errors.ts";

/**
 * The default longest line of a watch or log stream: 16 MiB, ten times etcd's 1.5 MiB
 * object limit (a watch event is one object plus a few bytes of envelope).
 */
export const DEFAULT_MAX_LINE_BYTES = 16 * 1024 * 1024;

export interface LineOptions {
  /** The longest line accepted; default DEFAULT_MAX_LINE_BYTES (16 MiB). */
  maxLineBytes?: number | undefined;
  /** Where the stream comes from, for the error. */
  site?: ErrorSite | undefined;
}

/**
 * Decodes a byte stream into batches of complete lines, one batch per input chunk that
 * completed at least one line. Batching lets a consumer parse many small lines without
 * paying one promise per line.
 *
 * @example
 * for await (const lines of lineBatches(response.stream())) for (const line of lines) handle(line);
 */
export async function* lineBatches(source: AsyncIterable<Uint8Array>, options: LineOptions = {}): AsyncGenerator<string[], void, undefined> {
  const decoder = new TextDecoder("utf-8");
  const splitter = new LineSplitter(options);
  for await (const chunk of source) {
    const lines = splitter.push(decoder.decode(chunk, { stream: true }));
    if (lines.length > 0) yield lines;
  }
  const lines = splitter.push(decoder.decode());
  const last = splitter.end();
  if (last !== undefined) lines.push(last);
  if (lines.length > 0) yield lines;
}

/**
 * Decodes a byte stream into lines (without their terminators).
 *
 * @example
 * for await (const line of decodeLines(response.stream())) console.log(line);
 */
export async function* decodeLines(source: AsyncIterable<Uint8Array>, options: LineOptions = {}): AsyncGenerator<string, void, undefined> {
  for await (const lines of lineBatches(source, options)) yield* lines;
}

/** Turns decoded text pieces into lines; holds the unfinished line between pieces. */
export class LineSplitter {
  private pending: string[] = [];
  private pendingLength = 0;
  private readonly max: number;
  private readonly site: ErrorSite;

  constructor(options: LineOptions = {}) {
    this.max = options.maxLineBytes !== undefined && options.maxLineBytes > 0 ? options.maxLineBytes : DEFAULT_MAX_LINE_BYTES;
    this.site = options.site ?? {};
  }

  /** Adds text and returns the lines it completed; ResponseTooLargeError once a line passes the limit. */
  push(text: string): string[] {
    const lines: string[] = [];
    let start = 0;
    let newline = text.indexOf("\n");
    while (newline !== -1) {
      this.check(this.pendingLength + newline - start);
      let line = text.slice(start, newline);
      if (this.pending.length > 0) {
        this.pending.push(line);
        line = this.pending.join("");
        this.pending = [];
        this.pendingLength = 0;
      }
      lines.push(dropCarriageReturn(line));
      start = newline + 1;
      newline = text.indexOf("\n", start);
    }
    if (start < text.length) {
      this.check(this.pendingLength + text.length - start);
      this.pending.push(start === 0 ? text : text.slice(start));
      this.pendingLength += text.length - start;
    }
    return lines;
  }

  /** The unterminated last line, if any text is left. */
  end(): string | undefined {
    if (this.pending.length === 0) return undefined;
    const line = this.pending.join("");
    this.pending = [];
    this.pendingLength = 0;
    return dropCarriageReturn(line);
  }

  private check(length: number): void {
    if (length > this.max) throw new ResponseTooLargeError("line", this.max, this.site);
  }
}

function dropCarriageReturn(line: string): string {
  return line.endsWith("\r") ? line.slice(0, -1) : line;
}
