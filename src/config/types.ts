import type { TlsOptions } from "../transport/types.ts";

/** Credentials to put on a request, as an auth provider currently sees them. */
export interface Credentials {
  /** Extra headers, typically Authorization. */
  headers: Record<string, string>;
  /** A client certificate and key in PEM, when the credential is a certificate. */
  clientCertificate?: { cert: string; key: string };
}

/** How long a caller waits for credentials: until this signal aborts (its deadline or its own abort). */
export interface CredentialWait {
  signal?: AbortSignal | undefined;
}

/**
 * One way of authenticating (client certificate, token, token file, exec plugin, OIDC...).
 * Implementations cache what is expensive, never put secrets in `description`, and register
 * every secret they hold in a SecretValues (src/base/secrets.ts) so no error can quote it.
 */
export interface AuthProvider {
  /** Secret-free description, e.g. "token-file /var/run/token" or "exec aws-iam-authenticator". */
  readonly description: string;
  /**
   * The credentials to use now (runs a plugin, refreshes a token or re-reads a file when
   * needed). A provider that runs something may stop it once every waiter's signal aborted;
   * the connection stops waiting at the signal either way.
   */
  credentials(wait?: CredentialWait): Promise<Credentials>;
  /**
   * The credentials `credentials()` would give at once, without running, reading or waiting
   * for anything, or undefined when it has to (first use, a file due for its check, a token
   * near expiry). Optional: the connection then always calls `credentials()`. Lets a steady
   * credential cost no timer, signal or promise per request.
   */
  current?(): Credentials | undefined;
  /**
   * The server answered 401 with the last credentials. Drop them; resolve true when fresh
   * ones may differ (so one retry makes sense), false when nothing would change.
   */
  invalidate(wait?: CredentialWait): Promise<boolean>;
}

/**
 * Whom to act as (kubectl --as, --as-uid, --as-group, --as-user-extra); the API server checks that the real user may impersonate.
 */
export interface Impersonation {
  user?: string;
  uid?: string;
  groups?: string[];
  extra?: Record<string, string[]>;
}

/** A kubeconfig context resolved to everything a Connection needs. */
export interface ResolvedConfig {
  contextName: string | undefined;
  clusterName: string | undefined;
  userName: string | undefined;
  /** Server URL without a trailing slash. */
  server: string;
  /** The context's namespace, or "default". */
  namespace: string;
  /** Server verification; the client certificate comes from `auth`. */
  tls: Omit<TlsOptions, "cert" | "key">;
  proxyUrl?: string;
  disableCompression: boolean;
  auth: AuthProvider;
  impersonate?: Impersonation;
}
