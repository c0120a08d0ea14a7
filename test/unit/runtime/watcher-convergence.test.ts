import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { ExponentialBackoff } from "../../../src/base/backoff.ts";
import { objectKey } from "../../../src/base/object.ts";
import { watcher } from "../../../src/runtime/watcher.ts";
import { EventRecorder, tick } from "./event-recorder.ts";
import { InMemoryApi, type TestObject } from "./in-memory-api.ts";

type Op =
  | { kind: "create" | "update" | "remove"; name: string }
  | { kind: "break" | "close" | "bookmark" | "gone" | "partition" | "heal" };

const names = ["a", "b", "c", "d"];
const opArb: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ kind: fc.constantFrom("create", "update", "remove"), name: fc.constantFrom(...names) }) as fc.Arbitrary<Op>,
  fc.record({ kind: fc.constantFrom("break", "close", "bookmark", "gone", "partition", "heal") }) as fc.Arbitrary<Op>,
);

function apply(api: InMemoryApi, op: Op): void {
  switch (op.kind) {
    case "create":
      if (!api.get(op.name)) api.create(op.name, { v: "é" }, { app: op.name === "d" ? "other" : "web" });
      return;
    case "update":
      if (api.get(op.name)) api.update(op.name, { v: String(Math.random()) });
      return;
    case "remove":
      if (api.get(op.name)) api.remove(op.name);
      return;
    case "break":
      api.breakWatches();
      return;
    case "close":
      api.closeWatches();
      return;
    case "bookmark":
      api.bookmark();
      return;
    case "partition":
      api.partition();
      return;
    case "heal":
      api.heal();
      return;
    case "gone":
      api.compact();
      api.heal();
      api.breakWatches();
      return;
  }
}

describe("watcher convergence (property)", () => {
  it("whatever happens, the events describe the server's state, and never contradict themselves", async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(opArb, { maxLength: 25 }), fc.boolean(), fc.boolean(), async (ops, streaming, selector) => {
        const api = new InMemoryApi();
        api.streamingSupported = streaming;
        api.create("a", {}, { app: "web" });
        const controller = new AbortController();
        const labelSelector = selector ? "app=web" : undefined;
        const w = watcher<TestObject>(api.client(), {
          limit: 2,
          backoff: new ExponentialBackoff({ initialMs: 1, maxMs: 2 }),
          signal: controller.signal,
          ...(labelSelector ? { labelSelector } : {}),
        });
        const rec = new EventRecorder(w);
        try {
          for (const op of ops) {
            apply(api, op);
            await tick(1);
          }
          // Anything a partition held back reaches the watcher on its reconnect.
          api.heal();
          await rec.until((r) => sameState(r.replica, api.state(labelSelector)), 3000);
        } finally {
          controller.abort();
          await rec.done;
        }
        // Consistency: ADDED only for unknown keys, MODIFIED/DELETED only for known ones.
        const known = new Set<string>();
        for (const e of rec.events) {
          if (e.type === "SYNCED" || e.type === "ERROR") continue;
          const key = objectKey(e.object);
          if (e.type === "ADDED") expect(known.has(key), `ADDED ${key} twice`).toBe(false);
          else expect(known.has(key), `${e.type} ${key} never added`).toBe(true);
          if (e.type === "DELETED") known.delete(key);
          else known.add(key);
        }
      }),
      { numRuns: 100 },
    );
  }, 60_000);
});

function sameState(a: Map<string, string>, b: Map<string, string>): boolean {
  return a.size === b.size && [...a].every(([k, v]) => b.get(k) === v);
}
