import { afterEach, describe, expect, it } from "vitest";
import { TransportError } from "../../../src/base/errors.ts";
import type { Backoff } from "../../../src/base/backoff.ts";
import { poller } from "../../../src/runtime/polling.ts";
import { watcher } from "../../../src/runtime/watcher.ts";
import { EventRecorder } from "./event-recorder.ts";
import { FakeClock } from "./fake-clock.ts";
import { InMemoryApi, type TestObject } from "./in-memory-api.ts";

const controllers: AbortController[] = [];
afterEach(() => controllers.splice(0).forEach((c) => c.abort()));

function startPolling(api: InMemoryApi, clock: FakeClock, backoff?: Backoff) {
  const controller = new AbortController();
  controllers.push(controller);
  const p = poller<TestObject>(api.client(), {
    pollIntervalMs: 1000,
    limit: 2,
    clock,
    signal: controller.signal,
    ...(backoff ? { backoff } : {}),
  });
  return { p, rec: new EventRecorder(p) };
}

describe("poller", () => {
  it("lists on an interval and emits the differences as watcher events", async () => {
    const api = new InMemoryApi();
    api.create("a");
    api.create("b");
    api.create("c");
    const clock = new FakeClock();
    const { p, rec } = startPolling(api, clock);
    await rec.until((r) => r.count("SYNCED") === 1);
    expect(rec.brief()).toEqual(["ADDED ns/a", "ADDED ns/b", "ADDED ns/c", "SYNCED initial poll 3"]);
    api.update("a", { v: "2" });
    api.remove("b");
    api.create("d");
    await clock.advance(999);
    expect(rec.count("SYNCED")).toBe(1); // not yet
    await clock.advance(1);
    await rec.until((r) => r.count("SYNCED") === 2);
    expect(rec.brief(4)).toEqual([
      "DELETED ns/b resync",
      "MODIFIED ns/a resync",
      "ADDED ns/d resync",
      "SYNCED relist poll 3",
    ]);
    await clock.advance(1000);
    await rec.until((r) => r.count("SYNCED") === 3);
    expect(rec.brief(8)).toEqual(["SYNCED relist poll 3"]); // nothing changed, nothing reported
    expect(p.mode).toBe("poll");
    expect(p.stats).toMatchObject({ syncs: 3, relists: 2, listRequests: 6, watchRequests: 0 });
    expect(rec.replica).toEqual(api.state());
  });

  it("reports a failed poll as ERROR, backs off, and retries", async () => {
    const api = new InMemoryApi();
    api.create("a");
    api.failNext.list.push(new TransportError("connect ECONNREFUSED", {}, { code: "ECONNREFUSED" }));
    const clock = new FakeClock();
    const backoff: Backoff = { next: () => 500, reset: () => undefined };
    const { rec } = startPolling(api, clock, backoff);
    await rec.until((r) => r.count("ERROR") === 1);
    await clock.advance(499);
    expect(rec.count("SYNCED")).toBe(0);
    await clock.advance(1);
    await rec.until((r) => r.count("SYNCED") === 1);
    expect(rec.brief()).toEqual(["ERROR TransportError", "ADDED ns/a", "SYNCED initial poll 1"]);
  });

  it("is what watcher gives with mode: poll", async () => {
    const api = new InMemoryApi();
    api.create("a");
    const controller = new AbortController();
    controllers.push(controller);
    const w = watcher<TestObject>(api.client(), { mode: "poll", pollIntervalMs: 10, signal: controller.signal });
    const rec = new EventRecorder(w);
    await rec.until((r) => r.count("SYNCED") >= 2);
    expect(w.mode).toBe("poll");
    expect(api.requests.some((r) => r.query?.watch)).toBe(false);
  });
});
