/**
 * watch() against the real kube-apiserver: one request, one stream of typed events.
 * Event types and order, bookmarks, the query options the API defines for a watch, the
 * streaming-list bookmark, errors, and a clean end on abort or server timeout.
 * (A 410 Gone ERROR from a compacted resourceVersion is in watch-faults.test.ts, which
 * restarts the API server to get one.)
 */
import { afterAll, beforeAll, describe, expect, inject, test } from "vitest";
import { ConfigMap } from "../../generated/k8s/core/v1/index.ts";
import { api } from "../../src/api/client.ts";
import type { Connection } from "../../src/connection/types.ts";
import { ApiError, ValidationError } from "../../src/base/errors.ts";
import { INITIAL_EVENTS_END_ANNOTATION, type WatchEvent } from "../../src/api/watch-stream.ts";
import { call, connectAs, listTruth, pause, removeNamespace, scratchNamespace } from "../support/watch-cluster.ts";

const cluster = inject("cluster");
let conn: Connection;
let ns: string;
let path: string;
const configMaps = () => api(conn, ConfigMap, { namespace: ns });

beforeAll(async () => {
  conn = await connectAs("admin");
  ns = await scratchNamespace(conn, "watch");
  path = `/api/v1/namespaces/${ns}/configmaps`;
});

afterAll(async () => {
  await removeNamespace(conn, ns);
  conn.close();
});

const configMap = (name: string, labels: Record<string, string> = {}, data: Record<string, string> = {}) => ({
  apiVersion: "v1",
  kind: "ConfigMap",
  metadata: { name, labels },
  data,
});

/**
 * Reads events until `stop` says so or the stream ends. After `timeoutMs` the watch is
 * aborted and what was seen so far is returned, for the assertions to explain.
 */
async function collect<T>(
  open: (signal: AbortSignal) => AsyncIterable<WatchEvent<T>>,
  stop: (seen: WatchEvent<T>[]) => boolean,
  timeoutMs = 15_000,
): Promise<WatchEvent<T>[]> {
  const seen: WatchEvent<T>[] = [];
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), timeoutMs);
  try {
    for await (const event of open(controller.signal)) {
      seen.push(event);
      if (stop(seen)) break;
    }
  } finally {
    clearTimeout(timer);
  }
  return seen;
}

const currentVersion = async (labelSelector?: string) => (await listTruth(configMaps(), labelSelector)).resourceVersion!;
const names = (events: WatchEvent<ConfigMap>[]) => events.map((e) => (e.type === "BOOKMARK" ? "BOOKMARK" : `${e.type} ${e.object.metadata?.name}`));

describe(`watch() on ${cluster.mode} cluster`, () => {
  test("typed ADDED, MODIFIED, DELETED in order, only after the given resourceVersion", async () => {
    await call(conn, "POST", path, configMap("before", { t: "order" }));
    const from = await currentVersion();
    const reading = collect((signal) => configMaps().watch({ resourceVersion: from, labelSelector: "t=order", signal }), (seen) => seen.some((e) => e.type === "DELETED"));
    await call(conn, "POST", path, configMap("a", { t: "order" }, { step: "0" }));
    await call(conn, "PATCH", `${path}/a`, { data: { step: "1" } });
    await call(conn, "DELETE", `${path}/a`);
    const events = await reading;

    expect(names(events)).toEqual(["ADDED a", "MODIFIED a", "DELETED a"]);
    const objects = events.map((e) => e.object as ConfigMap);
    expect(objects.map((o) => o.kind)).toEqual(["ConfigMap", "ConfigMap", "ConfigMap"]);
    expect(objects.map((o) => o.data?.step)).toEqual(["0", "1", "1"]);
    expect(new Set(objects.map((o) => o.metadata?.uid)).size).toBe(1);
    const versions = objects.map((o) => BigInt(o.metadata!.resourceVersion!));
    expect(versions[0]! > BigInt(from)).toBe(true);
    expect(versions[1]! > versions[0]! && versions[2]! > versions[1]!).toBe(true);
  });

  test("label and field selectors filter on the server", async () => {
    const from = await currentVersion();
    const byLabel = collect((signal) => configMaps().watch({ resourceVersion: from, labelSelector: "t=sel,tier=web", signal }), (s) => s.length >= 1);
    const byField = collect((signal) => configMaps().watch({ resourceVersion: from, fieldSelector: "metadata.name=sel-2", signal }), (s) => s.length >= 1);
    await call(conn, "POST", path, configMap("sel-1", { t: "sel", tier: "db" }));
    await call(conn, "POST", path, configMap("sel-2", { t: "sel", tier: "cache" }));
    await call(conn, "POST", path, configMap("sel-3", { t: "sel", tier: "web" }));
    expect(names(await byLabel)).toEqual(["ADDED sel-3"]);
    expect(names(await byField)).toEqual(["ADDED sel-2"]);
  });

  test("BOOKMARK events only with allowWatchBookmarks; timeoutSeconds ends the stream cleanly", async () => {
    const from = await currentVersion();
    const started = performance.now();
    // Nothing matches the selector, so all these streams can carry is bookmarks. The server
    // sends one 2 s before the timeout, once it has seen a newer resourceVersion.
    const withBookmarks = collect(
      (signal) => configMaps().watch({ resourceVersion: from, labelSelector: "t=none", allowWatchBookmarks: true, timeoutSeconds: 5, signal }),
      () => false,
    );
    const without = collect((signal) => configMaps().watch({ resourceVersion: from, labelSelector: "t=none", timeoutSeconds: 5, signal }), () => false);
    const writing = (async () => {
      for (let i = 0; i < 8; i++) {
        await call(conn, "POST", path, configMap(`noise-${i}`, { t: "noise" }));
        await pause(400);
      }
    })();
    const [bookmarked, plain] = await Promise.all([withBookmarks, without, writing]);
    const seconds = (performance.now() - started) / 1000;

    expect(bookmarked.length).toBeGreaterThan(0);
    expect(bookmarked.every((e) => e.type === "BOOKMARK")).toBe(true);
    const last = bookmarked.at(-1)!.object.metadata!.resourceVersion!;
    expect(BigInt(last) > BigInt(from)).toBe(true);
    expect(plain).toEqual([]);
    // Both streams ended on their own (no abort, no error) at about timeoutSeconds.
    expect(seconds).toBeGreaterThan(4);
    expect(seconds).toBeLessThan(12);
  });

  test("sendInitialEvents: current objects as ADDED, then the initial-events-end bookmark, then changes", async () => {
    await call(conn, "POST", path, configMap("init-1", { t: "init" }));
    await call(conn, "POST", path, configMap("init-2", { t: "init" }));
    const reading = collect(
      (signal) =>
        configMaps().watch({
          labelSelector: "t=init",
          sendInitialEvents: true,
          resourceVersionMatch: "NotOlderThan",
          allowWatchBookmarks: true,
          signal,
        }),
      (seen) => seen.some((e) => e.type === "ADDED" && e.object.metadata?.name === "init-3"));
    await pause(300);
    await call(conn, "POST", path, configMap("init-3", { t: "init" }));
    const events = await reading;
    const end = events.findIndex((e) => e.type === "BOOKMARK" && e.object.metadata.annotations?.[INITIAL_EVENTS_END_ANNOTATION] === "true");
    expect(end).toBeGreaterThan(0);
    expect(names(events.slice(0, end)).sort()).toEqual(["ADDED init-1", "ADDED init-2"]);
    expect(names(events.slice(end + 1)).filter((n) => n !== "BOOKMARK")).toEqual(["ADDED init-3"]);
  });

  test("aborting the signal ends the iteration cleanly and promptly", async () => {
    const controller = new AbortController();
    const stream = configMaps().watch({ labelSelector: "t=abort", signal: controller.signal });
    const seen: string[] = [];
    const reading = (async () => {
      for await (const event of stream) seen.push(event.type);
      return "ended";
    })();
    await pause(500);
    const aborted = performance.now();
    controller.abort();
    expect(await reading).toBe("ended");
    expect(performance.now() - aborted).toBeLessThan(1000);
    expect(seen).toEqual([]);
  });

  test("a rejected watch throws an ApiError with the server's Status; bad options fail before sending", async () => {
    const rejected = await (async () => {
      for await (const _ of configMaps().watch({ fieldSelector: "data.nope=1" })) return undefined;
      return undefined;
    })().catch((e: unknown) => e);
    expect(rejected).toBeInstanceOf(ApiError);
    expect((rejected as ApiError).code).toBe(400);
    expect((rejected as ApiError).status.kind).toBe("Status");
    expect((rejected as ApiError).message).toContain(path);

    expect(() => configMaps().watch({ resourceVersionMatch: "NotOlderThan" })).toThrow(ValidationError);
    expect(() => configMaps().watch({ sendInitialEvents: true })).toThrow(ValidationError);
    expect(() => configMaps().watch({ timeoutSeconds: -1 })).toThrow(ValidationError);
  });
});
