/**
 * A byte stream cut wherever a test says: what a socket may deliver (inside multi-byte
 * characters and CRLF pairs too), for the line decoder's tests and fuzzing.
 */

/** `bytes` as chunks ending at each of `cuts` (duplicates and out-of-range cuts ignored). */
export async function* chunksOf(bytes: Uint8Array, cuts: number[]): AsyncGenerator<Uint8Array> {
  let start = 0;
  for (const cut of [...new Set(cuts)].sort((a, b) => a - b)) {
    if (cut <= start || cut >= bytes.length) continue;
    yield bytes.subarray(start, cut);
    start = cut;
  }
  if (start < bytes.length) yield bytes.subarray(start);
}
