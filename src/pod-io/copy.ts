/**
 * cp to and from a container, as kubectl cp does it: a tar archive through `tar` in the
 * container over exec (so the container needs a `tar`). Files and folders, binary-safe,
 * streamed both ways. Paths in an archive from the pod are checked: nothing is written
 * outside the local destination.
 */
import { createWriteStream } from "node:fs";
import { chmod, link, lstat, mkdir, rm, symlink, utimes } from "node:fs/promises";
import { dirname, isAbsolute, join, posix, relative, resolve, sep } from "node:path";
import { once } from "node:events";
import { ValidationError } from "../base/errors.ts";
import { ExecError } from "./errors.ts";
import { exec, openExec, type SessionOptions } from "./exec.ts";
import type { TarHeader } from "./tar-format.ts";
import { TarReader } from "./tar-reader.ts";
import { tarFromPath } from "./tar-writer.ts";
import type { PodTarget, Serves } from "./target.ts";

/** Options of copyToPod and copyFromPod: the container, cancellation and the exec handshake's deadline. */
export interface CopyOptions extends Pick<SessionOptions, "container" | "signal" | "timeoutMs"> {}

/** What a copy moved: files and folders, and the entries it left out. */
export interface CopyResult {
  /** Files (symlinks and hardlinks included) written (copyFromPod) or sent (copyToPod). */
  files: number;
  directories: number;
  /** Entries left out of a copy from the pod: paths that would land outside the destination, device files. */
  skipped: string[];
}

/** Parent folder and last segment of a path in the container. */
function splitRemote(remotePath: string, action: string): { parent: string; base: string } {
  const trimmed = remotePath.replace(/\/+$/, "");
  const base = posix.basename(trimmed);
  if (remotePath === "" || base === "" || base === "." || base === "..") {
    throw new ValidationError(`${action}: the path in the container must name a file or folder, got ${JSON.stringify(remotePath)}`);
  }
  return { parent: posix.dirname(trimmed) || ".", base };
}

/**
 * Copies a local file or folder into a container: `remotePath` becomes that file or folder
 * (its parent folder must exist).
 *
 * @example await copyToPod(pods, "web-0", "./site", "/usr/share/nginx/html", { container: "nginx" });
 */
export async function copyToPod<S extends string>(
  pods: PodTarget<S> & Serves<S, "exec">,
  name: string,
  localPath: string,
  remotePath: string,
  options: CopyOptions = {},
): Promise<CopyResult> {
  const { parent, base } = splitRemote(remotePath, "copyToPod");
  await lstat(localPath).catch((e: NodeJS.ErrnoException) => {
    throw new ValidationError(`copyToPod: cannot read ${localPath}: ${e.code ?? e.message}`);
  });
  const counts: CopyResult = { files: 0, directories: 0, skipped: [] };
  let localError: unknown;
  async function* archive(): AsyncGenerator<Uint8Array> {
    try {
      yield* tarFromPath(localPath, base, (h) => void (h.type === "directory" ? counts.directories++ : counts.files++));
    } catch (error) {
      localError = error;
      throw error;
    }
  }
  try {
    await exec(pods, name, ["tar", "-x", "-o", "-f", "-", "-C", parent], { ...options, stdin: archive() });
  } catch (error) {
    // A local read failure cuts the archive short; that, not tar's complaint about it, is the cause.
    throw localError ?? error;
  }
  if (localError) throw localError;
  return counts;
}

/**
 * Copies a file or folder out of a container: `localPath` becomes that file or folder.
 *
 * @example const { files } = await copyFromPod(pods, "web-0", "/var/log/app", "./logs");
 */
export async function copyFromPod<S extends string>(
  pods: PodTarget<S> & Serves<S, "exec">,
  name: string,
  remotePath: string,
  localPath: string,
  options: CopyOptions = {},
): Promise<CopyResult> {
  const { parent, base } = splitRemote(remotePath, "copyFromPod");
  const proc = await openExec(pods, name, ["tar", "-c", "-f", "-", "-C", parent, base], options);
  const stderr = new Response(proc.stderr).text();
  const writer = new LocalTree(resolve(localPath), base);
  const reader = new TarReader();
  try {
    for await (const chunk of proc.stdout!) {
      for (const event of reader.push(chunk)) await writer.apply(event);
    }
    reader.finish();
  } catch (error) {
    proc.close();
    await writer.abandon();
    if (error instanceof ExecError) throw error;
    await proc.done.catch(() => undefined);
    throw error;
  }
  try {
    await proc.done;
  } catch (error) {
    if (error instanceof ExecError) throw error.withOutput("", await stderr);
    throw error;
  }
  return writer.result;
}

/** Writes tar entries under one destination, refusing any path that leaves it. */
class LocalTree {
  readonly result: CopyResult = { files: 0, directories: 0, skipped: [] };
  readonly #root: string;
  readonly #top: string;
  #file: ReturnType<typeof createWriteStream> | undefined;
  #current: { header: TarHeader; target: string } | undefined;

  constructor(root: string, top: string) {
    this.#root = root;
    this.#top = top;
  }

  /** Where an archive path lands: the top entry is renamed to the destination. */
  #target(path: string): string | undefined {
    const clean = path.replace(/^(\.\/)+/, "").replace(/\/+$/, "");
    const parts = clean.split("/");
    if (isAbsolute(clean) || parts.includes("..") || parts[0] !== this.#top) return undefined;
    const target = join(this.#root, ...parts.slice(1));
    const rel = relative(this.#root, target);
    return rel === "" || (!rel.startsWith(`..${sep}`) && rel !== ".." && !isAbsolute(rel)) ? target : undefined;
  }

  async apply(event: { kind: "entry"; header: TarHeader } | { kind: "data"; bytes: Uint8Array } | { kind: "entryEnd" }): Promise<void> {
    if (event.kind === "data") {
      if (this.#file && !this.#file.write(event.bytes)) await once(this.#file, "drain");
      return;
    }
    if (event.kind === "entryEnd") return this.#endEntry();
    const { header } = event;
    const target = this.#target(header.path);
    if (!target || header.type === "other") {
      this.result.skipped.push(header.path);
      return;
    }
    this.#current = { header, target };
    await mkdir(dirname(target), { recursive: true });
    if (header.type === "directory") {
      await mkdir(target, { recursive: true });
      this.result.directories++;
    } else if (header.type === "file") {
      this.#file = createWriteStream(target, { mode: (header.mode & 0o777) | 0o200 });
      await once(this.#file, "open");
    } else if (header.type === "symlink") {
      // A link may point anywhere the destination reaches, never out of it.
      if (!this.#inside(resolve(dirname(target), header.linkname))) {
        this.result.skipped.push(header.path);
        this.#current = undefined;
        return;
      }
      await rm(target, { force: true });
      await symlink(header.linkname, target);
      this.result.files++;
    } else {
      const linked = this.#target(header.linkname);
      if (!linked) {
        this.result.skipped.push(header.path);
        this.#current = undefined;
        return;
      }
      await rm(target, { force: true });
      await link(linked, target);
      this.result.files++;
    }
  }

  #inside(path: string): boolean {
    const rel = relative(this.#root, path);
    return rel === "" || (!rel.startsWith(`..${sep}`) && rel !== ".." && !isAbsolute(rel));
  }

  async #endEntry(): Promise<void> {
    const current = this.#current;
    this.#current = undefined;
    if (!current) return;
    if (this.#file) {
      const file = this.#file;
      this.#file = undefined;
      file.end();
      await once(file, "close");
      this.result.files++;
    }
    if (current.header.type === "file" || current.header.type === "directory") {
      await chmod(current.target, current.header.mode & 0o7777);
      await utimes(current.target, current.header.mtime, current.header.mtime);
    }
  }

  async abandon(): Promise<void> {
    const file = this.#file;
    this.#file = undefined;
    if (file) {
      file.destroy();
      await once(file, "close").catch(() => undefined);
    }
  }
}
