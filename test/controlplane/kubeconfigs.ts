/** Writes the kubeconfigs the local control plane hands to tests and users. */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import yaml from "js-yaml";

export interface UserEntry {
  "client-certificate"?: string;
  "client-key"?: string;
  token?: string;
}

/**
 * Writes a one-context kubeconfig and returns its path.
 * @example writeKubeconfig(dir, "admin", server, caFile, { "client-certificate": crt, "client-key": key });
 */
export function writeKubeconfig(
  dir: string,
  name: string,
  server: string,
  caFile: string,
  user: UserEntry,
  namespace?: string,
): string {
  const context: Record<string, string> = { cluster: "bun-k8s-local", user: name };
  if (namespace) context.namespace = namespace;
  const config = {
    apiVersion: "v1",
    kind: "Config",
    "current-context": name,
    clusters: [{ name: "bun-k8s-local", cluster: { server, "certificate-authority": caFile } }],
    users: [{ name, user }],
    contexts: [{ name, context }],
  };
  const path = join(dir, `${name}.kubeconfig`);
  writeFileSync(path, yaml.dump(config), { mode: 0o600 });
  return path;
}
