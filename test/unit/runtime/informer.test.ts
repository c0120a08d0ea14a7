import { afterEach, describe, expect, it } from "vitest";
import { ApiError, WaitTimeoutError } from "../../../src/base/errors.ts";
import { ExponentialBackoff } from "../../../src/base/backoff.ts";
import { informer, type Informer, type InformerOptions } from "../../../src/runtime/informer.ts";
import { tick } from "./event-recorder.ts";
import { InMemoryApi, type TestObject } from "./in-memory-api.ts";

const running: Informer<TestObject>[] = [];
afterEach(() => running.splice(0).forEach((i) => i.stop()));

function start(api: InMemoryApi, options: Partial<InformerOptions<TestObject>> = {}): Informer<TestObject> {
  const inf = informer<TestObject>(api.client(), {
    streamingList: false,
    backoff: new ExponentialBackoff({ initialMs: 1, maxMs: 4 }),
    ...options,
  });
  running.push(inf);
  return inf;
}

async function until(predicate: () => boolean, timeoutMs = 3000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error("condition not met");
    await tick(1);
  }
}

describe("informer", () => {
  it("pages its initial list by default (limit 500)", async () => {
    const api = new InMemoryApi();
    for (let i = 0; i < 1100; i++) api.create(`cm-${String(i).padStart(4, "0")}`);
    const inf = start(api);
    await inf.waitForSync({ timeoutMs: 10_000 });
    expect(inf.store.size).toBe(1100);
    expect(api.requests.filter((r) => !r.query?.watch).map((r) => r.query?.limit)).toEqual([500, 500, 500]);
  });

  it("fills the store, calls add/update/delete handlers and reports sync", async () => {
    const api = new InMemoryApi();
    api.create("a", { v: "1" }, { app: "web" });
    api.create("b", {}, { app: "db" });
    const inf = start(api, { indexers: { byValue: (o) => (o.data?.v ? [o.data.v] : []) } });
    const calls: string[] = [];
    inf.on("add", (o, info) => calls.push(`add ${o.metadata?.name}${info.resync ? " resync" : ""}`));
    inf.on("update", (o, prev) => calls.push(`update ${o.metadata?.name} ${prev.data?.v}->${o.data?.v}`));
    inf.on("delete", (o) => calls.push(`delete ${o.metadata?.name}`));
    inf.on("synced", (s) => calls.push(`synced ${s.size} ${s.mode}`));
    expect(inf.synced).toBe(false);
    await inf.waitForSync({ timeoutMs: 2000 });
    expect(inf.synced).toBe(true);
    expect(inf.store.size).toBe(2);
    expect(inf.store.get("a", "ns")?.data?.v).toBe("1");
    expect(inf.store.list({ labels: { app: "web" } }).map((o) => o.metadata?.name)).toEqual(["a"]);
    expect(inf.store.byIndex("byValue", "1").map((o) => o.metadata?.name)).toEqual(["a"]);

    await until(() => api.activeWatches === 1);
    api.update("a", { v: "2" });
    api.remove("b");
    await until(() => calls.length === 5);
    expect(calls).toEqual(["add a", "add b", "synced 2 list-watch", "update a 1->2", "delete b"]);
    expect(inf.store.byIndex("byValue", "2").map((o) => o.metadata?.name)).toEqual(["a"]);
    expect(inf.store.byIndex("byValue", "1")).toEqual([]);
    expect(inf.mode).toBe("list-watch");
  });

  it("replays cached objects to handlers added late", async () => {
    const api = new InMemoryApi();
    api.create("a");
    const inf = start(api);
    await inf.waitForSync();
    const late: string[] = [];
    inf.on("add", (o) => late.push(`add ${o.metadata?.name}`));
    inf.on("synced", (s) => late.push(`synced ${s.initial}`));
    expect(late).toEqual(["add a", "synced true"]);
  });

  it("removes a handler with the returned function", async () => {
    const api = new InMemoryApi();
    const inf = start(api);
    const seen: string[] = [];
    const off = inf.on("add", (o) => seen.push(o.metadata!.name!));
    await inf.waitForSync();
    await until(() => api.activeWatches === 1);
    api.create("a");
    await until(() => seen.length === 1);
    off();
    api.create("b");
    await until(() => inf.store.size === 2);
    expect(seen).toEqual(["a"]);
  });

  it("waitFor resolves with the object once the predicate holds", async () => {
    const api = new InMemoryApi();
    api.create("deploy", { ready: "false" });
    const inf = start(api);
    const ready = inf.waitFor("deploy", (o) => o.data?.ready === "true", { timeoutMs: 2000 });
    await inf.waitForSync();
    await until(() => api.activeWatches === 1);
    api.update("deploy", { ready: "false", step: "1" });
    await tick();
    api.update("deploy", { ready: "true" });
    const object = await ready;
    expect(object.data).toEqual({ ready: "true" });
    // Already true: resolves at once, also by { name, namespace } and by object.
    await expect(inf.waitFor({ name: "deploy", namespace: "ns" }, () => true)).resolves.toBe(object);
    await expect(inf.waitFor(object, () => true)).resolves.toBe(object);
    await expect(inf.waitFor("ns/deploy", () => true)).resolves.toBe(object);
  });

  it("waitFor waits for an object that does not exist yet", async () => {
    const api = new InMemoryApi();
    const inf = start(api);
    const created = inf.waitFor("later", () => true, { timeoutMs: 2000 });
    await inf.waitForSync();
    await until(() => api.activeWatches === 1);
    api.create("later");
    expect((await created).metadata?.name).toBe("later");
  });

  it("waitFor rejects with WaitTimeoutError when the time runs out", async () => {
    const api = new InMemoryApi();
    api.create("a", { ready: "false" });
    const inf = start(api);
    const error = await inf.waitFor("a", (o) => o.data?.ready === "true", { timeoutMs: 30 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WaitTimeoutError);
    expect((error as Error).message).toContain("ns/a");
  });

  it("waitFor rejects with the abort reason when its signal aborts, and when the informer stops", async () => {
    const api = new InMemoryApi();
    const inf = start(api);
    const controller = new AbortController();
    const aborted = inf.waitFor("x", () => true, { signal: controller.signal });
    controller.abort();
    await expect(aborted).rejects.toMatchObject({ name: "AbortError" });
    const stopped = inf.waitFor("x", () => true);
    inf.stop();
    await expect(stopped).rejects.toMatchObject({ name: "AbortError" });
  });

  it("waitForSync times out while the list keeps failing, and rejects when stopped", async () => {
    const api = new InMemoryApi();
    const forbidden = () => new ApiError({ code: 403, reason: "Forbidden", message: "no" });
    for (let i = 0; i < 1000; i++) api.failNext.list.push(forbidden());
    const inf = start(api);
    await expect(inf.waitForSync({ timeoutMs: 30 })).rejects.toBeInstanceOf(WaitTimeoutError);
    const pending = inf.waitForSync();
    inf.stop();
    await expect(pending).rejects.toMatchObject({ name: "AbortError" });
    expect(inf.stats.errors).toBeGreaterThan(0);
  });

  it("waitForDeletion resolves once the object is gone from a synced store", async () => {
    const api = new InMemoryApi();
    api.create("a");
    const inf = start(api);
    const deleted = inf.waitForDeletion("a", { timeoutMs: 2000 });
    let settled = false;
    void deleted.then(() => (settled = true));
    await inf.waitForSync();
    await until(() => api.activeWatches === 1);
    expect(settled).toBe(false);
    api.remove("a");
    await deleted;
    await expect(inf.waitForDeletion("never-existed", { timeoutMs: 100 })).resolves.toBeUndefined();
  });

  it("sends handler exceptions to error handlers and keeps going", async () => {
    const api = new InMemoryApi();
    api.create("a");
    api.create("b");
    const inf = start(api);
    const errors: string[] = [];
    inf.on("error", (e) => errors.push(e.message));
    inf.on("add", (o) => {
      if (o.metadata?.name === "a") throw new Error("handler broke");
    });
    await inf.waitForSync();
    expect(errors).toEqual(["handler broke"]);
    expect(inf.store.size).toBe(2);
  });

  it("reports watch failures to error handlers and recovers", async () => {
    const api = new InMemoryApi();
    const inf = start(api);
    const errors: string[] = [];
    inf.on("error", (e) => errors.push(e.constructor.name));
    await inf.waitForSync();
    await until(() => api.activeWatches === 1);
    api.breakWatches();
    await until(() => api.activeWatches === 1);
    api.create("a");
    await inf.waitFor("a", () => true, { timeoutMs: 2000 });
    expect(errors).toEqual(["TransportError"]);
    expect(inf.stats.reconnects).toBe(1);
  });

  it("works the same in poll mode", async () => {
    const api = new InMemoryApi();
    api.create("a", { ready: "false" });
    const inf = start(api, { mode: "poll", pollIntervalMs: 5 });
    await inf.waitForSync();
    expect(inf.mode).toBe("poll");
    const ready = inf.waitFor("a", (o) => o.data?.ready === "true", { timeoutMs: 2000 });
    api.update("a", { ready: "true" });
    expect((await ready).data?.ready).toBe("true");
    expect(api.requests.some((r) => r.query?.watch)).toBe(false);
  });

  it("stops its watch on stop()", async () => {
    const api = new InMemoryApi();
    const inf = start(api);
    await until(() => api.activeWatches === 1);
    inf.stop();
    await until(() => api.activeWatches === 0);
  });
});
