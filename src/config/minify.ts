import { ConfigError } from "../base/errors.ts";
import { configEnvironment, describeFsError, type ConfigEnvironment } from "./environment.ts";
import type { AuthInfo, Cluster, Config } from "./kubeconfig.ts";
import type { LoadedKubeconfig } from "./kubeconfig-files.ts";
import { protectKubeconfig } from "./redact.ts";
import { selectContext, type ContextOverrides } from "./select.ts";

type FileKey = "certificate-authority" | "client-certificate" | "client-key";

/**
 * The selected context alone, like `kubectl config view --minify --flatten`: one context,
 * its cluster and user, with certificate-authority / client-certificate / client-key files
 * embedded as `-data`. Made to compare what bun-k8s picks with what kubectl picks.
 *
 * @example
 * const mini = await minifyKubeconfig(await loadKubeconfig(), { context: "prod" });
 * console.log(mini.clusters[0]?.cluster.server);
 */
export async function minifyKubeconfig(
  kubeconfig: LoadedKubeconfig | Config,
  overrides: Pick<ContextOverrides, "context"> = {},
  environment: Partial<ConfigEnvironment> = {},
): Promise<Config> {
  const env = configEnvironment(environment);
  const sel = selectContext(kubeconfig, overrides);
  if (!sel.contextName || !sel.context) throw new ConfigError("minifyKubeconfig needs a selected context");
  const cluster: Cluster = { ...sel.cluster };
  await embed(cluster, "certificate-authority", env);
  const out: Config = {
    apiVersion: "v1",
    kind: "Config",
    "current-context": sel.contextName,
    contexts: [{ name: sel.contextName, context: { ...sel.context } }],
    clusters: [{ name: sel.clusterName, cluster }],
    users: [],
  };
  if (sel.userName && sel.user) {
    const user: AuthInfo = { ...sel.user };
    await embed(user, "client-certificate", env);
    await embed(user, "client-key", env);
    out.users.push({ name: sel.userName, user });
  }
  return protectKubeconfig(out);
}

/** Replaces a file field by its content as base64 in the matching `-data` field, as --flatten does. */
async function embed(target: Cluster | AuthInfo, fileKey: FileKey, env: ConfigEnvironment): Promise<void> {
  const fields = target as Record<string, unknown>;
  const file = fields[fileKey];
  if (typeof file !== "string" || !file) return;
  let text: string;
  try {
    text = await env.readFile(file);
  } catch (e) {
    throw new ConfigError(`cannot read ${fileKey} ${file}: ${describeFsError(e)}`, {}, { cause: e });
  }
  delete fields[fileKey];
  fields[`${fileKey}-data`] = Buffer.from(text).toString("base64");
}
