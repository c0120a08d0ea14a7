import { ConfigError } from "../base/errors.ts";
import { FieldReader } from "./field-reader.ts";
import { loadKubeconfigYaml } from "./kubeconfig-yaml.ts";
import { protectKubeconfig } from "./redact.ts";
import type {
  AuthInfo,
  AuthProviderConfig,
  Cluster,
  Config,
  Context,
  ExecConfig,
  ExecEnvVar,
  ExecInteractiveMode,
  NamedExtension,
  Preferences,
} from "./kubeconfig.ts";

const INTERACTIVE_MODES: readonly ExecInteractiveMode[] = ["Never", "IfAvailable", "Always"];

/**
 * Parses one kubeconfig document (YAML or JSON) with kubectl's YAML 1.1 rules (see
 * kubeconfig-yaml.ts). Paths stay as written; `loadKubeconfig` makes them absolute. Throws
 * ConfigError naming the file and the field (alias bombs included); never quotes values.
 *
 * @example
 * const config = parseKubeconfig(await readFile(file, "utf8"), file);
 * console.log(config.contexts.map((c) => c.name));
 */
export function parseKubeconfig(text: string, file: string): Config {
  const root = FieldReader.root(loadKubeconfigYaml(text, file), file);
  const kind = root.string("kind");
  if (kind !== undefined && kind !== "Config") root.fail("kind", `must be "Config"`);
  const apiVersion = root.string("apiVersion");
  if (apiVersion !== undefined && apiVersion !== "v1") root.fail("apiVersion", `must be "v1"`);

  const config: Config = {
    clusters: named(root, "clusters", "cluster", readCluster).map(([name, cluster]) => ({ name, cluster })),
    users: named(root, "users", "user", readAuthInfo).map(([name, user]) => ({ name, user })),
    contexts: named(root, "contexts", "context", readContext).map(([name, context]) => ({ name, context })),
  };
  if (apiVersion !== undefined) config.apiVersion = apiVersion;
  if (kind !== undefined) config.kind = kind;
  const current = root.string("current-context");
  if (current) config["current-context"] = current;
  const preferences = root.object("preferences");
  if (preferences) config.preferences = readPreferences(preferences);
  const extensions = readExtensions(root);
  if (extensions) config.extensions = extensions;
  return protectKubeconfig(config);
}

/** Reads a named list (clusters, users, contexts), rejecting duplicate names as client-go does. */
function named<T>(root: FieldReader, key: string, inner: string, read: (r: FieldReader) => T): [string, T][] {
  const seen = new Set<string>();
  return root.objectList(key).map((entry) => {
    const name = entry.requiredString("name");
    const path = `${key}[name=${name}]`;
    if (seen.has(name)) throw new ConfigError(`kubeconfig ${root.file}: ${key} lists the name "${name}" twice`);
    seen.add(name);
    const body = entry.renamed(path).object(inner) ?? new FieldReader({}, root.file, `${path}.${inner}`);
    return [name, read(body)];
  });
}

function readCluster(r: FieldReader): Cluster {
  const c: Cluster = {};
  assign(c, "server", r.string("server"));
  assign(c, "tls-server-name", r.string("tls-server-name"));
  assign(c, "insecure-skip-tls-verify", r.boolean("insecure-skip-tls-verify"));
  assign(c, "certificate-authority", r.string("certificate-authority"));
  assign(c, "certificate-authority-data", r.base64("certificate-authority-data"));
  assign(c, "proxy-url", r.string("proxy-url"));
  assign(c, "disable-compression", r.boolean("disable-compression"));
  assign(c, "extensions", readExtensions(r));
  return c;
}

function readAuthInfo(r: FieldReader): AuthInfo {
  const u: AuthInfo = {};
  assign(u, "client-certificate", r.string("client-certificate"));
  assign(u, "client-certificate-data", r.base64("client-certificate-data"));
  assign(u, "client-key", r.string("client-key"));
  assign(u, "client-key-data", r.base64("client-key-data"));
  assign(u, "token", r.string("token"));
  assign(u, "tokenFile", r.string("tokenFile"));
  assign(u, "as", r.string("as"));
  assign(u, "as-uid", r.string("as-uid"));
  assign(u, "as-groups", r.stringList("as-groups"));
  const extra = r.object("as-user-extra");
  if (extra) {
    const out: Record<string, string[]> = {};
    for (const k of extra.keys()) out[k] = extra.stringList(k) ?? [];
    u["as-user-extra"] = out;
  }
  assign(u, "username", r.string("username"));
  assign(u, "password", r.string("password"));
  const provider = r.object("auth-provider");
  if (provider) u["auth-provider"] = readAuthProvider(provider);
  const exec = r.object("exec");
  if (exec) u.exec = readExec(exec);
  assign(u, "extensions", readExtensions(r));
  return u;
}

function readAuthProvider(r: FieldReader): AuthProviderConfig {
  const p: AuthProviderConfig = { name: r.string("name") ?? "" };
  assign(p, "config", r.stringMap("config"));
  return p;
}

function readExec(r: FieldReader): ExecConfig {
  // Missing command/apiVersion only matter when this user is selected (checked in exec-credential.ts),
  // as in kubectl, so one broken user does not break every context.
  const e: ExecConfig = { command: r.string("command") ?? "", apiVersion: r.string("apiVersion") ?? "" };
  assign(e, "args", r.stringList("args"));
  const env = r.objectList("env").map((v): ExecEnvVar => ({ name: v.requiredString("name"), value: v.string("value") ?? "" }));
  if (r.has("env")) e.env = env;
  assign(e, "installHint", r.string("installHint"));
  assign(e, "provideClusterInfo", r.boolean("provideClusterInfo"));
  const mode = r.string("interactiveMode");
  if (mode !== undefined && mode !== "") {
    if (!(INTERACTIVE_MODES as readonly string[]).includes(mode)) {
      r.fail("interactiveMode", `must be one of ${INTERACTIVE_MODES.join(", ")} (got "${mode}")`);
    }
    e.interactiveMode = mode as ExecInteractiveMode;
  }
  return e;
}

function readContext(r: FieldReader): Context {
  const c: Context = { cluster: r.string("cluster") ?? "" };
  assign(c, "user", r.string("user"));
  assign(c, "namespace", r.string("namespace"));
  assign(c, "extensions", readExtensions(r));
  return c;
}

function readPreferences(r: FieldReader): Preferences {
  const p: Preferences = {};
  assign(p, "colors", r.boolean("colors"));
  assign(p, "extensions", readExtensions(r));
  return p;
}

function readExtensions(r: FieldReader): NamedExtension[] | undefined {
  if (!r.has("extensions")) return undefined;
  return r.objectList("extensions").map((e) => ({ name: e.requiredString("name"), extension: e.raw("extension") }));
}

/** Sets a field only when present, so parsed objects hold no `undefined` keys. */
function assign<T extends object, K extends keyof T>(target: T, key: K, value: T[K] | undefined): void {
  if (value !== undefined && value !== "") target[key] = value;
}
