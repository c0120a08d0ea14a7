import { afterEach, describe, expect, it } from "vitest";
import { ApiError, TransportError } from "../../../src/base/errors.ts";
import { ExponentialBackoff, type Backoff } from "../../../src/base/backoff.ts";
import { watcher, type WatcherOptions } from "../../../src/runtime/watcher.ts";
import { EventRecorder, tick } from "./event-recorder.ts";
import { FakeClock } from "./fake-clock.ts";
import { InMemoryApi, type TestObject } from "./in-memory-api.ts";

const fast = (): Backoff => new ExponentialBackoff({ initialMs: 1, maxMs: 4 });
const controllers: AbortController[] = [];
afterEach(() => controllers.splice(0).forEach((c) => c.abort()));

function start(api: InMemoryApi, options: Partial<WatcherOptions> = {}) {
  const controller = new AbortController();
  controllers.push(controller);
  const w = watcher<TestObject>(api.client(), { backoff: fast(), signal: controller.signal, ...options });
  return { w, rec: new EventRecorder(w), controller };
}

const watchRequests = (api: InMemoryApi) => api.requests.filter((r) => r.query?.watch);
const listRequests = (api: InMemoryApi) => api.requests.filter((r) => !r.query?.watch);
const synced = (n = 1) => (r: EventRecorder<TestObject>) => r.count("SYNCED") >= n;

describe("watcher: list + watch", () => {
  it("lists in pages, reports SYNCED, then streams changes", async () => {
    const api = new InMemoryApi();
    for (const n of ["a", "b", "c", "d", "e"]) api.create(n, { v: "é€" });
    const { w, rec } = start(api, { streamingList: false, limit: 2 });
    await rec.until(synced());
    expect(rec.brief()).toEqual([
      "ADDED ns/a",
      "ADDED ns/b",
      "ADDED ns/c",
      "ADDED ns/d",
      "ADDED ns/e",
      "SYNCED initial list-watch 5",
    ]);
    expect(listRequests(api).map((r) => r.query?.continue)).toEqual([undefined, expect.any(String), expect.any(String)]);
    // List items come without kind; the watcher fills it in from the list kind.
    const first = rec.events[0] as { object: TestObject };
    expect(first.object.kind).toBe("ConfigMap");
    expect(first.object.apiVersion).toBe("v1");

    await rec.until(() => api.activeWatches === 1);
    expect(watchRequests(api)[0]!.query).toMatchObject({
      watch: true,
      resourceVersion: "105",
      allowWatchBookmarks: true,
      timeoutSeconds: 290,
    });
    api.create("f");
    api.update("a", { v: "2" });
    api.remove("b");
    await rec.until((r) => r.events.length === 9);
    expect(rec.brief(6)).toEqual(["ADDED ns/f", "MODIFIED ns/a", "DELETED ns/b"]);
    expect(w.mode).toBe("list-watch");
    expect(w.resourceVersion).toBe(api.resourceVersion);
    expect(w.stats).toMatchObject({ listRequests: 3, watchRequests: 1, syncs: 1, relists: 0, errors: 0, events: 3 });
  });

  it("passes selectors to list and watch", async () => {
    const api = new InMemoryApi();
    api.create("a", {}, { app: "web" });
    api.create("b", {}, { app: "db" });
    const { rec } = start(api, { streamingList: false, labelSelector: "app=web" });
    await rec.until(synced());
    expect(rec.brief()).toEqual(["ADDED ns/a", "SYNCED initial list-watch 1"]);
    await rec.until(() => api.activeWatches === 1);
    expect(api.requests.every((r) => r.query?.labelSelector === "app=web")).toBe(true);
  });

  it("resumes from the last resourceVersion after a reset connection, without relisting", async () => {
    const api = new InMemoryApi();
    api.create("a");
    const { w, rec } = start(api, { streamingList: false });
    await rec.until(synced());
    await rec.until(() => api.activeWatches === 1);
    api.create("b");
    await rec.until((r) => r.count("ADDED") === 2);
    const seenRv = w.resourceVersion;
    api.partition(); // changes made while the client is cut off stay in the log
    api.create("c");
    api.heal();
    await rec.until((r) => r.count("ADDED") === 3);
    expect(rec.brief(3)).toEqual(["ERROR TransportError", "ADDED ns/c"]);
    expect(watchRequests(api)[1]!.query?.resourceVersion).toBe(seenRv);
    expect(w.stats).toMatchObject({ reconnects: 1, relists: 0, listRequests: 1, errors: 1 });
  });

  it("reconnects after a clean close (server timeout) without reporting an error", async () => {
    const api = new InMemoryApi();
    api.create("a");
    const { w, rec } = start(api, { streamingList: false });
    await rec.until(() => api.activeWatches === 1);
    api.closeWatches();
    await rec.until(() => api.activeWatches === 1 && watchRequests(api).length === 2);
    api.create("b");
    await rec.until((r) => r.count("ADDED") === 2);
    expect(rec.count("ERROR")).toBe(0);
    expect(w.stats.reconnects).toBe(1);
  });

  it("advances the resourceVersion on bookmarks and resumes from it", async () => {
    const api = new InMemoryApi();
    api.create("a", {}, { app: "web" });
    const { w, rec } = start(api, { streamingList: false, labelSelector: "app=web" });
    await rec.until(() => api.activeWatches === 1);
    const before = w.resourceVersion;
    // Changes outside the selector move the server's version on; the watcher sees none of them.
    api.create("x", {}, { app: "db" });
    api.create("y", {}, { app: "db" });
    await tick();
    expect(w.resourceVersion).toBe(before);
    api.bookmark();
    await rec.until(() => w.stats.bookmarks === 1);
    expect(w.resourceVersion).toBe(api.resourceVersion);
    expect(w.resourceVersion).not.toBe(before);
    api.closeWatches();
    await rec.until(() => watchRequests(api).length === 2);
    expect(watchRequests(api)[1]!.query?.resourceVersion).toBe(api.resourceVersion);
    expect(rec.events.filter((e) => e.type !== "SYNCED")).toHaveLength(1); // bookmarks are not events
  });

  it("on 410 Gone relists and reports what changed while away as resync events", async () => {
    const api = new InMemoryApi();
    for (const n of ["a", "b", "c", "d"]) api.create(n);
    const { w, rec } = start(api, { streamingList: false });
    await rec.until(synced());
    await rec.until(() => api.activeWatches === 1);
    api.partition(); // the watcher hears nothing of this
    api.remove("b");
    api.update("c", { v: "2" });
    api.remove("d");
    api.create("d"); // same name, new uid
    api.create("e");
    api.compact();
    api.heal(); // reconnect from the old version → 410
    await rec.until(synced(2));
    expect(rec.brief(5)).toEqual([
      "ERROR TransportError",
      "DELETED ns/b resync",
      "DELETED ns/d resync",
      "MODIFIED ns/c resync",
      "ADDED ns/d resync",
      "ADDED ns/e resync",
      "SYNCED relist list-watch 4",
    ]);
    expect(w.stats).toMatchObject({ gone: 1, relists: 1, syncs: 2 });
    expect(rec.replica).toEqual(api.state());
  });

  it("restarts the list when a continue token expires between pages", async () => {
    const api = new InMemoryApi();
    for (const n of ["a", "b", "c", "d", "e"]) api.create(n);
    let compacted = false;
    api.onListPage = (page) => {
      if (page === 1 && !compacted) {
        compacted = true;
        api.update("a", { v: "2" });
        api.compact();
      }
    };
    const { w, rec } = start(api, { streamingList: false, limit: 2 });
    await rec.until(synced());
    expect(rec.brief()).toEqual([
      "ERROR ApiError",
      "ADDED ns/a",
      "ADDED ns/b",
      "ADDED ns/c",
      "ADDED ns/d",
      "ADDED ns/e",
      "SYNCED initial list-watch 5",
    ]);
    expect(w.stats.gone).toBe(1);
    expect(rec.replica).toEqual(api.state());
  });

  it("reports a non-410 ERROR event and keeps watching", async () => {
    const api = new InMemoryApi();
    const { rec } = start(api, { streamingList: false });
    await rec.until(() => api.activeWatches === 1);
    api.sendError(500, "InternalError");
    await rec.until((r) => r.count("ERROR") === 1);
    await rec.until(() => api.activeWatches === 1 && watchRequests(api).length === 2);
    api.create("a");
    await rec.until((r) => r.count("ADDED") === 1);
    const error = rec.events.find((e) => e.type === "ERROR");
    expect(error?.type === "ERROR" && error.error instanceof ApiError && error.error.code).toBe(500);
  });

  it("reports a bad line as a DecodeError and resumes", async () => {
    const api = new InMemoryApi();
    const { rec } = start(api, { streamingList: false });
    await rec.until(() => api.activeWatches === 1);
    api.sendRaw("{not json");
    await rec.until((r) => r.count("ERROR") === 1);
    expect(rec.brief().at(-1)).toBe("ERROR DecodeError");
    await rec.until(() => api.activeWatches === 1);
    api.create("a");
    await rec.until((r) => r.count("ADDED") === 1);
  });

  it("retries failed lists with the backoff and recovers", async () => {
    const api = new InMemoryApi();
    api.create("a");
    const down = (): TransportError => new TransportError("connect ECONNREFUSED", {}, { code: "ECONNREFUSED" });
    api.failNext.list.push(down(), down(), down());
    const asked: number[] = [];
    const backoff: Backoff = { next: () => (asked.push(asked.length), 1), reset: () => undefined };
    const { rec } = start(api, { streamingList: false, backoff });
    await rec.until(synced());
    expect(rec.brief()).toEqual([
      "ERROR TransportError",
      "ERROR TransportError",
      "ERROR TransportError",
      "ADDED ns/a",
      "SYNCED initial list-watch 1",
    ]);
    expect(asked).toHaveLength(3);
  });

  it("waits at least the server's Retry-After before retrying", async () => {
    const api = new InMemoryApi();
    api.failNext.list.push(
      new ApiError({ code: 429, reason: "TooManyRequests", message: "slow down", details: { retryAfterSeconds: 2 } }),
    );
    const clock = new FakeClock();
    const backoff: Backoff = { next: () => 1, reset: () => undefined };
    const { rec } = start(api, { streamingList: false, clock, backoff });
    await rec.until((r) => r.count("ERROR") === 1);
    await clock.advance(1999);
    expect(listRequests(api)).toHaveLength(1);
    await clock.advance(1);
    await rec.until(synced());
    expect(listRequests(api)).toHaveLength(2);
  });

  it("reconnects when nothing arrives within the idle window", async () => {
    const api = new InMemoryApi();
    const { w, rec } = start(api, { streamingList: false, idleTimeoutMs: 30 });
    await rec.until(() => w.stats.idleTimeouts >= 1 && watchRequests(api).length >= 2);
    expect(w.stats.reconnects).toBeGreaterThanOrEqual(1);
    expect(rec.count("ERROR")).toBe(0);
    // The abandoned stream was cancelled, not leaked.
    await rec.until(() => api.activeWatches === 1);
  });

  it("measures the idle window from the last event or bookmark (fake clock)", async () => {
    const api = new InMemoryApi();
    const clock = new FakeClock();
    const { w, rec } = start(api, { streamingList: false, idleTimeoutMs: 1000, clock, backoff: false });
    await rec.until(() => api.activeWatches === 1);
    await clock.advance(999);
    api.bookmark();
    await tick();
    await clock.advance(999); // 1998 ms since the watch began, 999 since the bookmark
    expect(w.stats).toMatchObject({ bookmarks: 1, idleTimeouts: 0, watchRequests: 1 });
    await clock.advance(1);
    await rec.until(() => w.stats.idleTimeouts === 1 && api.activeWatches === 1 && watchRequests(api).length === 2);
    expect(w.stats.reconnects).toBe(1);
  });

  it("ends cleanly when the signal aborts and cancels the open watch", async () => {
    const api = new InMemoryApi();
    const { rec, controller } = start(api, { streamingList: false });
    await rec.until(() => api.activeWatches === 1);
    controller.abort();
    await rec.done;
    expect(rec.count("ERROR")).toBe(0);
    await rec.until(() => api.activeWatches === 0);
  });

  it("cancels the open watch when the consumer breaks out of the loop", async () => {
    const api = new InMemoryApi();
    api.create("a");
    const w = watcher<TestObject>(api.client(), { streamingList: false, backoff: fast() });
    for await (const event of w) if (event.type === "SYNCED") break;
    await tick(20);
    expect(api.activeWatches).toBe(0);
    expect(() => w[Symbol.asyncIterator]()).toThrow(/only once/);
  });
});

describe("watcher: streaming list", () => {
  it("uses sendInitialEvents and ends the initial list at the initial-events-end bookmark", async () => {
    const api = new InMemoryApi();
    for (const n of ["a", "b"]) api.create(n);
    const { w, rec } = start(api);
    await rec.until(synced());
    expect(rec.brief()).toEqual(["ADDED ns/a", "ADDED ns/b", "SYNCED initial streaming 2"]);
    expect(listRequests(api)).toHaveLength(0);
    expect(watchRequests(api)[0]!.query).toMatchObject({
      sendInitialEvents: true,
      resourceVersionMatch: "NotOlderThan",
      allowWatchBookmarks: true,
    });
    expect(watchRequests(api)[0]!.query?.resourceVersion).toBeUndefined();
    api.create("c");
    await rec.until((r) => r.count("ADDED") === 3);
    expect(w.mode).toBe("streaming");
    expect(w.stats.watchRequests).toBe(1); // the same request goes on as the watch
  });

  it("falls back to list + watch when the server rejects it, and reports the mode", async () => {
    const api = new InMemoryApi();
    api.streamingSupported = false;
    api.create("a");
    const { w, rec } = start(api);
    await rec.until(synced());
    expect(rec.brief()).toEqual(["ADDED ns/a", "SYNCED initial list-watch 1"]);
    expect(w.mode).toBe("list-watch");
    expect(w.stats.streamingFallbacks).toBe(1);
    // After a 410 it does not try streaming again.
    await rec.until(() => api.activeWatches === 1);
    api.partition();
    api.create("b");
    api.compact();
    api.heal();
    await rec.until(synced(2));
    expect(watchRequests(api).filter((r) => r.query?.sendInitialEvents)).toHaveLength(1);
  });

  it("gives up on streaming lists after repeated failures that do not say 'unsupported'", async () => {
    const api = new InMemoryApi();
    api.create("a");
    const broken = () => new ApiError({ code: 500, reason: "InternalError", message: "storage cannot do it" });
    api.failNext.watch.push(broken(), broken(), broken());
    const { w, rec } = start(api);
    await rec.until(synced());
    expect(rec.brief()).toEqual(["ERROR ApiError", "ERROR ApiError", "ERROR ApiError", "ADDED ns/a", "SYNCED initial list-watch 1"]);
    expect(w.stats.streamingFallbacks).toBe(1);
  });

  it("relists by streaming after 410 and reports the differences", async () => {
    const api = new InMemoryApi();
    for (const n of ["a", "b"]) api.create(n);
    const { rec } = start(api);
    await rec.until(synced());
    api.partition();
    api.remove("a");
    api.create("c");
    api.compact();
    api.heal();
    await rec.until(synced(2));
    expect(rec.brief(3)).toEqual([
      "ERROR TransportError",
      "DELETED ns/a resync",
      "ADDED ns/c resync",
      "SYNCED relist streaming 2",
    ]);
    expect(rec.replica).toEqual(api.state());
  });
});

describe("watcher: scale", () => {
  it("pages its initial list by default (limit 500), so a big collection never meets the response-size limit", async () => {
    const api = new InMemoryApi();
    for (let i = 0; i < 1200; i++) api.create(`cm-${String(i).padStart(4, "0")}`);
    const { rec } = start(api, { streamingList: false });
    await rec.until(synced(), 10_000);
    expect(rec.count("ADDED")).toBe(1200);
    expect(listRequests(api).map((r) => r.query?.limit)).toEqual([500, 500, 500]);
  });

  it.each([true, false])("syncs 2500 objects in pages of 500 (streaming list: %s) and stays consistent", async (streamingList) => {
    const api = new InMemoryApi();
    for (let i = 0; i < 2500; i++) api.create(`cm-${String(i).padStart(4, "0")}`, { v: "x".repeat(100) });
    const { w, rec } = start(api, { streamingList, limit: 500 });
    await rec.until(synced(), 10_000);
    expect(rec.count("ADDED")).toBe(2500);
    expect(w.stats.listRequests).toBe(streamingList ? 0 : 5);
    expect(rec.replica).toEqual(api.state());
  });
});
