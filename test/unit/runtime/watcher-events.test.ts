import { describe, expect, it } from "vitest";
import { KubeError } from "../../../src/base/errors.ts";
import type { KubeObject } from "../../../src/base/object.ts";
import { batchesOf, type WatcherEvent } from "../../../src/runtime/watcher-events.ts";

describe("batchesOf", () => {
  const ev = (type: "ADDED" | "ERROR"): WatcherEvent<KubeObject> =>
    type === "ERROR" ? { type, error: new KubeError("x") } : { type, object: { metadata: { name: "a" } }, resync: false };
  const kinds = (events: WatcherEvent<KubeObject>[]) => [...batchesOf(events)].map((b) => b.map((e) => e.type[0]).join(""));

  it("ends a batch at each ERROR event and yields no empty batch", () => {
    expect(kinds([])).toEqual([]);
    expect(kinds([ev("ADDED"), ev("ADDED")])).toEqual(["AA"]);
    expect(kinds([ev("ADDED"), ev("ERROR"), ev("ADDED")])).toEqual(["AE", "A"]);
    expect(kinds([ev("ERROR"), ev("ERROR")])).toEqual(["E", "E"]);
    expect(kinds([ev("ADDED"), ev("ERROR")])).toEqual(["AE"]);
  });
});
