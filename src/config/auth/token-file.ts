import { AuthError } from "../../base/errors.ts";
import type { ConfigEnvironment } from "../environment.ts";
import { guardDescription } from "../redact.ts";
import type { AuthProvider, Credentials } from "../types.ts";
import { WatchedFile, type WatchedFileOptions } from "./watched-file.ts";
import { SecretValues } from "../../base/secrets.ts";

/**
 * A bearer token read from a file (kubeconfig `tokenFile`, in-cluster service-account
 * token), re-read when the file changes, at least every minute, and on invalidate().
 * Like client-go, a kubeconfig `token` next to `tokenFile` is only the fallback for when
 * the file cannot be read.
 *
 * @example
 * const auth = new TokenFileAuth("/var/run/secrets/kubernetes.io/serviceaccount/token", configEnvironment());
 */
export class TokenFileAuth implements AuthProvider {
  readonly description: string;
  readonly #file: WatchedFile<string>;
  readonly #fallback: string | undefined;
  readonly #secrets = new SecretValues();

  constructor(
    file: string,
    env: Pick<ConfigEnvironment, "readFile" | "stat" | "now">,
    options: WatchedFileOptions & { fallbackToken?: string } = {},
  ) {
    this.description = `token-file ${file}`;
    this.#fallback = options.fallbackToken || undefined;
    this.#secrets.add(this.#fallback, "fallback");
    this.#file = new WatchedFile(file, "token file", env, (text) => {
      const token = text.trim();
      if (!token) throw new AuthError(`token file ${file} is empty`);
      this.#secrets.add(token, "file");
      return token;
    }, options);
    guardDescription(this, "TokenFileAuth");
  }

  async credentials(): Promise<Credentials> {
    let token: string;
    try {
      token = await this.#file.get();
    } catch (e) {
      if (this.#fallback === undefined) throw e;
      token = this.#fallback;
    }
    return { headers: { authorization: `Bearer ${token}` } };
  }

  current(): Credentials | undefined {
    const token = this.#file.peek();
    return token === undefined ? undefined : { headers: { authorization: `Bearer ${token}` } };
  }

  async invalidate(): Promise<boolean> {
    try {
      return await this.#file.reload();
    } catch {
      return false;
    }
  }
}
