import { ConfigError } from "../base/errors.ts";
import { TokenFileAuth } from "./auth/token-file.ts";
import type { WatchedFileOptions } from "./auth/watched-file.ts";
import { configEnvironment, describeFsError, isMissingFile, type ConfigEnvironment } from "./environment.ts";
import { protectResolvedConfig } from "./redact.ts";
import type { ResolvedConfig } from "./types.ts";

const SERVICE_ACCOUNT_DIR = "/var/run/secrets/kubernetes.io/serviceaccount";

/** Where a pod's service account files are; the defaults are the paths kubelet mounts. */
export interface InClusterOptions extends Partial<ConfigEnvironment> {
  /** Default: /var/run/secrets/kubernetes.io/serviceaccount/token */
  tokenFile?: string;
  /** Default: /var/run/secrets/kubernetes.io/serviceaccount/ca.crt */
  caFile?: string;
  /** Default: /var/run/secrets/kubernetes.io/serviceaccount/namespace */
  namespaceFile?: string;
  /** Overrides POD_NAMESPACE and the namespace file. */
  namespace?: string;
  /** How often the rotated token file is checked (see WatchedFile). */
  tokenRefresh?: WatchedFileOptions;
}

/**
 * Whether KUBERNETES_SERVICE_HOST and KUBERNETES_SERVICE_PORT are set, as in every pod.
 *
 * @example
 * if (isInCluster()) console.log("running in a pod");
 */
export function isInCluster(env: Record<string, string | undefined> = process.env): boolean {
  return Boolean(env.KUBERNETES_SERVICE_HOST && env.KUBERNETES_SERVICE_PORT);
}

/**
 * The config of a pod's service account: server from KUBERNETES_SERVICE_HOST/PORT, the
 * mounted token (re-read as kubelet rotates it) and CA, and the namespace from
 * POD_NAMESPACE or the mounted namespace file (else "default").
 *
 * @example
 * const config = await inClusterConfig();
 * console.log(config.server, config.namespace);
 */
export async function inClusterConfig(options: InClusterOptions = {}): Promise<ResolvedConfig> {
  const env = configEnvironment(options);
  const host = env.env.KUBERNETES_SERVICE_HOST;
  const port = env.env.KUBERNETES_SERVICE_PORT;
  if (!host || !port) {
    throw new ConfigError("not running in a cluster: KUBERNETES_SERVICE_HOST and KUBERNETES_SERVICE_PORT are not both set");
  }
  const bareHost = host.replace(/^\[(.*)\]$/, "$1");
  const server = `https://${bareHost.includes(":") ? `[${bareHost}]` : bareHost}:${port}`;

  const tokenFile = options.tokenFile ?? `${SERVICE_ACCOUNT_DIR}/token`;
  const auth = new TokenFileAuth(tokenFile, env, options.tokenRefresh ?? {});
  // Fail now, as client-go's InClusterConfig does, rather than on the first request.
  await auth.credentials().catch((e: unknown) => {
    throw new ConfigError(`in-cluster config: ${(e as Error).message}`, {}, { cause: e });
  });

  const caFile = options.caFile ?? `${SERVICE_ACCOUNT_DIR}/ca.crt`;
  let ca: string | undefined;
  try {
    ca = await env.readFile(caFile);
  } catch (e) {
    // client-go goes on with the system trust store when ca.crt is absent.
    if (!isMissingFile(e)) throw new ConfigError(`in-cluster config: cannot read ${caFile}: ${describeFsError(e)}`, {}, { cause: e });
  }

  const namespace =
    options.namespace || env.env.POD_NAMESPACE || (await readNamespace(env, options.namespaceFile ?? `${SERVICE_ACCOUNT_DIR}/namespace`));
  const resolved: ResolvedConfig = {
    contextName: undefined,
    clusterName: undefined,
    userName: undefined,
    server,
    namespace,
    tls: { rejectUnauthorized: true, ...(ca ? { ca } : {}) },
    disableCompression: false,
    auth,
  };
  return protectResolvedConfig(resolved);
}

async function readNamespace(env: ConfigEnvironment, file: string): Promise<string> {
  try {
    return (await env.readFile(file)).trim() || "default";
  } catch {
    return "default";
  }
}
