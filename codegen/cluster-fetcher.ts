/**
 * Wires `--from-cluster` to our own client stack: `loadConfig({ context })` (src/config/) and
 * `createConnection(config)` (src/connection.ts). They are imported lazily so that generating
 * from specs never loads the client.
 */
import type { Connection } from "../src/connection/types.ts";
import { DecodeError } from "../src/base/errors.ts";
import type { JsonFetcher } from "./cluster-loader.ts";

/**
 * A `(path) => JSON` fetcher over a Connection: splits the query off the path and parses the body.
 *
 * @example
 * const fetchJson = fetcherOver(connection);
 * await fetchJson("/openapi/v3");
 */
export function fetcherOver(connection: Connection): JsonFetcher {
  return async (pathWithQuery) => {
    const q = pathWithQuery.indexOf("?");
    const path = q < 0 ? pathWithQuery : pathWithQuery.slice(0, q);
    const query: Record<string, string> = {};
    if (q >= 0) for (const [k, v] of new URLSearchParams(pathWithQuery.slice(q + 1))) query[k] = v;
    const response = await connection.send({ method: "GET", path, query, headers: { accept: "application/json" } });
    const text = await response.text();
    try {
      return JSON.parse(text) as unknown;
    } catch (cause) {
      throw new DecodeError(`GET ${path}: response is not JSON`, { server: connection.server, path }, { cause });
    }
  };
}

/**
 * Opens a connection for a kubeconfig context (default: the current one of KUBECONFIG or
 * ~/.kube/config, or in-cluster) and returns a fetcher.
 *
 * @example
 * const { fetchJson, close } = await clusterFetcher({ context: "kind-dev" });
 */
export async function clusterFetcher(
  options: { context?: string; kubeconfigPath?: string } = {},
): Promise<{ fetchJson: JsonFetcher; describe: string; close: () => void }> {
  const { loadConfig } = await import("../src/config/index.ts");
  const { createConnection } = await import("../src/connection/connection.ts");
  const config = await loadConfig({
    ...(options.context === undefined ? {} : { context: options.context }),
    ...(options.kubeconfigPath === undefined ? {} : { kubeconfigPath: options.kubeconfigPath }),
  });
  // Documents are large (core/v1 is ~1.5 MB): allow more than the default request timeout.
  const connection = createConnection(config, { timeoutMs: 120_000 });
  return {
    fetchJson: fetcherOver(connection),
    describe: `context ${connection.contextName ?? "(none)"}`,
    close: () => connection.close(),
  };
}
