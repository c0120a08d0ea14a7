/**
 * A gzip body of about 10 MB that inflates to 10 GiB, built in milliseconds: the prefix,
 * one MiB of filler and the suffix are deflated separately, each ending on a full flush
 * (byte-aligned, no reference to earlier data), so the filler's compressed block can be
 * repeated 10,240 times. The trailer's CRC-32 of the whole 10 GiB comes from zlib's
 * crc32_combine algorithm, so the body is valid gzip to its last byte.
 */
import zlib from "node:zlib";

export interface GzipBomb {
  /** The compressed body. */
  body: Buffer;
  /** Bytes it inflates to. */
  inflatedBytes: number;
}

/**
 * @example const bomb = gzipBomb('{"kind":"List","items":[', "a", "]}", 10 * 1024); // 10 GiB of "a" inside a list
 */
export function gzipBomb(prefix: string, fillerByte: string, suffix: string, mebibytes: number): GzipBomb {
  const head = Buffer.from(prefix);
  const filler = Buffer.alloc(1 << 20, fillerByte);
  const tail = Buffer.from(suffix);
  const flush = { finishFlush: zlib.constants.Z_FULL_FLUSH };
  // All filler segments are identical: compressed once, the same buffer repeated.
  const segment = zlib.deflateRawSync(filler, flush);
  const parts = [
    Buffer.from([0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0xff]),
    zlib.deflateRawSync(head, flush),
    ...Array.from({ length: mebibytes }, () => segment),
    zlib.deflateRawSync(tail),
  ];
  const inflatedBytes = head.length + filler.length * mebibytes + tail.length;
  let crc = crc32Repeat(zlib.crc32(filler), filler.length, mebibytes);
  crc = crc32Combine(zlib.crc32(head), crc, filler.length * mebibytes);
  crc = crc32Combine(crc, zlib.crc32(tail), tail.length);
  const trailer = Buffer.alloc(8);
  trailer.writeUInt32LE(crc >>> 0, 0);
  trailer.writeUInt32LE(inflatedBytes % 2 ** 32, 4);
  parts.push(trailer);
  return { body: Buffer.concat(parts), inflatedBytes };
}

// GF(2) matrix helpers of zlib's crc32_combine: a 32x32 bit matrix as 32 row words.
function times(matrix: Uint32Array, vector: number): number {
  let sum = 0;
  for (let i = 0, v = vector >>> 0; v !== 0; i++, v >>>= 1) if (v & 1) sum ^= matrix[i] ?? 0;
  return sum >>> 0;
}

function square(matrix: Uint32Array): Uint32Array {
  const out = new Uint32Array(32);
  for (let i = 0; i < 32; i++) out[i] = times(matrix, matrix[i] ?? 0);
  return out;
}

/** The CRC-32 of A followed by B, from crc(A), crc(B) and B's length (any size up to 2^53). */
export function crc32Combine(crcA: number, crcB: number, lengthB: number): number {
  if (lengthB <= 0) return crcA >>> 0;
  let odd: Uint32Array = new Uint32Array(32);
  odd[0] = 0xedb88320;
  for (let i = 1; i < 32; i++) odd[i] = (1 << (i - 1)) >>> 0;
  let even: Uint32Array = square(odd); // two zero bits
  odd = square(even); // four zero bits
  let crc = crcA >>> 0;
  let length = lengthB;
  for (;;) {
    even = square(odd);
    if (length % 2 === 1) crc = times(even, crc);
    length = Math.floor(length / 2);
    if (length === 0) break;
    odd = square(even);
    if (length % 2 === 1) crc = times(odd, crc);
    length = Math.floor(length / 2);
    if (length === 0) break;
  }
  return (crc ^ crcB) >>> 0;
}

/** The CRC-32 of `count` copies of a block, by doubling. */
function crc32Repeat(crcBlock: number, blockLength: number, count: number): number {
  let result = 0;
  let acc = crcBlock >>> 0;
  let accLength = blockLength;
  for (let n = count; n > 0; n = Math.floor(n / 2)) {
    if (n % 2 === 1) result = crc32Combine(result, acc, accLength);
    acc = crc32Combine(acc, acc, accLength);
    accLength *= 2;
  }
  return result;
}
