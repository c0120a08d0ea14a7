import { AuthError } from "../../base/errors.ts";
import { describeFsError, type ConfigEnvironment } from "../environment.ts";

export interface WatchedFileOptions {
  /** Look at the file's mtime at most this often (ms). */
  checkIntervalMs?: number;
  /** Re-read at least this often even when the mtime did not move (ms); client-go uses a minute. */
  maxAgeMs?: number;
}

/**
 * A file whose parsed content is cached and re-read when it changes on disk (mtime or size),
 * when it gets old, or when asked to. Rotated service-account tokens and renewed client
 * certificates are picked up without restarting. A failed re-read keeps the last good
 * value, as client-go does, and is retried at the next check.
 */
export class WatchedFile<T> {
  readonly file: string;
  readonly #what: string;
  readonly #env: Pick<ConfigEnvironment, "readFile" | "stat" | "now">;
  readonly #parse: (text: string) => T;
  readonly #checkIntervalMs: number;
  readonly #maxAgeMs: number;
  #value: T | undefined;
  #stamp = "";
  #readAt = 0;
  #checkedAt = 0;
  #pending: Promise<T> | undefined;

  constructor(
    file: string,
    what: string,
    env: Pick<ConfigEnvironment, "readFile" | "stat" | "now">,
    parse: (text: string) => T,
    options: WatchedFileOptions = {},
  ) {
    this.file = file;
    this.#what = what;
    this.#env = env;
    this.#parse = parse;
    this.#checkIntervalMs = options.checkIntervalMs ?? 1_000;
    this.#maxAgeMs = options.maxAgeMs ?? 60_000;
  }

  /** The current content, re-read first when the file changed. */
  get(): Promise<T> {
    if (this.#pending) return this.#pending;
    const now = this.#env.now();
    if (this.#value !== undefined && now - this.#checkedAt < this.#checkIntervalMs) return Promise.resolve(this.#value);
    this.#pending = this.#refresh(false).finally(() => (this.#pending = undefined));
    return this.#pending;
  }

  /** The cached content when get() would return it without looking at the file; else undefined. */
  peek(): T | undefined {
    if (this.#pending || this.#value === undefined) return undefined;
    return this.#env.now() - this.#checkedAt < this.#checkIntervalMs ? this.#value : undefined;
  }

  /** Re-reads now; true when the content differs from what was cached. */
  async reload(): Promise<boolean> {
    if (this.#pending) await this.#pending.catch(() => undefined);
    const before = this.#value;
    this.#pending = this.#refresh(true).finally(() => (this.#pending = undefined));
    const after = await this.#pending;
    return before === undefined || !sameValue(before, after);
  }

  async #refresh(force: boolean): Promise<T> {
    const now = this.#env.now();
    this.#checkedAt = now;
    try {
      const st = await this.#env.stat(this.file);
      const stamp = `${st.mtimeMs}/${st.size}`;
      if (!force && this.#value !== undefined && stamp === this.#stamp && now - this.#readAt < this.#maxAgeMs) {
        return this.#value;
      }
      const value = this.#parse(await this.#env.readFile(this.file));
      this.#value = value;
      this.#stamp = stamp;
      this.#readAt = now;
      return value;
    } catch (e) {
      if (this.#value !== undefined) return this.#value;
      if (e instanceof AuthError) throw e;
      throw new AuthError(`cannot read ${this.#what} ${this.file}: ${describeFsError(e)}`, {}, { cause: e });
    }
  }
}

function sameValue(a: unknown, b: unknown): boolean {
  return a === b || JSON.stringify(a) === JSON.stringify(b);
}
