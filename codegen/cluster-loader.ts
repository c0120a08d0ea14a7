/**
 * Loads the model from a running API server: `/openapi/v3` lists the group/version documents,
 * each is fetched and handed to the OpenAPI loader. CRDs come along because the server
 * publishes their schemas and paths like any built-in group. The HTTP side is injected, so
 * this file knows nothing about connections, kubeconfigs or TLS.
 */
import { DecodeError } from "../src/base/errors.ts";
import { type ApiModel, compareStrings } from "./model.ts";
import { loadOpenApiDocuments } from "./openapi-loader.ts";

/** GETs a server-relative path (may carry a query, e.g. "?hash=...") and parses the JSON body. */
export type JsonFetcher = (path: string) => Promise<unknown>;

/** Only group/version documents describe resources; "apis/apps", "version", "logs" do not. */
const groupVersionKey = /^(api\/v1|apis\/[^/]+\/[^/]+)$/;

/**
 * Lists the group/version documents the server publishes, as `{ key, url }` sorted by key.
 *
 * @example
 * await listOpenApiDocuments(fetchJson); // [{ key: "api/v1", url: "/openapi/v3/api/v1?hash=..." }, ...]
 */
export async function listOpenApiDocuments(fetchJson: JsonFetcher): Promise<{ key: string; url: string }[]> {
  const root = await fetchJson("/openapi/v3");
  const paths = root && typeof root === "object" ? (root as { paths?: unknown }).paths : undefined;
  if (!paths || typeof paths !== "object") throw new DecodeError("/openapi/v3 has no paths: is this a Kubernetes API server (1.27+)?");
  const out: { key: string; url: string }[] = [];
  for (const [key, value] of Object.entries(paths as Record<string, unknown>)) {
    if (!groupVersionKey.test(key)) continue;
    const url = value && typeof value === "object" ? (value as { serverRelativeURL?: unknown }).serverRelativeURL : undefined;
    out.push({ key, url: typeof url === "string" ? url : `/openapi/v3/${key}` });
  }
  return out.sort((a, b) => compareStrings(a.key, b.key));
}

/**
 * Builds the model of everything a cluster serves, fetching a few documents at a time.
 *
 * @example
 * const model = await loadFromCluster(async (path) => JSON.parse(await (await conn.send({ method: "GET", path })).text()));
 */
export async function loadFromCluster(fetchJson: JsonFetcher, options: { concurrency?: number } = {}): Promise<ApiModel> {
  const list = await listOpenApiDocuments(fetchJson);
  const documents: { name: string; document: unknown }[] = new Array(list.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < list.length) {
      const i = next++;
      const entry = list[i] as { key: string; url: string };
      documents[i] = { name: entry.key, document: await fetchJson(entry.url) };
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, options.concurrency ?? 4) }, worker));
  return loadOpenApiDocuments(documents);
}
