import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { chunksOf } from "./chunked-source.ts";
import { DEFAULT_MAX_LINE_BYTES, decodeLines, lineBatches } from "../../../src/transport/line-decoder.ts";
import { ResponseTooLargeError } from "../../../src/base/errors.ts";

const encoder = new TextEncoder();

async function collect(source: AsyncIterable<string>): Promise<string[]> {
  const out: string[] = [];
  for await (const line of source) out.push(line);
  return out;
}

/** The reference: split on LF, drop a trailing empty segment, drop one CR per line. */
function referenceLines(text: string): string[] {
  const parts = text.split("\n");
  if (parts[parts.length - 1] === "") parts.pop();
  return parts.map((p) => (p.endsWith("\r") ? p.slice(0, -1) : p));
}

describe("decodeLines", () => {
  const cases: { name: string; text: string; cuts: number[]; lines: string[] }[] = [
    { name: "empty stream", text: "", cuts: [], lines: [] },
    { name: "one terminated line", text: "a\n", cuts: [], lines: ["a"] },
    { name: "partial last line", text: "a\nbc", cuts: [], lines: ["a", "bc"] },
    { name: "line split across chunks", text: "hello\nworld\n", cuts: [2, 8], lines: ["hello", "world"] },
    { name: "CRLF", text: "a\r\nb\r\n", cuts: [], lines: ["a", "b"] },
    { name: "CR and LF in different chunks", text: "a\r\nb", cuts: [2], lines: ["a", "b"] },
    { name: "empty lines kept", text: "\n\na\n", cuts: [1], lines: ["", "", "a"] },
    { name: "lone CR inside a line kept", text: "a\rb\n", cuts: [], lines: ["a\rb"] },
    // "é" is 2 bytes, "€" 3 bytes, "😀" 4 bytes: cut inside each of them.
    { name: "multi-byte characters split", text: "é€😀\nx", cuts: [1, 3, 4, 7, 8], lines: ["é€😀", "x"] },
  ];
  it.each(cases)("$name", async ({ text, cuts, lines }) => {
    expect(await collect(decodeLines(chunksOf(encoder.encode(text), cuts)))).toEqual(lines);
  });

  it("replaces invalid UTF-8 instead of failing", async () => {
    const bytes = new Uint8Array([0x61, 0xff, 0x0a]);
    expect(await collect(decodeLines(chunksOf(bytes, [])))).toEqual(["a\uFFFD"]);
  });

  it("any chunking of any text gives the reference lines", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.string({ unit: fc.constantFrom("a", "\n", "\r", "é", "€", "😀", " ", "{") }),
        fc.array(fc.nat({ max: 200 }), { maxLength: 20 }),
        async (text, cuts) => {
          const bytes = encoder.encode(text);
          const lines = await collect(decodeLines(chunksOf(bytes, cuts)));
          expect(lines).toEqual(referenceLines(text));
        },
      ),
      { numRuns: 500 },
    );
  });

  it("delivers a 1 MiB line sent in 1 KiB chunks, in linear time", async () => {
    const big = `{"data":"${"x".repeat(1024 * 1024)}"}`;
    const text = `${big}\nsmall\n`;
    const bytes = encoder.encode(text);
    const cuts = Array.from({ length: Math.floor(bytes.length / 1024) }, (_, i) => (i + 1) * 1024);
    const started = performance.now();
    const lines = await collect(decodeLines(chunksOf(bytes, cuts)));
    const elapsed = performance.now() - started;
    expect(lines).toHaveLength(2);
    expect(lines[0]).toBe(big);
    expect(lines[1]).toBe("small");
    // Quadratic concatenation of 1025 pieces of a 1 MiB string takes seconds; linear takes ms.
    expect(elapsed).toBeLessThan(1000);
  });

  it("a line without end fails with ResponseTooLargeError once it passes the limit, reading no further", async () => {
    let pulled = 0;
    async function* endless(): AsyncGenerator<Uint8Array> {
      const chunk = encoder.encode("a".repeat(64 * 1024));
      for (;;) {
        pulled += chunk.length;
        yield chunk;
      }
    }
    const site = { method: "GET", path: "/api/v1/pods?watch=true", server: "https://k" };
    const error = await collect(decodeLines(endless(), { maxLineBytes: 1024 * 1024, site })).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ResponseTooLargeError);
    expect((error as ResponseTooLargeError).part).toBe("line");
    expect((error as Error).message).toBe(
      "the stream sent a line longer than 1 MiB; an API server's objects are at most about 1.5 MiB (GET /api/v1/pods?watch=true, server https://k)",
    );
    expect(pulled).toBeLessThanOrEqual(1024 * 1024 + 64 * 1024);
  });

  it("a line of exactly the limit passes; one more character does not", async () => {
    const limit = 1000;
    const ok = await collect(decodeLines(chunksOf(encoder.encode(`${"x".repeat(limit)}\nend\n`), [300, 700]), { maxLineBytes: limit }));
    expect(ok.map((l) => l.length)).toEqual([limit, 3]);
    const over = await collect(decodeLines(chunksOf(encoder.encode(`${"x".repeat(limit + 1)}\n`), [300]), { maxLineBytes: limit })).catch((e: unknown) => e);
    expect(over).toBeInstanceOf(ResponseTooLargeError);
  });

  it("the default line limit is 16 MiB", () => {
    expect(DEFAULT_MAX_LINE_BYTES).toBe(16 * 1024 * 1024);
  });

  it("batches the lines completed by one chunk", async () => {
    const batches: string[][] = [];
    for await (const batch of lineBatches(chunksOf(encoder.encode("a\nb\nc"), [4]))) batches.push(batch);
    expect(batches).toEqual([["a", "b"], ["c"]]);
  });
});
