/**
 * collectLimited: the bytes come back exactly, whatever the chunks (views into larger buffers,
 * as Deno's fetch hands them out, tiny or large), and a body over the limit fails. That views'
 * backing buffers are not kept is measured by test/hostile/memory.test.ts (peak RSS on Deno).
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ResponseTooLargeError } from "../../../src/base/errors.ts";
import { collectLimited } from "../../../src/transport/body-limit.ts";

/** A chunk as a view of `length` bytes at `offset` into a buffer `spare` bytes longer. */
const chunk = fc.record({ bytes: fc.uint8Array({ maxLength: 40_000 }), offset: fc.nat(70_000), spare: fc.nat(70_000) }).map(({ bytes, offset, spare }) => {
  const backing = new Uint8Array(offset + bytes.byteLength + spare);
  backing.set(bytes, offset);
  return backing.subarray(offset, offset + bytes.byteLength);
});

async function* from(chunks: Uint8Array[]): AsyncGenerator<Uint8Array> {
  for (const c of chunks) yield c;
}

const site = { method: "GET", path: "/api/v1/pods" };

describe("collectLimited", () => {
  it("returns the concatenation of any chunks, views or not", async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(chunk, { maxLength: 60 }), async (chunks) => {
        const expected = Buffer.concat(chunks.map((c) => Buffer.from(c.buffer, c.byteOffset, c.byteLength)));
        const got = await collectLimited(from(chunks), Number.MAX_SAFE_INTEGER, site);
        expect(Buffer.from(got.buffer, got.byteOffset, got.byteLength).equals(expected)).toBe(true);
      }),
      { numRuns: 60 },
    );
  });

  it("fails with ResponseTooLargeError one byte past the limit", async () => {
    const chunks = [new Uint8Array(600), new Uint8Array(401)];
    await expect(collectLimited(from(chunks), 1000, site)).rejects.toBeInstanceOf(ResponseTooLargeError);
    expect((await collectLimited(from(chunks), 1001, site)).byteLength).toBe(1001);
  });
});
