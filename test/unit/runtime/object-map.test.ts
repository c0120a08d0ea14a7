import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { objectKey, type KubeObject } from "../../../src/base/object.ts";
import { ObjectMap } from "../../../src/runtime/object-map.ts";

const obj = (name: string, namespace: string | undefined, rv = "1"): KubeObject => ({
  metadata: { name, ...(namespace !== undefined && { namespace }), resourceVersion: rv },
});

describe("ObjectMap", () => {
  it("keys namespaced objects by namespace/name and cluster-scoped ones by name", () => {
    const m = new ObjectMap<KubeObject>();
    const a = obj("web", "prod");
    const n = obj("node-1", undefined);
    expect(m.set(a)).toBeUndefined();
    expect(m.set(n)).toBeUndefined();
    expect(m.getByKey("prod/web")).toBe(a);
    expect(m.getByKey("node-1")).toBe(n);
    expect(m.get("prod", "web")).toBe(a);
    expect(m.get(undefined, "web")).toBeUndefined();
    expect(m.get("", "node-1")).toBe(n);
    expect(m.keys().sort()).toEqual(["node-1", "prod/web"]);
    expect([...m.inNamespace("prod")]).toEqual([a]);
    expect(m.size).toBe(2);
  });

  it("treats an empty namespace as none, as objectKey does", () => {
    const m = new ObjectMap<KubeObject>();
    const a = obj("x", "");
    m.set(a);
    expect(m.getByKey("x")).toBe(a);
    expect(m.getLike(obj("x", undefined))).toBe(a);
  });

  // Names may hold a slash here ("c/d"), so getByKey's split is tested; no generated pair shares a key.
  it("property: behaves as a Map keyed by objectKey", () => {
    const op = fc.record({
      del: fc.boolean(),
      name: fc.constantFrom("a", "b", "c/d"),
      ns: fc.constantFrom("x", "c", "", undefined),
      rv: fc.constantFrom("1", "2"),
    });
    fc.assert(
      fc.property(fc.array(op, { maxLength: 50 }), (ops) => {
        const m = new ObjectMap<KubeObject>();
        const model = new Map<string, KubeObject>();
        for (const o of ops) {
          const object = obj(o.name, o.ns, o.rv);
          const key = objectKey(object);
          if (o.del) {
            expect(m.delete(object)).toBe(model.get(key));
            model.delete(key);
          } else {
            expect(m.set(object)).toBe(model.get(key));
            model.set(key, object);
          }
          expect(m.size).toBe(model.size);
        }
        expect(m.keys().sort()).toEqual([...model.keys()].sort());
        expect([...m.values()].length).toBe(model.size);
        for (const [key, object] of model) {
          expect(m.getByKey(key)).toBe(object);
          expect(m.has(object)).toBe(true);
        }
      }),
    );
  });
});
