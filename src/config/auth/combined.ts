import { guardDescription } from "../redact.ts";
import type { AuthProvider, CredentialWait, Credentials } from "../types.ts";

/**
 * Several providers used together, e.g. a client certificate plus a bearer token, as a
 * kubeconfig user may set both. Headers merge in order; the last client certificate wins.
 *
 * @example
 * const auth = new CombinedAuth([certAuth, tokenAuth]);
 */
export class CombinedAuth implements AuthProvider {
  readonly description: string;
  readonly #parts: readonly AuthProvider[];

  constructor(parts: readonly AuthProvider[]) {
    this.#parts = parts;
    this.description = parts.map((p) => p.description).join(" + ");
    guardDescription(this, "CombinedAuth");
  }

  /** The providers combined, in order. */
  get parts(): readonly AuthProvider[] {
    return this.#parts;
  }

  async credentials(wait?: CredentialWait): Promise<Credentials> {
    const all = await Promise.all(this.#parts.map((p) => p.credentials(wait)));
    const out: Credentials = { headers: {} };
    for (const c of all) {
      Object.assign(out.headers, c.headers);
      if (c.clientCertificate) out.clientCertificate = c.clientCertificate;
    }
    return out;
  }

  current(): Credentials | undefined {
    const out: Credentials = { headers: {} };
    for (const p of this.#parts) {
      const c = p.current?.();
      if (!c) return undefined;
      Object.assign(out.headers, c.headers);
      if (c.clientCertificate) out.clientCertificate = c.clientCertificate;
    }
    return out;
  }

  async invalidate(wait?: CredentialWait): Promise<boolean> {
    const changed = await Promise.all(this.#parts.map((p) => p.invalidate(wait)));
    return changed.some(Boolean);
  }
}
