/**
 * Splits a byte stream into text lines: what watch and log-follow streams need.
 *
 * Lines end with "\n"; one "\r" before it is dropped (CRLF). A last line without a
 * terminator is still delivered. Bytes are decoded as UTF-8 with a streaming TextDecoder,
 * so a character split across chunks comes out whole. Invalid UTF-8 becomes U+FFFD.
 *
 * Cost is linear in the input: a line that spans many chunks is kept as a list of pieces
 * and joined once, never grown by repeated concatenation.
 */

/**
 * Decodes a byte stream into batches of complete lines, one batch per input chunk that
 * completed at least one line. Batching lets a consumer parse many small lines without
 * paying one promise per line.
 *
 * @example
 * for await (const lines of lineBatches(response.stream())) for (const line of lines) handle(line);
 */
export async function* lineBatches(source: AsyncIterable<Uint8Array>): AsyncGenerator<string[], void, undefined> {
  const decoder = new TextDecoder("utf-8");
  const splitter = new LineSplitter();
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
export async function* decodeLines(source: AsyncIterable<Uint8Array>): AsyncGenerator<string, void, undefined> {
  for await (const lines of lineBatches(source)) yield* lines;
}

/** Turns decoded text pieces into lines; holds the unfinished line between pieces. */
export class LineSplitter {
  private pending: string[] = [];

  /** Adds text and returns the lines it completed. */
  push(text: string): string[] {
    const lines: string[] = [];
    let start = 0;
    let newline = text.indexOf("\n");
    while (newline !== -1) {
      let line = text.slice(start, newline);
      if (this.pending.length > 0) {
        this.pending.push(line);
        line = this.pending.join("");
        this.pending = [];
      }
      lines.push(dropCarriageReturn(line));
      start = newline + 1;
      newline = text.indexOf("\n", start);
    }
    if (start < text.length) this.pending.push(start === 0 ? text : text.slice(start));
    return lines;
  }

  /** The unterminated last line, if any text is left. */
  end(): string | undefined {
    if (this.pending.length === 0) return undefined;
    const line = this.pending.join("");
    this.pending = [];
    return dropCarriageReturn(line);
  }
}

function dropCarriageReturn(line: string): string {
  return line.endsWith("\r") ? line.slice(0, -1) : line;
}
