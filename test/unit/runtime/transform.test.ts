import { describe, expect, it } from "vitest";
import { ExponentialBackoff } from "../../../src/base/backoff.ts";
import { dropManagedFields } from "../../../src/base/object.ts";
import { informer } from "../../../src/runtime/informer.ts";
import { poller } from "../../../src/runtime/polling.ts";
import { SharedInformerFactory } from "../../../src/runtime/shared-informers.ts";
import { metadataOnly } from "../../../src/api/metadata-client.ts";
import { EventRecorder, tick } from "./event-recorder.ts";
import { InMemoryApi, type TestObject } from "./in-memory-api.ts";

const backoff = () => new ExponentialBackoff({ initialMs: 1, maxMs: 4 });

/** Keeps only a digest of the data: what a transform that projects fields does. */
const digest = (o: TestObject): TestObject => ({ ...o, data: { keys: Object.keys(o.data ?? {}).sort().join(",") } });

describe("transform", () => {
  it("dropManagedFields removes managedFields in place and keeps the rest", () => {
    const o = { metadata: { name: "a", resourceVersion: "1", managedFields: [{ manager: "m" }] }, data: { x: "1" } };
    expect(dropManagedFields(o)).toBe(o);
    expect(o).toEqual({ metadata: { name: "a", resourceVersion: "1" }, data: { x: "1" } });
    expect(dropManagedFields({ metadata: { name: "b" } })).toEqual({ metadata: { name: "b" } });
  });

  it("applies to listed objects, watched events and relists before the informer caches them", async () => {
    const api = new InMemoryApi();
    api.create("a", { x: "1", y: "2" });
    const seen: string[] = [];
    const inf = informer<TestObject>(api.client(), { streamingList: false, backoff: backoff(), transform: (o) => (seen.push(o.metadata!.name!), digest(o)) });
    inf.on("update", (o, previous) => seen.push(`update ${previous.data?.keys} -> ${o.data?.keys}`));
    await inf.waitForSync({ timeoutMs: 2000 });
    expect(inf.store.get("a", "ns")?.data).toEqual({ keys: "x,y" });
    while (api.activeWatches === 0) await tick(1);
    api.update("a", { z: "3" });
    api.create("b", { q: "1" });
    await inf.waitFor("b", () => true, { timeoutMs: 2000 });
    expect(inf.store.get("a", "ns")?.data).toEqual({ keys: "z" });
    expect(inf.store.get("b", "ns")?.data).toEqual({ keys: "q" });
    // A 410 makes the watcher relist: the relisted objects are transformed too, and compare equal.
    api.compact();
    api.update("b", { r: "2" });
    api.breakWatches();
    await inf.waitFor("b", (o) => o.data?.keys === "r", { timeoutMs: 2000 });
    expect(inf.store.list().map((o) => o.data?.keys).sort()).toEqual(["r", "z"]);
    expect(seen).toContain("update x,y -> z");
    inf.stop();
  });

  it("applies to polled lists", async () => {
    const api = new InMemoryApi();
    api.create("a", { k: "v" });
    const stop = new AbortController();
    const rec = new EventRecorder(poller<TestObject>(api.client(), { pollIntervalMs: 1, backoff: backoff(), signal: stop.signal, transform: digest }));
    await rec.until((r) => r.count("SYNCED") > 0);
    const added = rec.events.find((e) => e.type === "ADDED");
    expect(added && "object" in added ? added.object.data : undefined).toEqual({ keys: "k" });
    stop.abort();
    await rec.done;
  });

  it("shared informers share only with the same transform and the same view", () => {
    const api = new InMemoryApi();
    const key = (options: { transform?: (o: TestObject) => TestObject } = {}, client = api.client()) => SharedInformerFactory.keyOf(client, options);
    expect(key()).toBe(key());
    expect(key({ transform: digest })).toBe(key({ transform: digest }));
    expect(key({ transform: digest })).not.toBe(key());
    expect(key({ transform: dropManagedFields })).not.toBe(key({ transform: digest }));
    expect(SharedInformerFactory.keyOf(metadataOnly(api.client()), {})).not.toBe(key());
  });
});
