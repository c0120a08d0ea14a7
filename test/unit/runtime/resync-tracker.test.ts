import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { objectKey, type KubeObject } from "../../../src/base/object.ts";
import { ResyncTracker } from "../../../src/runtime/resync-tracker.ts";
import type { WatcherEvent } from "../../../src/runtime/watcher-events.ts";

const obj = (name: string, rv: string, uid = `uid-${name}`): KubeObject => ({
  metadata: { name, namespace: "ns", resourceVersion: rv, uid },
});

function brief(events: WatcherEvent<KubeObject>[]): string[] {
  return events.map((e) => {
    if (e.type === "SYNCED") return `SYNCED(${e.initial ? "initial" : "relist"},${e.size})`;
    if (e.type === "ERROR") return "ERROR";
    return `${e.type} ${e.object.metadata?.name}@${e.object.metadata?.resourceVersion}${e.resync ? " resync" : ""}`;
  });
}

describe("ResyncTracker", () => {
  it("reports the first list as ADDED, not resync", () => {
    const t = new ResyncTracker<KubeObject>();
    t.begin();
    t.collect([obj("a", "1"), obj("b", "2")]);
    expect(brief(t.finish("2", "list-watch"))).toEqual(["ADDED a@1", "ADDED b@2", "SYNCED(initial,2)"]);
  });

  it("reports a relist as differences, with vanished objects DELETED in their last state", () => {
    const t = new ResyncTracker<KubeObject>();
    t.begin();
    t.collect([obj("a", "1"), obj("b", "2"), obj("c", "3"), obj("d", "4")]);
    t.finish("4", "list-watch");
    t.apply(obj("c", "5"));
    t.begin();
    t.collect([obj("a", "1"), obj("c", "9"), obj("d", "10", "uid-d2"), obj("e", "11")]);
    expect(brief(t.finish("11", "list-watch"))).toEqual([
      "DELETED b@2 resync",
      "DELETED d@4 resync", // same name, new uid: the old object is gone
      "MODIFIED c@9 resync",
      "ADDED d@10 resync",
      "ADDED e@11 resync",
      "SYNCED(relist,4)",
    ]);
  });

  it("drops what an unfinished relist collected when a new one begins", () => {
    const t = new ResyncTracker<KubeObject>();
    t.begin();
    t.collect([obj("a", "1")]);
    t.begin();
    t.collect([obj("b", "2")]);
    expect(brief(t.finish("2", "streaming"))).toEqual(["ADDED b@2", "SYNCED(initial,1)"]);
  });

  it("types watch events by what was delivered before", () => {
    const t = new ResyncTracker<KubeObject>();
    expect(t.apply(obj("a", "1")).type).toBe("ADDED");
    expect(t.apply(obj("a", "2")).type).toBe("MODIFIED");
    expect(t.delete(obj("a", "3")).type).toBe("DELETED");
    expect(t.apply(obj("a", "4")).type).toBe("ADDED");
  });

  it("property: replaying the events on a map gives every list's state", () => {
    const snapshot = fc.uniqueArray(
      fc.record({ name: fc.constantFrom("a", "b", "c", "d", "e"), rv: fc.constantFrom("1", "2", "3"), uid: fc.constantFrom("u1", "u2") }),
      { selector: (o) => o.name },
    );
    fc.assert(
      fc.property(fc.array(snapshot, { minLength: 1, maxLength: 6 }), (lists) => {
        const t = new ResyncTracker<KubeObject>();
        const replica = new Map<string, KubeObject>();
        for (const list of lists) {
          t.begin();
          const objects = list.map((o) => obj(o.name, o.rv, o.uid));
          t.collect(objects);
          for (const e of t.finish("x", "poll")) {
            if (e.type === "ADDED" || e.type === "MODIFIED") replica.set(objectKey(e.object), e.object);
            else if (e.type === "DELETED") replica.delete(objectKey(e.object));
          }
          // Unchanged objects (same uid and resourceVersion) produce no event, so compare by value.
          expect(replica.size).toBe(objects.length);
          for (const o of objects) expect(replica.get(objectKey(o))).toEqual(o);
        }
      }),
    );
  });
});
