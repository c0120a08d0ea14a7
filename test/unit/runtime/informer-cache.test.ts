import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { ValidationError } from "../../../src/base/errors.ts";
import { InformerCache } from "../../../src/runtime/informer-cache.ts";
import type { KubeObject } from "../../../src/base/object.ts";

interface Pod extends KubeObject {
  spec?: { nodeName?: string };
}

const pod = (name: string, namespace: string | undefined, labels: Record<string, string> = {}, nodeName?: string): Pod => ({
  metadata: { name, ...(namespace ? { namespace } : {}), labels },
  ...(nodeName ? { spec: { nodeName } } : {}),
});
const names = (objects: KubeObject[]) => objects.map((o) => o.metadata?.name).sort();
const byNode = (p: Pod) => (p.spec?.nodeName ? [p.spec.nodeName] : []);

describe("InformerCache", () => {
  it("keys by namespace/name, and by name for cluster-scoped objects", () => {
    const cache = new InformerCache<Pod>();
    cache.upsert(pod("web", "prod"));
    cache.upsert(pod("node-1", undefined));
    expect(cache.keys().sort()).toEqual(["node-1", "prod/web"]);
    expect(cache.get("web", "prod")?.metadata?.name).toBe("web");
    expect(cache.get("web")).toBeUndefined();
    expect(cache.getByKey("node-1")?.metadata?.name).toBe("node-1");
  });

  it("returns the replaced object on upsert and the removed one on remove", () => {
    const cache = new InformerCache<Pod>();
    const a1 = pod("a", "ns");
    const a2 = pod("a", "ns", { v: "2" });
    expect(cache.upsert(a1)).toBeUndefined();
    expect(cache.upsert(a2)).toBe(a1);
    expect(cache.remove(pod("a", "ns"))).toBe(a2);
    expect(cache.remove(pod("a", "ns"))).toBeUndefined();
    expect(cache.size).toBe(0);
  });

  it("indexes by namespace and by label, and filters lists", () => {
    const cache = new InformerCache<Pod>();
    cache.upsert(pod("a", "prod", { app: "web", tier: "fe" }));
    cache.upsert(pod("b", "prod", { app: "db" }));
    cache.upsert(pod("c", "dev", { app: "web" }));
    expect(names(cache.byIndex("namespace", "prod"))).toEqual(["a", "b"]);
    expect(names(cache.byIndex("label", "app=web"))).toEqual(["a", "c"]);
    expect(names(cache.list({ namespace: "prod", labels: { app: "web" } }))).toEqual(["a"]);
    expect(names(cache.list({ labels: { app: "web", tier: "fe" } }))).toEqual(["a"]);
    expect(names(cache.list())).toEqual(["a", "b", "c"]);
  });

  it("moves objects between index values on update and drops them on delete", () => {
    const cache = new InformerCache<Pod>({ byNode });
    cache.upsert(pod("a", "ns", {}, "n1"));
    cache.upsert(pod("a", "ns", {}, "n2"));
    expect(cache.byIndex("byNode", "n1")).toEqual([]);
    expect(names(cache.byIndex("byNode", "n2"))).toEqual(["a"]);
    cache.remove(pod("a", "ns"));
    expect(cache.byIndex("byNode", "n2")).toEqual([]);
  });

  it("fills an index added later from the cached objects", () => {
    const cache = new InformerCache<Pod>();
    cache.upsert(pod("a", "ns", {}, "n1"));
    cache.addIndex("byNode", byNode);
    expect(names(cache.byIndex("byNode", "n1"))).toEqual(["a"]);
    expect(() => cache.addIndex("byNode", byNode)).toThrow(ValidationError);
    expect(() => cache.byIndex("nope", "x")).toThrow(ValidationError);
  });

  it("property: indexes always agree with a full scan, whether built before, between or after the changes", () => {
    const op = fc.record({
      del: fc.boolean(),
      /** Query every index after this change: indexes are built on the first query, then maintained. */
      check: fc.boolean(),
      name: fc.constantFrom("a", "b", "c"),
      ns: fc.constantFrom("x", "y", undefined),
      node: fc.constantFrom("n1", "n2", undefined),
      app: fc.constantFrom("web", "db"),
    });
    const agree = (cache: InformerCache<Pod>): void => {
      const all = cache.list();
      for (const value of ["n1", "n2"]) {
        expect(names(cache.byIndex("byNode", value))).toEqual(names(all.filter((p) => p.spec?.nodeName === value)));
      }
      for (const ns of ["x", "y", ""]) {
        expect(names(cache.byIndex("namespace", ns))).toEqual(names(all.filter((p) => p.metadata?.namespace === ns)));
      }
      for (const app of ["web", "db"]) {
        expect(names(cache.byIndex("label", `app=${app}`))).toEqual(names(all.filter((p) => p.metadata?.labels?.app === app)));
        expect(names(cache.list({ labels: { app } }))).toEqual(names(all.filter((p) => p.metadata?.labels?.app === app)));
      }
    };
    fc.assert(
      fc.property(fc.array(op, { maxLength: 40 }), (ops) => {
        const cache = new InformerCache<Pod>({ byNode });
        const model = new Map<string, Pod>();
        for (const o of ops) {
          const p = pod(o.name, o.ns, { app: o.app }, o.node);
          const key = o.ns ? `${o.ns}/${o.name}` : o.name;
          if (o.del) {
            expect(cache.remove(p)).toBe(model.get(key));
            model.delete(key);
          } else {
            expect(cache.upsert(p)).toBe(model.get(key));
            model.set(key, p);
          }
          if (o.check) agree(cache);
        }
        agree(cache);
        expect(cache.size).toBe(model.size);
        expect(cache.keys().sort()).toEqual([...model.keys()].sort());
        for (const [key, p] of model) expect(cache.getByKey(key)).toBe(p);
      }),
    );
  });
});
