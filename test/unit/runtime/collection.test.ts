/**
 * The collection a watcher or poller follows: options are checked at the call with the typed
 * client's own rules, list pages go through the client, and `limit: 0` means one unpaged list.
 */
import { describe, expect, it } from "vitest";
import { ValidationError } from "../../../src/base/errors.ts";
import { api } from "../../../src/api/client.ts";
import { poller } from "../../../src/runtime/polling.ts";
import { watcher } from "../../../src/runtime/watcher.ts";
import { informer } from "../../../src/runtime/informer.ts";
import { TokenReview } from "../../../generated/k8s/authentication/v1/index.ts";
import { EventRecorder } from "./event-recorder.ts";
import { InMemoryApi } from "./in-memory-api.ts";

const listQueries = (api: InMemoryApi) => api.requests.filter((r) => !r.query?.watch).map((r) => r.query);

describe("watcher and poller options", () => {
  it.each([
    ["a malformed label selector object", () => watcher(new InMemoryApi().client(), { labelSelector: { "bad key!": "x" } })],
    ["a negative limit", () => watcher(new InMemoryApi().client(), { limit: -1 })],
    ["a fractional timeoutSeconds", () => watcher(new InMemoryApi().client(), { timeoutSeconds: 1.5 })],
    ["a field selector with a bad path", () => poller(new InMemoryApi().client(), { fieldSelector: { "a b": "x" } })],
    ["a kind that serves no list", () => informer(api(new InMemoryApi(), TokenReview) as never)],
  ])("rejects %s at the call, before any request", (_name, start) => {
    expect(start).toThrow(ValidationError);
  });

  it("pages with the given limit and formats object selectors as the client does", async () => {
    const server = new InMemoryApi();
    for (const n of ["a", "b", "c"]) server.create(n, {}, { app: "web" });
    const controller = new AbortController();
    const rec = new EventRecorder(watcher(server.client(), { streamingList: false, limit: 2, labelSelector: { app: "web" }, signal: controller.signal }));
    await rec.until((r) => r.count("SYNCED") === 1);
    controller.abort();
    expect(listQueries(server)).toEqual([
      { labelSelector: "app=web", limit: 2 },
      { labelSelector: "app=web", limit: 2, continue: expect.any(String) },
    ]);
  });

  it("limit 0 lists everything in one unpaged request", async () => {
    const server = new InMemoryApi();
    for (const n of ["a", "b", "c"]) server.create(n);
    const controller = new AbortController();
    const rec = new EventRecorder(poller(server.client(), { limit: 0, pollIntervalMs: 60_000, signal: controller.signal }));
    await rec.until((r) => r.count("SYNCED") === 1);
    controller.abort();
    expect(listQueries(server)).toEqual([{}]);
    expect(rec.count("ADDED")).toBe(3);
  });
});
