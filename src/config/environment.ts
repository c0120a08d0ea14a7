import { readFile, stat } from "node:fs/promises";
import { homedir } from "node:os";
import path from "node:path";

/**
 * Everything config loading reads from the outside world. Tests replace parts of it;
 * users normally leave it alone.
 */
export interface ConfigEnvironment {
  /** Environment variables (KUBECONFIG, KUBERNETES_SERVICE_HOST, ...); also the base env of exec plugins. */
  env: Record<string, string | undefined>;
  homeDir: string;
  /** Folder that relative KUBECONFIG entries resolve against. */
  cwd: string;
  platform: NodeJS.Platform;
  /** Reads a UTF-8 file; rejects with an error whose `code` is "ENOENT" when it is missing. */
  readFile: (file: string) => Promise<string>;
  /** Modification time and size of a file (follows symlinks, as kubelet's projected tokens need). */
  stat: (file: string) => Promise<{ mtimeMs: number; size: number }>;
  /** Milliseconds since the epoch. */
  now: () => number;
  /** Whether standard input is a terminal (exec plugins' interactiveMode). */
  isTerminal: () => boolean;
}

/**
 * Fills the parts of a ConfigEnvironment that were not given with the real process's.
 *
 * @example
 * const env = configEnvironment({ env: { KUBECONFIG: "/tmp/test.kubeconfig" }, homeDir: "/tmp/home" });
 */
export function configEnvironment(overrides: Partial<ConfigEnvironment> = {}): ConfigEnvironment {
  const env = overrides.env ?? process.env;
  const platform = overrides.platform ?? process.platform;
  return {
    env,
    platform,
    homeDir: overrides.homeDir ?? defaultHome(env, platform),
    cwd: overrides.cwd ?? process.cwd(),
    readFile: overrides.readFile ?? ((file) => readFile(file, "utf8")),
    stat:
      overrides.stat ??
      (async (file) => {
        const s = await stat(file);
        return { mtimeMs: s.mtimeMs, size: s.size };
      }),
    now: overrides.now ?? Date.now,
    isTerminal: overrides.isTerminal ?? (() => process.stdin.isTTY === true),
  };
}

/**
 * The part of node:path that config loading uses. Our own type, so the published declarations
 * do not depend on the name @types/node gives it (`path.PlatformPath` is gone from @types/node 26).
 */
export interface PlatformPaths {
  readonly delimiter: string;
  resolve(...paths: string[]): string;
  join(...paths: string[]): string;
  dirname(path: string): string;
  isAbsolute(path: string): boolean;
}

/**
 * The path functions matching the platform whose paths we handle.
 *
 * @example
 * pathsFor("win32").isAbsolute("C:\\Users\\me\\.kube\\config"); // true
 */
export function pathsFor(platform: NodeJS.Platform): PlatformPaths {
  return platform === "win32" ? path.win32 : path.posix;
}

export function isMissingFile(e: unknown): boolean {
  const code = (e as { code?: unknown } | null)?.code;
  return code === "ENOENT" || code === "ENOTDIR";
}

/** The error's code or message, for wrapping a file-system failure without its stack. */
export function describeFsError(e: unknown): string {
  const err = e as { code?: unknown; message?: unknown } | null;
  if (typeof err?.code === "string") return err.code;
  return typeof err?.message === "string" ? err.message : String(e);
}

// Like client-go's homedir.HomeDir: HOME first; on Windows fall back to USERPROFILE.
function defaultHome(env: Record<string, string | undefined>, platform: NodeJS.Platform): string {
  if (env.HOME) return env.HOME;
  if (platform === "win32") {
    if (env.USERPROFILE) return env.USERPROFILE;
    if (env.HOMEDRIVE && env.HOMEPATH) return env.HOMEDRIVE + env.HOMEPATH;
  }
  return homedir();
}
