import { proxyFromEnvironment } from "./proxy-env.ts";
import { ConfigError } from "../base/errors.ts";
import { ClientCertificateAuth } from "./auth/client-certificate.ts";
import { CombinedAuth } from "./auth/combined.ts";
import { authProviderFor } from "./auth/from-auth-info.ts";
import type { ExecClusterInfo } from "./auth/exec-credential.ts";
import type { StderrSink } from "./auth/exec-run.ts";
import { configEnvironment, describeFsError, type ConfigEnvironment } from "./environment.ts";
import { EXEC_API_GROUP, type AuthInfo, type Cluster, type Config } from "./kubeconfig.ts";
import type { LoadedKubeconfig } from "./kubeconfig-files.ts";
import { protectResolvedConfig, redactUrl } from "./redact.ts";
import { selectContext, type ContextOverrides } from "./select.ts";
import type { Impersonation, ResolvedConfig } from "./types.ts";

export interface ResolveOptions extends ContextOverrides, Partial<ConfigEnvironment> {
  /** Impersonate this identity instead of the user's as/as-groups/... (like kubectl --as). */
  impersonate?: Impersonation;
  /**
   * Write refreshed OIDC tokens back into the kubeconfig file that defined the user, as
   * kubectl does (default true; needs a LoadedKubeconfig). Issuers that rotate refresh
   * tokens make the stored one useless otherwise.
   */
  persistOidcTokens?: boolean;
  /** Where exec plugins' stderr is shown live in interactive mode (default process.stderr). */
  stderrSink?: StderrSink;
  /**
   * Kill an exec credential plugin (and the processes it started) that runs longer than
   * this, in ms; 0: never. Default 60 s, or 180 s when it runs interactively.
   */
  execTimeoutMs?: number;
}

/**
 * Resolves a context of a kubeconfig into everything a Connection needs: server, TLS
 * settings (CA read from file or data), proxy, namespace, impersonation and the auth
 * provider. Throws ConfigError for anything kubectl would refuse.
 *
 * @example
 * const config = await resolveContext(await loadKubeconfig(), { context: "kind-dev", namespace: "apps" });
 */
export async function resolveContext(kubeconfig: LoadedKubeconfig | Config, options: ResolveOptions = {}): Promise<ResolvedConfig> {
  const env = configEnvironment(options);
  const sel = selectContext(kubeconfig, options);
  const site = sel.contextName ? { context: sel.contextName } : {};
  const where = `cluster "${sel.clusterName}"`;
  const cluster = sel.cluster;

  const insecure = cluster["insecure-skip-tls-verify"] === true;
  if (insecure && (cluster["certificate-authority"] || cluster["certificate-authority-data"])) {
    throw new ConfigError(`${where} sets insecure-skip-tls-verify together with a certificate authority; kubectl refuses this too, remove one`, site);
  }
  const ca = await clusterCa(cluster, where, env, site);
  const user = sel.user;
  // kubectl decides the scheme from the cluster alone (checked with the kubectl we build): a
  // client certificate does not make a scheme-less server https.
  const server = serverUrl(cluster, where, ca !== undefined || insecure, site);
  if (server.startsWith("http:") && user && hasCredentials(user)) {
    // kubectl silently drops the user's credentials here; we refuse rather than send them.
    throw new ConfigError(
      `${where} has the plain-HTTP server ${redactUrl(server)}, and user "${sel.userName}" has credentials; ` +
        "credentials go only over TLS: use an https:// server (a server without a scheme is http:// unless the cluster sets a certificate authority or insecure-skip-tls-verify, as in kubectl)",
      site,
    );
  }
  const configuredProxy = cluster["proxy-url"] ? checkProxy(cluster["proxy-url"], where, site) : undefined;
  // As client-go: without a proxy-url, HTTPS_PROXY/HTTP_PROXY apply unless NO_PROXY exempts the server.
  const fromEnv = configuredProxy ? undefined : proxyFromEnvironment(server, env.env);
  const proxyUrl = configuredProxy ?? (fromEnv && checkProxy(fromEnv, where, site, "the proxy of HTTPS_PROXY/HTTP_PROXY"));
  const disableCompression = cluster["disable-compression"] === true;

  const execCluster: ExecClusterInfo = { server };
  if (cluster["tls-server-name"]) execCluster["tls-server-name"] = cluster["tls-server-name"];
  if (insecure) execCluster["insecure-skip-tls-verify"] = true;
  if (ca !== undefined) execCluster["certificate-authority-data"] = Buffer.from(ca).toString("base64");
  if (configuredProxy) execCluster["proxy-url"] = configuredProxy;
  if (disableCompression) execCluster["disable-compression"] = true;
  const extension = cluster.extensions?.find((e) => e.name === `${EXEC_API_GROUP}/exec`);
  if (extension) execCluster.config = extension.extension;

  const userFile = sel.userFile;
  const persist = options.persistOidcTokens !== false && userFile !== undefined && sel.userName !== undefined;
  const userName = sel.userName ?? "";
  let auth;
  try {
    auth = authProviderFor(user, {
      userName,
      env,
      execCluster,
      ...(options.stderrSink ? { stderrSink: options.stderrSink } : {}),
      ...(options.execTimeoutMs !== undefined ? { execTimeoutMs: options.execTimeoutMs } : {}),
      ...(persist
        ? {
            // The new tokens are in memory already; a file we cannot write only costs a refresh later.
            // Loaded on the first refresh: writing YAML back is rare, and js-yaml stays out of the import.
            onOidcRefresh: (tokens) =>
              import("./auth/oidc-persist.ts").then(({ persistOidcTokens }) => persistOidcTokens(userFile, userName, tokens)).catch(() => undefined),
          }
        : {}),
    });
    // Certificates given as files are read now, so a wrong path fails here as in kubectl.
    const parts = auth instanceof CombinedAuth ? auth.parts : [auth];
    for (const part of parts) if (part instanceof ClientCertificateAuth) await part.credentials();
  } catch (e) {
    if (e instanceof ConfigError) throw new ConfigError(e.message, site, { cause: e.cause });
    throw new ConfigError((e as Error).message, site, { cause: e });
  }

  const resolved: ResolvedConfig = {
    contextName: sel.contextName,
    clusterName: sel.clusterName,
    userName: sel.userName,
    server,
    namespace: sel.namespace,
    tls: {
      rejectUnauthorized: !insecure,
      ...(ca !== undefined ? { ca } : {}),
      ...(cluster["tls-server-name"] ? { serverName: cluster["tls-server-name"] } : {}),
    },
    disableCompression,
    auth,
  };
  if (proxyUrl) resolved.proxyUrl = proxyUrl;
  const impersonate = options.impersonate ?? impersonation(user, userName, site);
  if (impersonate) resolved.impersonate = impersonate;
  return protectResolvedConfig(resolved);
}

async function clusterCa(cluster: Cluster, where: string, env: ConfigEnvironment, site: object): Promise<string | undefined> {
  const file = cluster["certificate-authority"];
  const data = cluster["certificate-authority-data"];
  if (file && data) {
    throw new ConfigError(`${where} sets both certificate-authority and certificate-authority-data; keep one`, site);
  }
  let pem: string | undefined;
  let from = "";
  if (data) {
    pem = Buffer.from(data, "base64").toString("utf8");
    from = "certificate-authority-data";
  } else if (file) {
    try {
      pem = await env.readFile(file);
    } catch (e) {
      throw new ConfigError(`${where}: cannot read certificate-authority ${file}: ${describeFsError(e)}`, site, { cause: e });
    }
    from = `certificate-authority ${file}`;
  }
  if (pem !== undefined && !pem.includes("-----BEGIN CERTIFICATE-----")) {
    throw new ConfigError(`${where}: ${from} holds no PEM certificate`, site);
  }
  return pem;
}

/** Whether a kubeconfig user would put anything secret on a request. */
function hasCredentials(user: AuthInfo): boolean {
  return Boolean(
    user.token || user.tokenFile || user["client-certificate"] || user["client-certificate-data"] || user["client-key"] ||
      user["client-key-data"] || user.exec || user["auth-provider"] || user.username || user.password,
  );
}

/**
 * kubectl's rule: a server without a scheme gets https:// when the cluster has TLS settings
 * (a certificate authority or insecure-skip-tls-verify), else http:// (client-go's
 * IsConfigTransportTLS looks at the cluster alone, before any user credential).
 */
function serverUrl(cluster: Cluster, where: string, defaultTls: boolean, site: object): string {
  const raw = cluster.server?.trim();
  if (!raw) throw new ConfigError(`${where} has no server`, site);
  const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(raw) ? raw : `${defaultTls ? "https" : "http"}://${raw}`;
  let url: URL;
  try {
    url = new URL(withScheme);
  } catch {
    throw new ConfigError(`${where}: server "${redactUrl(raw)}" is not a valid URL`, site);
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") {
    throw new ConfigError(`${where}: server must be an http(s) URL, not ${url.protocol}`, site);
  }
  if (url.search || url.hash) throw new ConfigError(`${where}: server must not carry a query or fragment`, site);
  return `${url.origin}${url.pathname}`.replace(/\/+$/, "");
}

function checkProxy(proxy: string, where: string, site: object, label = "proxy-url"): string {
  let url: URL;
  try {
    url = new URL(proxy);
  } catch {
    throw new ConfigError(`${where}: ${label} "${redactUrl(proxy)}" is not a valid URL`, site);
  }
  if (!["http:", "https:", "socks5:"].includes(url.protocol)) {
    throw new ConfigError(`${where}: ${label} must use http, https or socks5, not ${url.protocol}`, site);
  }
  return proxy;
}

function impersonation(user: AuthInfo | undefined, userName: string, site: object): Impersonation | undefined {
  if (!user) return undefined;
  const groups = user["as-groups"];
  const extra = user["as-user-extra"];
  const hasOthers = Boolean(user["as-uid"] || groups?.length || (extra && Object.keys(extra).length));
  if (!user.as) {
    if (hasOthers) throw new ConfigError(`user "${userName}" sets as-uid, as-groups or as-user-extra without as`, site);
    return undefined;
  }
  const out: Impersonation = { user: user.as };
  if (user["as-uid"]) out.uid = user["as-uid"];
  if (groups?.length) out.groups = [...groups];
  if (extra && Object.keys(extra).length) out.extra = structuredClone(extra);
  return out;
}
