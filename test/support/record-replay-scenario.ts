/**
 * The session the record/replay tests record against the real API server and play back with
 * no server: lists, a 404, creates, a raw watch stopped by the client, a watch and a list
 * answered 410 Gone, an informer (streaming list, then list + watch) and a Secret whose value
 * must not reach the recording. Its transcript names what was observed (names, event types,
 * error classes and codes), so a replay must reproduce it line for line.
 */
import { api } from "../../src/api/client.ts";
import { ApiError, isGone, isNotFound } from "../../src/base/errors.ts";
import type { Connection } from "../../src/connection/types.ts";
import { ExponentialBackoff } from "../../src/base/backoff.ts";
import { informer } from "../../src/runtime/informer.ts";
import { ConfigMap, Secret } from "../../generated/k8s/core/v1/index.ts";

export const SECRET_VALUE = "record-replay-secret-value";

/** `oldResourceVersion`: a version etcd has compacted away, for the 410s. */
export async function recordReplayScenario(conn: Connection, namespace: string, oldResourceVersion: string | undefined): Promise<string[]> {
  const out: string[] = [];
  const configMaps = api(conn, ConfigMap, { namespace });
  const first = await configMaps.list();
  out.push(`list: ${first.items.map((c) => c.metadata?.name).sort().join(",")}`);
  out.push(`get absent: ${isNotFound(await configMaps.get("absent").catch((e: unknown) => e)) ? "404 NotFound" : "?"}`);
  await configMaps.create({ metadata: { name: "rr-a", labels: { rr: "yes" } }, data: { v: "1" } });
  await configMaps.create({ metadata: { name: "rr-b", labels: { rr: "yes" } }, data: { v: "2" } });
  await api(conn, Secret, { namespace }).create({ metadata: { name: "rr-secret" }, stringData: { password: SECRET_VALUE } });
  const secret = await api(conn, Secret, { namespace }).get("rr-secret");
  out.push(`secret keys: ${Object.keys(secret.data ?? {}).join(",")}`);

  // A raw watch from the first list's version, stopped by the client after two events.
  const stop = new AbortController();
  const seen: string[] = [];
  for await (const event of configMaps.watch({ resourceVersion: first.metadata.resourceVersion, labelSelector: { rr: "yes" }, signal: stop.signal })) {
    if (event.type !== "BOOKMARK") seen.push(`${event.type} ${event.object.metadata?.name}`);
    if (seen.length === 2) stop.abort();
  }
  out.push(`watch: ${seen.join(", ")}`);

  if (oldResourceVersion !== undefined) {
    const listed = await configMaps.list({ resourceVersion: oldResourceVersion, resourceVersionMatch: "Exact" }).catch((e: unknown) => e);
    out.push(`list at a compacted version: ${describe(listed)}`);
    let watched: unknown = "no error";
    try {
      for await (const _event of configMaps.watch({ resourceVersion: oldResourceVersion })) {
        // Events before the ERROR, if the server sends any, do not matter here.
      }
    } catch (error) {
      watched = error;
    }
    out.push(`watch from a compacted version: ${describe(watched)}`);
  }

  // Informers: a streaming list, and a paged list + watch, both following a change.
  for (const streamingList of [true, false]) {
    const inf = informer(configMaps, { labelSelector: { rr: "yes" }, streamingList, limit: 1, backoff: new ExponentialBackoff({ initialMs: 10, maxMs: 50 }) });
    await inf.waitForSync({ timeoutMs: 30_000 });
    const changed = await configMaps.patch("rr-a", { type: "merge", patch: { data: { v: streamingList ? "streamed" : "paged" } } });
    await inf.waitFor("rr-a", (c) => c.metadata?.resourceVersion === changed.metadata?.resourceVersion, { timeoutMs: 30_000 });
    out.push(`informer (${inf.mode}): ${inf.store.list().map((c) => `${c.metadata?.name}=${c.data?.v}`).sort().join(",")}`);
    inf.stop();
    await inf.done;
  }
  await configMaps.delete("rr-b");
  out.push(`after delete: ${(await configMaps.list({ labelSelector: { rr: "yes" } })).items.map((c) => c.metadata?.name).join(",")}`);
  return out;
}

function describe(outcome: unknown): string {
  if (outcome instanceof ApiError) return `${outcome.constructor.name} ${outcome.code} ${outcome.reason}${isGone(outcome) ? " (gone)" : ""}`;
  if (outcome instanceof Error) return outcome.constructor.name;
  return "answered";
}
