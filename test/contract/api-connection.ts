/**
 * Connections for the API client's contract tests, made the way a user makes them:
 * kubeconfig -> resolveContext -> createConnection. Plus a throwaway namespace per file.
 */
import { inject } from "vitest";
import { api } from "../../src/api/index.ts";
import { createConnection } from "../../src/connection/connection.ts";
import type { Connection } from "../../src/connection/types.ts";
import { loadKubeconfig } from "../../src/config/kubeconfig-files.ts";
import { resolveContext } from "../../src/config/resolve.ts";
import { Namespace } from "../../generated/k8s/core/v1/index.ts";

export async function connect(kubeconfig: "admin" | "token" | "restricted" = "admin"): Promise<Connection> {
  const cluster = inject("cluster");
  const loaded = await loadKubeconfig({ kubeconfigPath: cluster.kubeconfigs[kubeconfig] });
  return createConnection(await resolveContext(loaded));
}

/** Creates a uniquely named namespace; the returned function deletes it (without waiting). */
export async function scratchNamespace(conn: Connection, prefix: string): Promise<{ name: string; remove: () => Promise<void> }> {
  const namespaces = api(conn, Namespace);
  const created = await namespaces.create({ metadata: { generateName: `${prefix}-`, labels: { "bun-k8s.test/suite": "api" } } });
  const name = created.metadata!.name!;
  return { name, remove: async () => void (await namespaces.delete(name).catch(() => undefined)) };
}
