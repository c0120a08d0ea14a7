import { describe, expect, it } from "vitest";
import fc from "fast-check";
import type { KubeObject } from "../../../src/base/object.ts";
import { MAX_SHARED_FIELD_SETS, SharedFieldSets } from "../../../src/runtime/shared-field-sets.ts";

const withFields = (name: string, fieldsV1: Record<string, unknown>, time = "2026-01-01T00:00:00Z"): KubeObject => ({
  metadata: { name, managedFields: [{ manager: "m", operation: "Update", time, fieldsType: "FieldsV1", fieldsV1 }] },
});
const fieldsOf = (o: KubeObject) => (o.metadata!.managedFields![0] as { fieldsV1: Record<string, unknown> }).fieldsV1;

describe("SharedFieldSets", () => {
  it("points identical field sets at one frozen copy and leaves the rest of the entry alone", () => {
    const sets = new SharedFieldSets();
    const a = withFields("a", { "f:data": { ".": {}, "f:x": {} } }, "t1");
    const b = withFields("b", { "f:data": { ".": {}, "f:x": {} } }, "t2");
    sets.share(a);
    sets.share(b);
    expect(fieldsOf(a)).toBe(fieldsOf(b));
    expect(Object.isFrozen(fieldsOf(a))).toBe(true);
    expect(Object.isFrozen(fieldsOf(a)["f:data"])).toBe(true);
    expect(() => {
      (fieldsOf(a)["f:data"] as Record<string, unknown>)["f:y"] = {};
    }).toThrow(TypeError);
    expect((b.metadata!.managedFields![0] as { time: string }).time).toBe("t2");
  });

  it("keeps different field sets apart, and skips entries without one", () => {
    const sets = new SharedFieldSets();
    const a = withFields("a", { "f:data": { "f:x": {} } });
    const b = withFields("b", { "f:data": { "f:y": {} } });
    const c: KubeObject = { metadata: { name: "c", managedFields: [{ manager: "m" }, "junk"] } };
    sets.share(a);
    sets.share(b);
    sets.share(c);
    sets.share({ metadata: { name: "d" } });
    expect(fieldsOf(a)).not.toBe(fieldsOf(b));
    expect(c.metadata!.managedFields).toEqual([{ manager: "m" }, "junk"]);
  });

  it("remembers a bounded number of sets, forgetting the least recently used first", () => {
    const sets = new SharedFieldSets();
    const common = () => withFields("c", { "f:data": { "f:common": {} } });
    const first = common();
    sets.share(first);
    for (let i = 0; i < MAX_SHARED_FIELD_SETS * 3; i++) {
      sets.share(withFields(`u${i}`, { "f:data": { [`f:unique-${i}`]: {} } }));
      if (i % 100 === 0) sets.share(common()); // in use: stays remembered
    }
    const later = common();
    sets.share(later);
    expect(fieldsOf(later)).toBe(fieldsOf(first));
    const old = withFields("u0-again", { "f:data": { "f:unique-0": {} } });
    sets.share(old);
    expect(Object.isFrozen(fieldsOf(old))).toBe(true); // forgotten long ago: a fresh copy, frozen in turn
  });

  it("property: sharing never changes what an object says", () => {
    const fields = fc.dictionary(fc.constantFrom("f:a", "f:b", "f:c"), fc.dictionary(fc.constantFrom(".", "f:x"), fc.constant({})), { maxKeys: 3 });
    fc.assert(
      fc.property(fc.array(fields, { maxLength: 20 }), (sets) => {
        const shared = new SharedFieldSets();
        const objects = sets.map((f, i) => withFields(`o${i}`, structuredClone(f)));
        for (const o of objects) shared.share(o);
        objects.forEach((o, i) => expect(fieldsOf(o)).toEqual(sets[i]));
        for (let i = 0; i < sets.length; i++) {
          for (let j = 0; j < sets.length; j++) {
            if (JSON.stringify(sets[i]) === JSON.stringify(sets[j])) expect(fieldsOf(objects[i]!)).toBe(fieldsOf(objects[j]!));
          }
        }
      }),
    );
  });
});
