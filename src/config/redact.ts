import type { AuthInfo, AuthProviderConfig, Cluster, Config, ExecConfig, NamedAuthInfo, NamedCluster } from "./kubeconfig.ts";
import type { ResolvedConfig } from "./types.ts";

import { REDACTED } from "../base/secrets.ts";

/** What kubectl prints in place of secrets (one word for the scrubber and these views). */
export { REDACTED };
/** What kubectl prints in place of embedded certificate and key bodies. */
export const DATA_OMITTED = "DATA+OMITTED";

const INSPECT = Symbol.for("nodejs.util.inspect.custom");

/** auth-provider config keys that hold no secret; every other value is redacted. */
const PUBLIC_PROVIDER_KEYS = new Set(["client-id", "idp-issuer-url", "idp-certificate-authority", "extra-scopes"]);

/**
 * A copy of a kubeconfig safe to print: tokens, passwords, keys, OIDC tokens and secrets,
 * exec env values and proxy passwords become "REDACTED", embedded certificates "DATA+OMITTED".
 *
 * @example
 * console.log(yaml.dump(redactKubeconfig(config)));
 */
export function redactKubeconfig(config: Config): Config {
  const out: Config = { ...config, clusters: config.clusters.map(redactNamedCluster), users: config.users.map(redactNamedUser) };
  out.contexts = config.contexts.map((c) => ({ ...c, context: { ...c.context } }));
  return out;
}

/**
 * A plain, secret-free view of a ResolvedConfig (the auth provider shows as its description).
 *
 * @example
 * console.log(JSON.stringify(redactResolvedConfig(resolved), null, 2));
 */
export function redactResolvedConfig(config: ResolvedConfig): Record<string, unknown> {
  const tls: Record<string, unknown> = { rejectUnauthorized: config.tls.rejectUnauthorized };
  if (config.tls.ca !== undefined) tls.ca = DATA_OMITTED;
  if (config.tls.serverName !== undefined) tls.serverName = config.tls.serverName;
  const out: Record<string, unknown> = {
    contextName: config.contextName,
    clusterName: config.clusterName,
    userName: config.userName,
    server: redactUrl(config.server),
    namespace: config.namespace,
    tls,
    disableCompression: config.disableCompression,
    auth: config.auth.description,
  };
  if (config.proxyUrl !== undefined) out.proxyUrl = redactUrl(config.proxyUrl);
  if (config.impersonate !== undefined) out.impersonate = config.impersonate;
  return out;
}

/**
 * Makes `console.log`, `util.inspect` and `JSON.stringify` of a loaded kubeconfig (and of
 * its users, clusters, exec and auth-provider blocks, however deep one starts) print the
 * redacted form. Node's `console.dir` ignores such hooks, so every secret field is also
 * turned into an accessor, which it prints as `[Getter/Setter]`. The hooks are
 * non-enumerable and the accessors read like fields, so spreads, `structuredClone` and
 * `yaml.dump` return the raw data, for code that really means to write it back. Returns
 * the same object.
 *
 * @example
 * console.log(protectKubeconfig(config)); // tokens show as REDACTED
 */
export function protectKubeconfig(config: Config): Config {
  guard(config, () => redactKubeconfig(config));
  guard(config.clusters, () => config.clusters.map(redactNamedCluster));
  guard(config.users, () => config.users.map(redactNamedUser));
  for (const named of config.clusters) {
    guard(named, () => redactNamedCluster(named));
    guard(named.cluster, () => redactCluster(named.cluster));
    if (named.cluster["proxy-url"] !== redactUrl(named.cluster["proxy-url"] ?? "")) hideField(named.cluster, "proxy-url");
  }
  for (const named of config.users) {
    const user = named.user;
    guard(named, () => redactNamedUser(named));
    guard(user, () => redactUser(user));
    for (const key of ["token", "password", "client-key-data"] as const) hideField(user, key);
    const provider = user["auth-provider"];
    if (provider) {
      guard(provider, () => redactProvider(provider));
      const providerConfig = provider.config;
      if (providerConfig) {
        guard(providerConfig, () => redactProvider(provider).config);
        for (const key of Object.keys(providerConfig)) if (!PUBLIC_PROVIDER_KEYS.has(key)) hideField(providerConfig, key);
      }
    }
    const exec = user.exec;
    if (exec) {
      guard(exec, () => redactExec(exec));
      if (exec.env) {
        for (const v of exec.env) {
          guard(v, () => ({ name: v.name, value: REDACTED }));
          hideField(v, "value");
        }
      }
    }
  }
  return config;
}

/**
 * Turns a string field into an enumerable accessor over the same value: reads, writes,
 * spreads and `Object.entries` see the value, while printers that skip custom inspection
 * (Node's `console.dir`) show `[Getter/Setter]` instead of the secret.
 */
function hideField<T extends object>(target: T, key: keyof T & string): void {
  const descriptor = Object.getOwnPropertyDescriptor(target, key);
  if (!descriptor || !("value" in descriptor) || typeof descriptor.value !== "string") return;
  let value: unknown = descriptor.value;
  Object.defineProperty(target, key, {
    get: () => value,
    set: (next: unknown) => {
      value = next;
    },
    enumerable: true,
    configurable: true,
  });
}

/**
 * Same protection for a ResolvedConfig (its auth provider prints as its description).
 *
 * @example
 * console.log(protectResolvedConfig(resolved)); // { ..., tls: { ca: "DATA+OMITTED" }, auth: "token" }
 */
export function protectResolvedConfig<T extends ResolvedConfig>(config: T): T {
  guard(config, () => redactResolvedConfig(config));
  if (config.tls.ca !== undefined) {
    guard(config.tls, () => ({ ...config.tls, ca: DATA_OMITTED }));
    hideField(config.tls, "ca");
  }
  if (config.proxyUrl !== undefined && redactUrl(config.proxyUrl) !== config.proxyUrl) hideField(config, "proxyUrl");
  return config;
}

/**
 * Makes an object with secret internals print as `description` only (auth providers).
 *
 * @example
 * guardDescription(this, "TokenAuth"); // inspect(provider) → { TokenAuth: "token" }
 */
export function guardDescription(target: { readonly description: string }, kind: string): void {
  guard(target, () => ({ [kind]: target.description }));
}

/**
 * Removes a password from a URL's user info (proxy URLs may carry one).
 *
 * @example
 * redactUrl("http://bob:pw@proxy:3128"); // "http://bob:REDACTED@proxy:3128"
 */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (!u.password) return url;
    u.password = REDACTED;
    return u.toString().replace(/\/$/, url.endsWith("/") ? "/" : "");
  } catch {
    // Not parseable: still hide whatever sits between "user:" and "@".
    return url.replace(/(\/\/[^/@:]*):[^/@]*@/, `$1:${REDACTED}@`);
  }
}

function guard(target: object, view: () => unknown): void {
  const props: PropertyDescriptorMap = {
    toJSON: { value: view, enumerable: false, configurable: true, writable: true },
    [INSPECT]: {
      value: (_depth: number, options: object, inspect?: (v: unknown, o: object) => string) =>
        inspect ? inspect(view(), options) : view(),
      enumerable: false,
      configurable: true,
      writable: true,
    },
  };
  Object.defineProperties(target, props);
}

function redactNamedCluster(named: NamedCluster): NamedCluster {
  return { name: named.name, cluster: redactCluster(named.cluster) };
}

function redactCluster(cluster: Cluster): Cluster {
  const c: Cluster = { ...cluster };
  if (c["certificate-authority-data"]) c["certificate-authority-data"] = DATA_OMITTED;
  if (c["proxy-url"]) c["proxy-url"] = redactUrl(c["proxy-url"]);
  if (c.server) c.server = redactUrl(c.server);
  return c;
}

function redactNamedUser(named: NamedAuthInfo): NamedAuthInfo {
  return { name: named.name, user: redactUser(named.user) };
}

function redactUser(user: AuthInfo): AuthInfo {
  const u: AuthInfo = { ...user };
  if (u.token) u.token = REDACTED;
  if (u.password) u.password = REDACTED;
  if (u["client-certificate-data"]) u["client-certificate-data"] = DATA_OMITTED;
  if (u["client-key-data"]) u["client-key-data"] = DATA_OMITTED;
  if (u["auth-provider"]) u["auth-provider"] = redactProvider(u["auth-provider"]);
  if (u.exec) u.exec = redactExec(u.exec);
  return u;
}

function redactProvider(provider: AuthProviderConfig): AuthProviderConfig {
  if (!provider.config) return { ...provider };
  const config: Record<string, string> = {};
  for (const [k, v] of Object.entries(provider.config)) {
    if (k === "idp-certificate-authority-data") config[k] = DATA_OMITTED;
    else config[k] = PUBLIC_PROVIDER_KEYS.has(k) || v === "" ? v : REDACTED;
  }
  return { ...provider, config };
}

function redactExec(exec: ExecConfig): ExecConfig {
  const e: ExecConfig = { ...exec };
  if (exec.args) e.args = [...exec.args];
  if (exec.env) e.env = exec.env.map((v) => ({ name: v.name, value: REDACTED }));
  return e;
}
