import { AuthError, ConfigError } from "../../base/errors.ts";
import type { ConfigEnvironment } from "../environment.ts";
import { guardDescription } from "../redact.ts";
import type { AuthProvider, Credentials } from "../types.ts";
import { discover, refreshIdToken, type RefreshedTokens } from "./oidc-issuer.ts";
import { SecretValues } from "../../base/secrets.ts";

/** client-go refreshes an ID token this long before its `exp`. */
const EXPIRY_SKEW_MS = 10_000;

/**
 * What the legacy `oidc` auth provider needs: the user's auth-provider config and where refreshed tokens go.
 */
export interface OidcAuthOptions {
  /** The auth-provider `config` map of the kubeconfig user. */
  config: Record<string, string>;
  userName: string;
  env: Pick<ConfigEnvironment, "readFile" | "now">;
  /** Called after each refresh, e.g. to write the new tokens back to the kubeconfig. */
  onRefresh?: (tokens: { "id-token": string; "refresh-token"?: string }) => Promise<void> | void;
}

/**
 * The legacy `auth-provider: oidc`: sends id-token as the bearer token and, when it has
 * expired (JWT exp, 10 s early) or the server answered 401, trades refresh-token for a new
 * one at the issuer's token endpoint (found through its discovery document). The issuer is
 * spoken to over https only; the id-token, refresh-token, client-secret and every token the
 * issuer hands out are registered secrets.
 *
 * @example
 * const auth = new OidcAuth({ config: { "idp-issuer-url": "https://dex.example", "client-id": "kubectl", "id-token": jwt, "refresh-token": rt }, userName: "me", env: configEnvironment() });
 */
export class OidcAuth implements AuthProvider {
  readonly description: string;
  readonly #options: OidcAuthOptions;
  readonly #issuer: string;
  readonly #clientId: string;
  #idToken: string | undefined;
  #refreshToken: string | undefined;
  #refreshing: Promise<string> | undefined;
  #ca: Promise<string | undefined> | undefined;
  readonly #secrets = new SecretValues();

  constructor(options: OidcAuthOptions) {
    const c = options.config;
    const where = `auth-provider oidc of user "${options.userName}"`;
    if (!c["idp-issuer-url"]) throw new ConfigError(`${where}: config.idp-issuer-url is required`);
    if (!c["client-id"]) throw new ConfigError(`${where}: config.client-id is required`);
    if (!/^https:\/\//i.test(c["idp-issuer-url"])) {
      throw new ConfigError(`${where}: config.idp-issuer-url must be an https URL; the refresh token and client secret go only over TLS`);
    }
    for (const key of ["id-token", "refresh-token", "client-secret"]) this.#secrets.add(c[key], key);
    if (c["idp-certificate-authority-data"] && !/^[A-Za-z0-9+/=\s]*$/.test(c["idp-certificate-authority-data"])) {
      throw new ConfigError(`${where}: config.idp-certificate-authority-data is not valid base64`);
    }
    this.#options = options;
    this.#issuer = c["idp-issuer-url"];
    this.#clientId = c["client-id"];
    this.#idToken = c["id-token"] || undefined;
    this.#refreshToken = c["refresh-token"] || undefined;
    this.description = `oidc ${this.#issuer}`;
    guardDescription(this, "OidcAuth");
  }

  async credentials(): Promise<Credentials> {
    const token = this.#idToken;
    const fresh = token !== undefined && !this.#expired(token) ? token : await this.#refresh();
    return { headers: { authorization: `Bearer ${fresh}` } };
  }

  /** Refreshes now; false when there is no refresh-token to do it with. Rejects when the issuer refuses. */
  async invalidate(): Promise<boolean> {
    if (this.#refreshing) {
      await this.#refreshing;
      return true;
    }
    if (!this.#refreshToken) return false;
    const before = this.#idToken;
    return (await this.#refresh()) !== before;
  }

  #expired(token: string): boolean {
    const exp = jwtExpiry(token);
    // No readable exp: client-go treats the token as expired.
    return exp === undefined || this.#options.env.now() + EXPIRY_SKEW_MS >= exp * 1000;
  }

  #refresh(): Promise<string> {
    this.#refreshing ??= this.#doRefresh().finally(() => (this.#refreshing = undefined));
    return this.#refreshing;
  }

  async #doRefresh(): Promise<string> {
    const refreshToken = this.#refreshToken;
    if (!refreshToken) {
      throw new AuthError(`auth-provider oidc of user "${this.#options.userName}": the id-token is missing or expired and there is no refresh-token`);
    }
    const ca = await this.#issuerCa();
    const client = { issuerUrl: this.#issuer, ...(ca ? { ca } : {}) };
    const discovery = await discover(client);
    const secret = this.#options.config["client-secret"];
    const tokens: RefreshedTokens = await refreshIdToken(client, discovery, {
      clientId: this.#clientId,
      refreshToken,
      secrets: this.#secrets,
      ...(secret ? { clientSecret: secret } : {}),
    });
    this.#idToken = tokens.idToken;
    if (tokens.refreshToken) this.#refreshToken = tokens.refreshToken;
    if (this.#options.onRefresh) {
      const update: { "id-token": string; "refresh-token"?: string } = { "id-token": tokens.idToken };
      if (this.#refreshToken) update["refresh-token"] = this.#refreshToken;
      await this.#options.onRefresh(update);
    }
    return tokens.idToken;
  }

  #issuerCa(): Promise<string | undefined> {
    this.#ca ??= (async () => {
      const c = this.#options.config;
      if (c["idp-certificate-authority-data"]) return Buffer.from(c["idp-certificate-authority-data"], "base64").toString("utf8");
      const file = c["idp-certificate-authority"];
      if (!file) return undefined;
      try {
        return await this.#options.env.readFile(file);
      } catch (e) {
        this.#ca = undefined;
        throw new AuthError(`cannot read idp-certificate-authority ${file}: ${(e as { code?: string }).code ?? "error"}`, {}, { cause: e });
      }
    })();
    return this.#ca;
  }
}

/**
 * The `exp` claim (seconds) of a JWT, or undefined when it has none or is not a JWT.
 * The signature is not checked: the API server does that.
 *
 * @example
 * const expired = (jwtExpiry(idToken) ?? 0) * 1000 < Date.now();
 */
export function jwtExpiry(token: string): number | undefined {
  const payload = token.split(".")[1];
  if (!payload) return undefined;
  try {
    const claims: unknown = JSON.parse(Buffer.from(payload, "base64url").toString("utf8"));
    const exp = (claims as { exp?: unknown } | null)?.exp;
    return typeof exp === "number" ? exp : undefined;
  } catch {
    return undefined;
  }
}
