import { ConfigError } from "../../base/errors.ts";
import type { ConfigEnvironment } from "../environment.ts";
import type { AuthInfo } from "../kubeconfig.ts";
import type { AuthProvider } from "../types.ts";
import { ClientCertificateAuth, type PemSource } from "./client-certificate.ts";
import { CombinedAuth } from "./combined.ts";
import { ExecAuth, type ExecClusterInfo } from "./exec-credential.ts";
import type { StderrSink } from "./exec-run.ts";
import { OidcAuth, type OidcAuthOptions } from "./oidc.ts";
import { TokenFileAuth } from "./token-file.ts";
import { AnonymousAuth, TokenAuth } from "./token.ts";

/** What choosing and building the auth provider of a kubeconfig user needs besides the user itself. */
export interface AuthSelection {
  /** The kubeconfig user name, for messages. */
  userName: string;
  env: ConfigEnvironment;
  /** The cluster as exec plugins with provideClusterInfo see it. */
  execCluster?: ExecClusterInfo;
  /** Where refreshed OIDC tokens go (e.g. back into the kubeconfig file). */
  onOidcRefresh?: OidcAuthOptions["onRefresh"];
  /** Where exec plugins' stderr is shown live in interactive mode. */
  stderrSink?: StderrSink;
  /** How long an exec plugin may run before it is killed (see ExecAuthOptions.timeoutMs). */
  execTimeoutMs?: number;
}

/** What removed in-tree auth providers should be replaced with. */
const REMOVED_PROVIDERS: Record<string, string> = {
  gcp: "gke-gcloud-auth-plugin (https://cloud.google.com/kubernetes-engine/docs/how-to/cluster-access-for-kubectl)",
  azure: "kubelogin (https://azure.github.io/kubelogin/)",
};

/**
 * Builds the AuthProvider for a kubeconfig user, following client-go's precedence: a
 * client certificate goes with any bearer credential; tokenFile beats token; token and
 * client certificates make client-go skip an exec plugin; auth-provider oidc only runs
 * when no token is set. Unsupported or contradictory settings are a ConfigError.
 *
 * @example
 * const auth = authProviderFor(user, { userName: "admin", env: configEnvironment() });
 */
export function authProviderFor(user: AuthInfo | undefined, selection: AuthSelection): AuthProvider {
  if (!user) return new AnonymousAuth();
  const where = `user "${selection.userName}"`;
  if (user.username || user.password) {
    throw new ConfigError(
      `${where} uses username/password, but Kubernetes removed basic authentication from kube-apiserver in 1.19; ` +
        `use a token, tokenFile, a client certificate, or an exec credential plugin instead`,
    );
  }
  if (user.exec && user["auth-provider"]) {
    throw new ConfigError(`${where} sets both exec and auth-provider; only one may be used`);
  }

  const parts: AuthProvider[] = [];
  const cert = certificateAuth(user, where, selection.env);
  if (cert) parts.push(cert);

  const hasBearer = Boolean(user.token || user.tokenFile);
  if (user.tokenFile) {
    parts.push(new TokenFileAuth(user.tokenFile, selection.env, user.token ? { fallbackToken: user.token } : {}));
  } else if (user.token) {
    parts.push(new TokenAuth(user.token));
  }

  const provider = user["auth-provider"];
  if (provider && !hasBearer) {
    if (provider.name === "oidc") {
      parts.push(
        new OidcAuth({
          config: provider.config ?? {},
          userName: selection.userName,
          env: selection.env,
          ...(selection.onOidcRefresh ? { onRefresh: selection.onOidcRefresh } : {}),
        }),
      );
    } else {
      const instead = REMOVED_PROVIDERS[provider.name];
      throw new ConfigError(
        `${where} uses auth-provider "${provider.name}", which client-go no longer supports; ` +
          `configure an exec credential plugin instead${instead ? `, e.g. ${instead}` : ""}`,
      );
    }
  }

  if (user.exec && !hasBearer && !cert) {
    parts.push(
      new ExecAuth({
        exec: user.exec,
        userName: selection.userName,
        env: selection.env,
        ...(selection.execCluster ? { cluster: selection.execCluster } : {}),
        ...(selection.stderrSink ? { stderrSink: selection.stderrSink } : {}),
        ...(selection.execTimeoutMs !== undefined ? { timeoutMs: selection.execTimeoutMs } : {}),
      }),
    );
  }

  if (parts.length === 0) return new AnonymousAuth();
  if (parts.length === 1 && parts[0]) return parts[0];
  return new CombinedAuth(parts);
}

function certificateAuth(user: AuthInfo, where: string, env: ConfigEnvironment): ClientCertificateAuth | undefined {
  const cert = pemSource(user["client-certificate"], user["client-certificate-data"], "client-certificate", where);
  const key = pemSource(user["client-key"], user["client-key-data"], "client-key", where);
  if (!cert && !key) return undefined;
  if (!cert) throw new ConfigError(`${where} sets a client key but no client-certificate or client-certificate-data`);
  if (!key) throw new ConfigError(`${where} sets a client certificate but no client-key or client-key-data`);
  return new ClientCertificateAuth(cert, key, env);
}

function pemSource(file: string | undefined, data: string | undefined, field: string, where: string): PemSource | undefined {
  if (file && data) throw new ConfigError(`${where} sets both ${field} and ${field}-data; keep one`);
  if (data) return { pem: Buffer.from(data, "base64").toString("utf8") };
  if (file) return { file };
  return undefined;
}
