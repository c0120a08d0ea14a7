import { ConfigError } from "../base/errors.ts";
import { inClusterConfig, isInCluster, type InClusterOptions } from "./in-cluster.ts";
import { loadKubeconfig, type LoadKubeconfigOptions } from "./kubeconfig-files.ts";
import { resolveContext, type ResolveOptions } from "./resolve.ts";
import type { ResolvedConfig } from "./types.ts";

export interface LoadConfigOptions extends LoadKubeconfigOptions, ResolveOptions {
  /**
   * Fall back to the pod's service account when no kubeconfig exists (default true).
   * An object sets the in-cluster file paths.
   */
  inCluster?: boolean | Pick<InClusterOptions, "tokenFile" | "caFile" | "namespaceFile" | "tokenRefresh">;
}

/**
 * The one call most programs need, with kubectl's precedence: the kubeconfig named by
 * `kubeconfigPath`, else the KUBECONFIG files, else ~/.kube/config; when none of them
 * exists or holds anything, the pod's in-cluster service account.
 *
 * @example
 * const config = await loadConfig({ context: "staging" });
 * console.log(config.server, config.namespace, config.auth.description);
 */
export async function loadConfig(options: LoadConfigOptions = {}): Promise<ResolvedConfig> {
  const loaded = await loadKubeconfig(options);
  const c = loaded.config;
  const empty = c.contexts.length === 0 && c.clusters.length === 0 && c.users.length === 0 && !c["current-context"];
  const explicit = Boolean(options.kubeconfigPath || options.context || options.cluster || options.user);
  const env = options.env ?? process.env;
  if (empty && !explicit) {
    if (options.inCluster !== false && isInCluster(env)) {
      const paths = typeof options.inCluster === "object" ? options.inCluster : {};
      return inClusterConfig({ ...options, ...paths, ...(options.namespace ? { namespace: options.namespace } : {}) });
    }
    const looked = loaded.searched.length ? loaded.searched.join(", ") : "(KUBECONFIG lists no file)";
    const inCluster =
      options.inCluster === false ? "in-cluster config disabled" : "not running in a cluster (KUBERNETES_SERVICE_HOST is not set)";
    throw new ConfigError(
      `no Kubernetes configuration found: no kubeconfig at ${looked}${loaded.source === "KUBECONFIG" ? " (from KUBECONFIG)" : ""}, and ${inCluster}`,
    );
  }
  return resolveContext(loaded, options);
}
