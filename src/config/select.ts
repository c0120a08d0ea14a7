import { ConfigError } from "../base/errors.ts";
import type { AuthInfo, Cluster, Config, Context } from "./kubeconfig.ts";
import type { LoadedKubeconfig } from "./kubeconfig-files.ts";

/** What to pick instead of the kubeconfig's defaults, like kubectl's --context/--namespace/--cluster/--user. */
export interface ContextOverrides {
  context?: string;
  namespace?: string;
  cluster?: string;
  user?: string;
}

/** The entries a context points at, before any file is read. */
export interface ContextSelection {
  contextName: string | undefined;
  context: Context | undefined;
  clusterName: string;
  cluster: Cluster;
  userName: string | undefined;
  user: AuthInfo | undefined;
  namespace: string;
  /** The kubeconfig file that defined the user, when known (OIDC token write-back). */
  userFile: string | undefined;
}

/**
 * Picks the context (the override, else current-context), then its cluster and user
 * (each overridable) and namespace (override, else the context's, else "default").
 * Pure: reads no file, so a test can compare it with `kubectl config view --minify`.
 *
 * @example
 * const { clusterName, namespace } = selectContext(await loadKubeconfig(), { context: "prod" });
 */
export function selectContext(kubeconfig: LoadedKubeconfig | Config, overrides: ContextOverrides = {}): ContextSelection {
  const loaded = "origins" in kubeconfig ? kubeconfig : undefined;
  const config = loaded ? loaded.config : (kubeconfig as Config);
  const from = describeSource(loaded);

  const contextName = overrides.context || config["current-context"] || undefined;
  let context: Context | undefined;
  if (contextName) {
    context = config.contexts.find((c) => c.name === contextName)?.context;
    if (!context) {
      throw new ConfigError(`context "${contextName}" not found in ${from}; ${available("contexts", config.contexts)}`, {
        context: contextName,
      });
    }
  } else if (!overrides.cluster) {
    const none = config.contexts.length === 0 && config.clusters.length === 0;
    throw new ConfigError(
      none
        ? `no kubeconfig found: ${from} defines no contexts`
        : `no context selected: ${from} sets no current-context; pass a context (${available("contexts", config.contexts)})`,
    );
  }

  const clusterName = overrides.cluster || context?.cluster || "";
  if (!clusterName) throw new ConfigError(`context "${contextName}" in ${from} names no cluster`, ctx(contextName));
  const cluster = config.clusters.find((c) => c.name === clusterName)?.cluster;
  if (!cluster) {
    throw new ConfigError(`cluster "${clusterName}" not found in ${from}; ${available("clusters", config.clusters)}`, ctx(contextName));
  }

  // Unlike kubectl (which then prompts for a password), a user name that matches nothing is an error.
  const userName = overrides.user || context?.user || undefined;
  let user: AuthInfo | undefined;
  if (userName) {
    user = config.users.find((u) => u.name === userName)?.user;
    if (!user) throw new ConfigError(`user "${userName}" not found in ${from}; ${available("users", config.users)}`, ctx(contextName));
  }

  return {
    contextName,
    context,
    clusterName,
    cluster,
    userName,
    user,
    namespace: overrides.namespace || context?.namespace || "default",
    userFile: userName ? loaded?.origins.users.get(userName) : undefined,
  };
}

function ctx(contextName: string | undefined): { context?: string } {
  return contextName ? { context: contextName } : {};
}

function available(kind: string, entries: readonly { name: string }[]): string {
  return entries.length ? `available ${kind}: ${entries.map((e) => e.name).join(", ")}` : `it defines no ${kind}`;
}

function describeSource(loaded: LoadedKubeconfig | undefined): string {
  if (!loaded) return "the kubeconfig";
  if (loaded.files.length === 0) {
    return loaded.searched.length ? `the kubeconfig (no file found at ${loaded.searched.join(", ")})` : "the kubeconfig";
  }
  return loaded.files.length === 1 ? `kubeconfig ${loaded.files[0]}` : `kubeconfig files ${loaded.files.join(", ")}`;
}
