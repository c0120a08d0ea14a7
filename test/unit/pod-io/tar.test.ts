/**
 * cp's tar writer and reader: our archives round-trip through our reader whatever the
 * chunking, GNU tar extracts them as they were, and our reader reads what GNU tar writes
 * (long names, binary content). Property-based over random trees.
 */
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { afterAll, describe, expect, it } from "vitest";
import { DecodeError } from "../../../src/base/errors.ts";
import { decodeHeader, encodeHeader, parsePax } from "../../../src/pod-io/tar-format.ts";
import { TarReader } from "../../../src/pod-io/tar-reader.ts";
import { tarFromPath } from "../../../src/pod-io/tar-writer.ts";

const scratch = mkdtempSync(join(tmpdir(), "bun-k8s-tar-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));
let nextDir = 0;
const freshDir = (): string => {
  const dir = join(scratch, String(nextDir++));
  mkdirSync(dir);
  return dir;
};

/** A tree: relative path → contents. Names up to 120 characters and nested folders, so long names need PAX or GNU records. */
const treeArb = fc
  .uniqueArray(
    fc.record({
      dirs: fc.array(fc.stringMatching(/^[a-z0-9_-]{1,40}$/), { maxLength: 3 }),
      name: fc.stringMatching(/^[a-zA-Z0-9._-]{1,120}$/).filter((n) => n !== "." && n !== ".."),
      content: fc.uint8Array({ maxLength: 3000 }),
    }),
    { minLength: 1, maxLength: 8, selector: (f) => f.name },
  )
  // A file name must not also be a folder name on the same path.
  .filter((files) => {
    const names = new Set(files.map((f) => f.name));
    return files.every((f) => f.dirs.every((d) => !names.has(d)));
  });

function writeTree(root: string, files: { dirs: string[]; name: string; content: Uint8Array }[]): Map<string, Buffer> {
  const expected = new Map<string, Buffer>();
  for (const f of files) {
    const dir = join(root, ...f.dirs);
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, f.name), f.content);
    expected.set([...f.dirs, f.name].join("/"), Buffer.from(f.content));
  }
  return expected;
}

async function archiveOf(path: string, top: string): Promise<Buffer> {
  const parts: Uint8Array[] = [];
  for await (const chunk of tarFromPath(path, top)) parts.push(chunk);
  return Buffer.concat(parts);
}

/** Reads an archive fed in the given chunk sizes; returns files (path → bytes), folders and symlinks. */
function readArchive(archive: Uint8Array, chunkSizes: number[] = [archive.byteLength]): { files: Map<string, Buffer>; dirs: string[]; links: Map<string, string> } {
  const reader = new TarReader();
  const files = new Map<string, Buffer>();
  const dirs: string[] = [];
  const links = new Map<string, string>();
  let current: { path: string; parts: Uint8Array[] } | undefined;
  let at = 0;
  let i = 0;
  while (at < archive.byteLength) {
    const size = Math.max(1, chunkSizes[i++ % chunkSizes.length]!);
    for (const ev of reader.push(archive.subarray(at, at + size))) {
      if (ev.kind === "entry") {
        if (ev.header.type === "file") current = { path: ev.header.path, parts: [] };
        else if (ev.header.type === "directory") dirs.push(ev.header.path.replace(/\/$/, ""));
        else if (ev.header.type === "symlink") links.set(ev.header.path, ev.header.linkname);
      } else if (ev.kind === "data") current?.parts.push(ev.bytes.slice());
      else if (current) {
        files.set(current.path, Buffer.concat(current.parts));
        current = undefined;
      }
    }
    at += size;
  }
  reader.finish();
  return { files, dirs, links };
}

const withoutTop = (files: Map<string, Buffer>, top: string) => new Map([...files].map(([p, b]) => [p.slice(top.length + 1), b]));

describe("tar (cp's archive format)", () => {
  it("a folder round-trips through our writer and reader, byte-exact, however the reads are cut", async () => {
    await fc.assert(
      fc.asyncProperty(treeArb, fc.array(fc.integer({ min: 1, max: 2000 }), { minLength: 1, maxLength: 5 }), async (tree, cuts) => {
        const root = freshDir();
        const expected = writeTree(root, tree);
        const { files } = readArchive(await archiveOf(root, "top"), cuts);
        expect(withoutTop(files, "top")).toEqual(expected);
      }),
      { numRuns: 40 },
    );
  });

  it("GNU tar extracts what we write, and we read what GNU tar writes", async () => {
    await fc.assert(
      fc.asyncProperty(treeArb, async (tree) => {
        const root = freshDir();
        const expected = writeTree(join(root, "src"), tree);
        // Ours → GNU tar.
        const ours = join(root, "ours.tar");
        writeFileSync(ours, await archiveOf(join(root, "src"), "top"));
        mkdirSync(join(root, "out"));
        const x = spawnSync("tar", ["-xf", ours, "-C", join(root, "out")], { encoding: "utf8" });
        expect(x.stderr).toBe("");
        expect(x.status).toBe(0);
        for (const [path, bytes] of expected) expect(readFileSync(join(root, "out", "top", path))).toEqual(bytes);
        // GNU tar → ours (GNU long-name records, its own padding to a 10 KiB record).
        const c = spawnSync("tar", ["-cf", "-", "-C", root, "src"], { maxBuffer: 1 << 26 });
        expect(c.status).toBe(0);
        expect(withoutTop(readArchive(c.stdout, [4096]).files, "src")).toEqual(expected);
      }),
      { numRuns: 15 },
    );
  });

  it("keeps symlinks as links and empty folders as folders", async () => {
    const root = freshDir();
    mkdirSync(join(root, "empty"));
    writeFileSync(join(root, "target.bin"), Uint8Array.of(0, 255, 1));
    symlinkSync("target.bin", join(root, "link"));
    const { files, dirs, links } = readArchive(await archiveOf(root, "t"));
    expect(dirs).toEqual(expect.arrayContaining(["t", "t/empty"]));
    expect(links).toEqual(new Map([["t/link", "target.bin"]]));
    expect(files).toEqual(new Map([["t/target.bin", Buffer.from([0, 255, 1])]]));
  });

  it("an archive cut short is a DecodeError, whether inside an entry or before the end blocks", async () => {
    const root = freshDir();
    writeFileSync(join(root, "f"), Buffer.alloc(2000, 7));
    const whole = await archiveOf(join(root, "f"), "f");
    expect(() => readArchive(whole.subarray(0, 1024))).toThrow(DecodeError);
    expect(() => readArchive(whole.subarray(0, 1024))).toThrow(/middle of an entry/);
    expect(() => readArchive(whole.subarray(0, 512 + 2048))).toThrow(/without its end-of-archive blocks/);
  });

  it("headers: encode and decode agree; a bad number field is a DecodeError naming it; PAX records parse", () => {
    fc.assert(
      fc.property(
        fc.stringMatching(/^[a-z0-9/._-]{1,99}$/),
        fc.integer({ min: 0, max: 2 ** 33 - 1 }),
        fc.integer({ min: 0, max: 0o7777 }),
        fc.integer({ min: 0, max: 2 ** 33 - 1 }),
        (path, size, mode, mtime) => {
          const back = decodeHeader(encodeHeader({ path, type: "file", size, mode, mtime, linkname: "" }));
          expect(back).toMatchObject({ path, type: "file", size, mode, mtime });
        },
      ),
    );
    const block = encodeHeader({ path: "a", type: "file", size: 1, mode: 0o644, mtime: 0, linkname: "" });
    block.set(new TextEncoder().encode("12x45678901"), 124); // the size field
    expect(() => decodeHeader(block)).toThrow(/checksum mismatch/);
    // With a checksum that fits the change, the field itself is what is wrong.
    block.fill(0x20, 148, 156);
    const sum = block.reduce((a, b) => a + b, 0);
    block.set(new TextEncoder().encode(sum.toString(8).padStart(6, "0") + "\0 "), 148);
    expect(() => decodeHeader(block)).toThrow(DecodeError);
    expect(() => decodeHeader(block)).toThrow(/bad size field "12x45678901"/);
    expect(parsePax(new TextEncoder().encode("29 path=a/very/long/name.txt\n14 uid=123456\n"))).toEqual({ path: "a/very/long/name.txt", uid: "123456" });
  });
});
