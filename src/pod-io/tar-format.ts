/**
 * The tar format, pure: 512-byte ustar headers, PAX extended headers for long names and
 * large sizes (written), and GNU long names and base-256 sizes (read, as GNU tar writes
 * them). What `cp` needs to move files and folders through `tar` in a container.
 */
import { DecodeError } from "../base/errors.ts";

export const BLOCK = 512;

export type TarEntryType = "file" | "directory" | "symlink" | "hardlink" | "other";

export interface TarHeader {
  /** Path inside the archive, "/"-separated. */
  path: string;
  type: TarEntryType;
  /** Bytes of content (files only). */
  size: number;
  /** Permission bits. */
  mode: number;
  /** Modification time, seconds since the epoch. */
  mtime: number;
  /** Target of a symlink or hardlink. */
  linkname: string;
}

const encoder = new TextEncoder();
const TYPE_FLAGS: Record<Exclude<TarEntryType, "other">, string> = { file: "0", directory: "5", symlink: "2", hardlink: "1" };

function writeString(block: Uint8Array, offset: number, length: number, value: string): void {
  block.set(encoder.encode(value).subarray(0, length), offset);
}

function writeOctal(block: Uint8Array, offset: number, length: number, value: number): void {
  writeString(block, offset, length - 1, Math.floor(value).toString(8).padStart(length - 1, "0"));
}

function checksum(block: Uint8Array): number {
  let sum = 0;
  for (let i = 0; i < BLOCK; i++) sum += i >= 148 && i < 156 ? 32 : block[i]!;
  return sum;
}

/** One ustar header block; fields that do not fit must have gone into a PAX header before it. */
function ustarBlock(h: TarHeader, name: string, linkname: string, typeflag: string, size: number): Uint8Array {
  const block = new Uint8Array(BLOCK);
  writeString(block, 0, 100, name);
  writeOctal(block, 100, 8, h.mode & 0o7777);
  writeOctal(block, 108, 8, 0);
  writeOctal(block, 116, 8, 0);
  writeOctal(block, 124, 12, size);
  writeOctal(block, 136, 12, Math.max(0, h.mtime));
  writeString(block, 156, 1, typeflag);
  writeString(block, 157, 100, linkname);
  writeString(block, 257, 6, "ustar\0");
  writeString(block, 263, 2, "00");
  writeString(block, 148, 8, `${checksum(block).toString(8).padStart(6, "0")}\0 `);
  return block;
}

/** "<len> key=value\n", where len counts the whole record, its own digits included. */
function paxRecord(key: string, value: string): string {
  const body = ` ${key}=${value}\n`;
  const bytes = encoder.encode(body).byteLength;
  let len = bytes + String(bytes).length;
  if (String(len).length !== String(bytes).length) len = bytes + String(len).length;
  return `${len}${body}`;
}

const MAX_OCTAL_SIZE = 8 ** 11 - 1;

/**
 * The blocks that introduce an entry: a PAX header when the path or link name is longer
 * than ustar holds (or not ASCII) or the size is beyond 8 GiB, then the ustar header.
 * The content (padded to 512) and the next entry follow.
 *
 * @example encodeHeader({ path: "a.txt", type: "file", size: 3, mode: 0o644, mtime: 0, linkname: "" }).byteLength // 512
 */
export function encodeHeader(h: TarHeader): Uint8Array {
  if (h.type === "other") throw new DecodeError(`tar: cannot write entry ${JSON.stringify(h.path)} of an unsupported type`);
  const path = h.type === "directory" && !h.path.endsWith("/") ? `${h.path}/` : h.path;
  const records: string[] = [];
  const fits = (s: string, max: number): boolean => /^[\x20-\x7e]*$/.test(s) && s.length <= max;
  if (!fits(path, 100)) records.push(paxRecord("path", path));
  if (!fits(h.linkname, 100)) records.push(paxRecord("linkpath", h.linkname));
  const size = h.type === "file" ? h.size : 0;
  if (size > MAX_OCTAL_SIZE) records.push(paxRecord("size", String(size)));
  const main = ustarBlock(h, path.slice(0, 100), h.linkname.slice(0, 100), TYPE_FLAGS[h.type], size > MAX_OCTAL_SIZE ? 0 : size);
  if (records.length === 0) return main;
  const pax = encoder.encode(records.join(""));
  const paxHeader = ustarBlock({ ...h, mode: 0o644 }, "PaxHeader", "", "x", pax.byteLength);
  const out = new Uint8Array(BLOCK + padded(pax.byteLength) + BLOCK);
  out.set(paxHeader, 0);
  out.set(pax, BLOCK);
  out.set(main, BLOCK + padded(pax.byteLength));
  return out;
}

/** @example padded(3) // 512 */
export function padded(size: number): number {
  return Math.ceil(size / BLOCK) * BLOCK;
}

/** Two zero blocks end an archive. */
export const END_OF_ARCHIVE = new Uint8Array(2 * BLOCK);

const decoder = new TextDecoder();

function readString(block: Uint8Array, offset: number, length: number): string {
  const field = block.subarray(offset, offset + length);
  const nul = field.indexOf(0);
  return decoder.decode(nul < 0 ? field : field.subarray(0, nul));
}

/** Octal, or GNU base-256 when the first byte has its high bit set. */
function readNumber(block: Uint8Array, offset: number, length: number, what: string): number {
  const field = block.subarray(offset, offset + length);
  if (field[0]! & 0x80) {
    let value = field[0]! & 0x7f;
    for (let i = 1; i < length; i++) value = value * 256 + field[i]!;
    return value;
  }
  const text = readString(block, offset, length).trim();
  if (text === "") return 0;
  if (!/^[0-7]+$/.test(text)) throw new DecodeError(`tar: bad ${what} field ${JSON.stringify(text)}`);
  return parseInt(text, 8);
}

/** A raw header block, before PAX and GNU long names are applied. */
export interface RawHeader extends TarHeader {
  typeflag: string;
}

/**
 * Reads a header block; undefined for an all-zero block (end of archive).
 *
 * @example decodeHeader(encodeHeader({ path: "a", type: "file", size: 1, mode: 0o600, mtime: 5, linkname: "" }))?.path // "a"
 */
export function decodeHeader(block: Uint8Array): RawHeader | undefined {
  if (block.every((b) => b === 0)) return undefined;
  const stored = readNumber(block, 148, 8, "checksum");
  if (stored !== checksum(block)) throw new DecodeError("tar: header checksum mismatch (not a tar stream, or a corrupt one)");
  const typeflag = String.fromCharCode(block[156]!) === "\0" ? "0" : String.fromCharCode(block[156]!);
  const ustar = readString(block, 257, 6) === "ustar";
  const prefix = ustar && block[263] === 0x30 ? readString(block, 345, 155) : "";
  const name = readString(block, 0, 100);
  const type: TarEntryType =
    typeflag === "0" || typeflag === "7" ? "file" : typeflag === "5" ? "directory" : typeflag === "2" ? "symlink" : typeflag === "1" ? "hardlink" : "other";
  return {
    typeflag,
    path: prefix ? `${prefix}/${name}` : name,
    type,
    size: readNumber(block, 124, 12, "size"),
    mode: readNumber(block, 100, 8, "mode"),
    mtime: readNumber(block, 136, 12, "mtime"),
    linkname: readString(block, 157, 100),
  };
}

/**
 * The records of a PAX extended header.
 *
 * @example parsePax(new TextEncoder().encode("12 path=abc\n")) // { path: "abc" }
 */
export function parsePax(data: Uint8Array): Record<string, string> {
  const out: Record<string, string> = {};
  let at = 0;
  while (at < data.byteLength) {
    const space = data.indexOf(0x20, at);
    if (space < 0) break;
    const len = Number(decoder.decode(data.subarray(at, space)));
    if (!Number.isInteger(len) || len <= 0 || at + len > data.byteLength) throw new DecodeError("tar: malformed PAX header");
    const record = decoder.decode(data.subarray(space + 1, at + len - 1));
    const eq = record.indexOf("=");
    if (eq > 0) out[record.slice(0, eq)] = record.slice(eq + 1);
    at += len;
  }
  return out;
}
