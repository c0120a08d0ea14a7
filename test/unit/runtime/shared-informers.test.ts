import { describe, expect, it } from "vitest";
import { ExponentialBackoff } from "../../../src/base/backoff.ts";
import type { ListWatchClient } from "../../../src/api/client-types.ts";
import { SharedInformerFactory } from "../../../src/runtime/shared-informers.ts";
import { tick } from "./event-recorder.ts";
import { InMemoryApi, type TestObject } from "./in-memory-api.ts";

async function until(predicate: () => boolean, timeoutMs = 3000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error("condition not met");
    await tick(1);
  }
}

const factoryFor = (api: InMemoryApi) =>
  new SharedInformerFactory({ streamingList: false, backoff: new ExponentialBackoff({ initialMs: 1, maxMs: 4 }) });
const watches = (api: InMemoryApi) => api.requests.filter((r) => r.query?.watch).length;
const lists = (api: InMemoryApi) => api.requests.filter((r) => !r.query?.watch).length;

describe("SharedInformerFactory", () => {
  it("shares one list and one watch between informers on the same collection and selectors", async () => {
    const api = new InMemoryApi();
    api.create("a", {}, { app: "web" });
    const factory = factoryFor(api);
    const first = factory.informer<TestObject>(api.client(), { labelSelector: "app=web" });
    await first.waitForSync();
    const second = factory.informer<TestObject>(api.client(), { labelSelector: "app=web" });
    expect(second.synced).toBe(true);
    expect(second.store).toBe(first.store);
    expect(factory.size).toBe(1);
    await until(() => api.activeWatches === 1);
    expect([lists(api), watches(api)]).toEqual([1, 1]);

    const other = factory.informer<TestObject>(api.client(), { labelSelector: "app=db" });
    await other.waitForSync();
    expect(factory.size).toBe(2);
    expect(lists(api)).toBe(2);
    factory.stopAll();
    await until(() => api.activeWatches === 0);
  });

  it("gives each handle its own handlers, replaying the cache to a late one", async () => {
    const api = new InMemoryApi();
    api.create("a");
    const factory = factoryFor(api);
    const h1 = factory.informer<TestObject>(api.client());
    const seen1: string[] = [];
    h1.on("add", (o) => seen1.push(o.metadata!.name!));
    await h1.waitForSync();
    const h2 = factory.informer<TestObject>(api.client());
    const seen2: string[] = [];
    h2.on("add", (o) => seen2.push(o.metadata!.name!));
    expect(seen2).toEqual(["a"]); // replayed
    await until(() => api.activeWatches === 1);
    h2.stop();
    api.create("b");
    await until(() => seen1.length === 2);
    expect(seen1).toEqual(["a", "b"]);
    expect(seen2).toEqual(["a"]); // stopped handles hear nothing more
    h1.stop();
  });

  it("stops the shared watch when the last handle stops, and starts afresh after", async () => {
    const api = new InMemoryApi();
    const factory = factoryFor(api);
    const h1 = factory.informer<TestObject>(api.client());
    const h2 = factory.informer<TestObject>(api.client());
    await until(() => api.activeWatches === 1);
    h1.stop();
    h1.stop(); // idempotent: does not release twice
    await tick(10);
    expect(api.activeWatches).toBe(1);
    expect(factory.size).toBe(1);
    h2.stop();
    await until(() => api.activeWatches === 0);
    expect(factory.size).toBe(0);
    const h3 = factory.informer<TestObject>(api.client());
    await h3.waitForSync();
    expect(lists(api)).toBe(2);
    h3.stop();
  });

  it("a handle's signal stops only that handle; its waits reject", async () => {
    const api = new InMemoryApi();
    const factory = factoryFor(api);
    const controller = new AbortController();
    const h1 = factory.informer<TestObject>(api.client(), { signal: controller.signal });
    const h2 = factory.informer<TestObject>(api.client());
    const waiting = h1.waitFor("never", () => true);
    controller.abort();
    await expect(waiting).rejects.toMatchObject({ name: "AbortError" });
    await h2.waitForSync();
    await until(() => api.activeWatches === 1);
    expect(factory.size).toBe(1);
    h2.stop();
  });

  it("adds indexes asked for by later handles", async () => {
    const api = new InMemoryApi();
    api.create("a", { v: "x" });
    const factory = factoryFor(api);
    const h1 = factory.informer<TestObject>(api.client());
    await h1.waitForSync();
    const h2 = factory.informer<TestObject>(api.client(), { indexers: { byV: (o) => [o.data?.v ?? ""] } });
    expect(h2.store.byIndex("byV", "x").map((o) => o.metadata?.name)).toEqual(["a"]);
    factory.stopAll();
  });

  it("keys by connection, resource, namespace, selectors and mode", () => {
    const api = new InMemoryApi();
    const client = api.client();
    const key = (c: ListWatchClient<TestObject> = client, o: Parameters<typeof SharedInformerFactory.keyOf>[1] = {}) => SharedInformerFactory.keyOf(c, o);
    expect(key()).toBe(key(api.client(), { mode: "watch" }));
    // The same selector as a string or as an object is the same watch.
    expect(key(client, { labelSelector: "app=web" })).toBe(key(client, { labelSelector: { app: "web" } }));
    expect(key(client, { fieldSelector: "a=b" })).toBe(key(client, { fieldSelector: { a: "b" } }));
    expect(key()).not.toBe(key(client, { labelSelector: "a=b" }));
    expect(key()).not.toBe(key(client, { fieldSelector: "a=b" }));
    expect(key()).not.toBe(key(client, { mode: "poll" }));
    expect(key()).not.toBe(key({ ...client, namespace: "other" }));
    expect(key()).not.toBe(key({ ...client, resource: { ...client.resource, plural: "secrets" } }));
    // Another connection to the same server never shares a cache with this one.
    expect(key()).not.toBe(key(new InMemoryApi().client()));
  });
});
