import type { AuthProvider, Credentials } from "../types.ts";
import { guardDescription } from "../redact.ts";
import { SecretValues } from "../../base/secrets.ts";

/**
 * A fixed bearer token (kubeconfig `token`). A 401 cannot be fixed by asking again.
 *
 * @example
 * const auth = new TokenAuth(process.env.MY_TOKEN ?? "");
 */
export class TokenAuth implements AuthProvider {
  readonly description = "token";
  readonly #token: string;
  readonly #secrets = new SecretValues();

  constructor(token: string) {
    this.#token = token;
    this.#secrets.add(token);
    guardDescription(this, "TokenAuth");
  }

  async credentials(): Promise<Credentials> {
    return { headers: { authorization: `Bearer ${this.#token}` } };
  }

  current(): Credentials {
    return { headers: { authorization: `Bearer ${this.#token}` } };
  }

  async invalidate(): Promise<boolean> {
    return false;
  }
}

/**
 * No credentials at all (a context without a user): requests go out anonymous.
 *
 * @example
 * const auth = new AnonymousAuth();
 */
export class AnonymousAuth implements AuthProvider {
  readonly description = "anonymous";

  async credentials(): Promise<Credentials> {
    return { headers: {} };
  }

  current(): Credentials {
    return { headers: {} };
  }

  async invalidate(): Promise<boolean> {
    return false;
  }
}
