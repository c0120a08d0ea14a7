/**
 * Fuzzing the watch line decoder: any text, cut into chunks anywhere (inside multi-byte
 * characters and CRLF pairs too), with a line limit that some lines pass. The decoder gives
 * exactly the reference lines when none is longer than the limit, and otherwise fails with
 * ResponseTooLargeError, never anything else.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ResponseTooLargeError } from "../../../src/base/errors.ts";
import { chunksOf } from "../transport/chunked-source.ts";
import { decodeLines } from "../../../src/transport/line-decoder.ts";
import { SEEDS } from "./seeds.ts";

const encoder = new TextEncoder();

/** The raw lines (terminators removed, CR kept) and the decoded reference lines. */
function reference(text: string): { raw: string[]; lines: string[] } {
  const raw = text.split("\n");
  if (raw[raw.length - 1] === "") raw.pop();
  return { raw, lines: raw.map((p) => (p.endsWith("\r") ? p.slice(0, -1) : p)) };
}

const text = fc.oneof(
  fc.string({ unit: fc.constantFrom("a", "\n", "\r", "é", "€", "😀", " ", "{", "}"), maxLength: 300 }),
  // Some long lines among short ones.
  fc.array(fc.oneof(fc.string({ maxLength: 5 }), fc.nat({ max: 400 }).map((n) => "x".repeat(n))), { maxLength: 8 }).map((ls) => ls.join("\n")),
);

describe.each(SEEDS)("line decoder fuzz (%s seed %i)", (_label, seed) => {
  it("random chunkings with oversize lines: the reference lines, or ResponseTooLargeError", async () => {
    await fc.assert(
      fc.asyncProperty(text, fc.array(fc.nat({ max: 1200 }), { maxLength: 30 }), fc.integer({ min: 1, max: 300 }), async (input, cuts, limit) => {
        const { raw, lines } = reference(input);
        const tooLong = raw.some((line) => line.length > limit);
        const got: string[] = [];
        try {
          for await (const line of decodeLines(chunksOf(encoder.encode(input), cuts), { maxLineBytes: limit })) got.push(line);
        } catch (e) {
          expect(e).toBeInstanceOf(ResponseTooLargeError);
          expect(tooLong).toBe(true);
          // Every line delivered before the failure was a whole, correct line.
          expect(got).toEqual(lines.slice(0, got.length));
          return;
        }
        expect(tooLong).toBe(false);
        expect(got).toEqual(lines);
      }),
      { seed, numRuns: 1000 },
    );
  });
}, 60_000);
