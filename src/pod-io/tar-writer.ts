/**
 * Streams a local file or folder as a tar archive, reading each file in chunks, so a
 * folder of any size goes out in bounded memory.
 */
import { lstat, open, readdir, readlink } from "node:fs/promises";
import { join } from "node:path";
import { ValidationError } from "../base/errors.ts";
import { BLOCK, END_OF_ARCHIVE, encodeHeader, padded, type TarHeader } from "./tar-format.ts";

const READ_CHUNK = 64 * 1024;

/**
 * The archive of `localPath` (file, folder or symlink), its top entry named `topName`.
 * Sockets, devices and FIFOs are left out.
 *
 * @example for await (const chunk of tarFromPath("./site", "site")) process.stdout.write(chunk);
 */
export async function* tarFromPath(localPath: string, topName: string, onEntry?: (header: TarHeader) => void): AsyncGenerator<Uint8Array> {
  const top = await lstat(localPath).catch((e: NodeJS.ErrnoException) => {
    throw new ValidationError(`cp: cannot read ${localPath}: ${e.code ?? e.message}`);
  });
  if (!top.isFile() && !top.isDirectory() && !top.isSymbolicLink()) throw new ValidationError(`cp: ${localPath} is not a file, folder or symlink`);
  yield* entries(localPath, topName, onEntry ?? (() => undefined));
  yield END_OF_ARCHIVE;
}

async function* entries(path: string, name: string, onEntry: (header: TarHeader) => void): AsyncGenerator<Uint8Array> {
  const st = await lstat(path);
  const base = { path: name, mode: st.mode & 0o7777, mtime: Math.floor(st.mtimeMs / 1000), size: 0, linkname: "" };
  let header: TarHeader | undefined;
  if (st.isSymbolicLink()) header = { ...base, type: "symlink", linkname: await readlink(path) };
  else if (st.isDirectory()) header = { ...base, type: "directory" };
  else if (st.isFile()) header = { ...base, type: "file", size: st.size };
  if (!header) return;
  onEntry(header);
  if (header.type === "file") {
    yield* fileEntry(path, header);
    return;
  }
  yield encodeHeader(header);
  if (header.type === "directory") {
    for (const child of (await readdir(path)).sort()) yield* entries(join(path, child), `${name}/${child}`, onEntry);
  }
}

async function* fileEntry(path: string, header: TarHeader): AsyncGenerator<Uint8Array> {
  yield encodeHeader(header);
  const handle = await open(path, "r");
  try {
    let left = header.size;
    while (left > 0) {
      const buffer = new Uint8Array(Math.min(READ_CHUNK, left));
      const { bytesRead } = await handle.read(buffer, 0, buffer.byteLength, header.size - left);
      if (bytesRead === 0) throw new ValidationError(`cp: ${path} shrank while it was being copied`);
      left -= bytesRead;
      yield buffer.subarray(0, bytesRead);
    }
  } finally {
    await handle.close();
  }
  const pad = padded(header.size) - header.size;
  if (pad > 0) yield new Uint8Array(pad % BLOCK);
}
