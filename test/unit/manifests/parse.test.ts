import { describe, expect, it } from "vitest";
import { DocumentError } from "../../../src/base/errors.ts";
import { describeOrigin, dumpManifests, originOf, parseManifests } from "../../../src/manifests/parse.ts";

const catchError = (fn: () => unknown): DocumentError => {
  try {
    fn();
  } catch (e) {
    if (e instanceof DocumentError) return e;
    throw e;
  }
  throw new Error("expected a DocumentError");
};

describe("parseManifests", () => {
  it("reads multi-document YAML, skips empty documents and remembers where each object came from", () => {
    const text = [
      "# leading comment",
      "---",
      "apiVersion: v1",
      "kind: Namespace",
      "metadata: { name: a }",
      "---",
      "# only a comment",
      "---",
      "apiVersion: v1",
      "kind: ConfigMap",
      "metadata:",
      "  name: c",
      "data:",
      "  mode: \"on\"",
      "...",
      "",
    ].join("\n");
    const objects = parseManifests(text, { source: "app.yaml" });
    expect(objects.map((o) => `${o.kind}/${o.metadata?.name}`)).toEqual(["Namespace/a", "ConfigMap/c"]);
    expect(originOf(objects[0]!)).toEqual({ source: "app.yaml", document: 1, line: 3 });
    expect(originOf(objects[1]!)).toEqual({ source: "app.yaml", document: 3, line: 9 });
    expect(describeOrigin(originOf(objects[1]!)!)).toBe("app.yaml, document 3, line 9");
  });

  it("reads YAML 1.1 scalars as kubectl does", () => {
    const [cm] = parseManifests("apiVersion: v1\nkind: X\nmetadata: { name: x }\nvalues: { a: yes, b: off, c: 0755, d: 1_000, e: ~, f: 2001-12-14, g: 1.5Gi, h: 0x10 }\n");
    expect(cm?.values).toEqual({ a: true, b: false, c: 493, d: 1000, e: null, f: "2001-12-14", g: "1.5Gi", h: 16 });
  });

  it("flattens Lists, filling apiVersion and kind of typed lists' items", () => {
    const list = JSON.stringify({
      apiVersion: "v1",
      kind: "ConfigMapList",
      items: [{ metadata: { name: "one" } }, { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "two" } }],
    });
    const objects = parseManifests(list, { source: "list.json" });
    expect(objects.map((o) => `${o.apiVersion} ${o.kind} ${o.metadata?.name}`)).toEqual(["v1 ConfigMap one", "v1 ConfigMap two"]);
    expect(originOf(objects[0]!)).toEqual({ source: "list.json", document: 1, line: 1, item: 0 });
    const generic = parseManifests("apiVersion: v1\nkind: List\nitems:\n- apiVersion: v1\n  kind: Secret\n  metadata: { name: s }\n");
    expect(generic.map((o) => o.kind)).toEqual(["Secret"]);
    expect(() => parseManifests("apiVersion: v1\nkind: List\nitems:\n- metadata: { name: s }\n")).toThrow(/item 0 of the List has no apiVersion/);
  });

  it("refuses bad documents with the document index and line, never quoting the text", () => {
    const secret = "hunter2-never-printed";
    const text = `apiVersion: v1\nkind: Secret\nmetadata: { name: s }\nstringData: { password: ${secret} }\n---\napiVersion: v1\nkind: ConfigMap\ndata:\n  a: [1, 2\n  b: ${secret}\n`;
    const error = catchError(() => parseManifests(text, { source: "bad.yaml" }));
    expect(error.document).toBe(2);
    expect(error.line).toBeGreaterThanOrEqual(9);
    expect(error.message).toMatch(/^bad\.yaml, document 2, line \d+: not valid YAML/);
    expect(error.message).not.toContain(secret);
    expect(String(error.stack)).not.toContain(secret);

    expect(catchError(() => parseManifests("apiVersion: v1\nmetadata: { name: x }\n")).message).toBe("document 1, line 1: the document has no kind");
    expect(catchError(() => parseManifests("- a\n- b\n")).message).toMatch(/must be a mapping \(an object\), not a sequence/);
    expect(catchError(() => parseManifests("apiVersion: v1\nkind: X\nmetadata: { name: x, labels: { on: yes } }\n")).message).toMatch(/labels must map strings to strings/);
    expect(catchError(() => parseManifests("a: 1\na: 2\n")).message).toMatch(/duplicated mapping key/);
    expect(catchError(() => parseManifests("apiVersion: v1\nkind: X\nmetadata: { name: x }\nv: .inf\n")).message).toMatch(/not a JSON number/);
  });

  it("refuses an alias bomb as kubectl does, quickly, and a text over the size limit", () => {
    const bomb = ["a: &a [x, x, x, x, x, x, x, x, x, x]"];
    for (let i = 1; i < 9; i++) bomb.push(`${String.fromCharCode(97 + i)}: &${String.fromCharCode(97 + i)} [${Array(10).fill(`*${String.fromCharCode(96 + i)}`).join(", ")}]`);
    const started = performance.now();
    expect(catchError(() => parseManifests(`apiVersion: v1\nkind: X\nmetadata: { name: x }\n${bomb.join("\n")}\n`)).message).toMatch(/excessive aliasing/);
    expect(performance.now() - started).toBeLessThan(5_000);
    // A few aliases, as real manifests use them, are fine.
    const ok = parseManifests("apiVersion: v1\nkind: X\nmetadata: { name: x, labels: &l { app: web } }\nspec: { selector: *l, merged: { <<: *l, tier: db } }\n");
    expect(ok[0]?.spec).toEqual({ selector: { app: "web" }, merged: { app: "web", tier: "db" } });
    expect(catchError(() => parseManifests("x".repeat(2000), { limits: { maxBytes: 1000 } })).message).toMatch(/larger than 1000 bytes/);
    expect(catchError(() => parseManifests(`${"[".repeat(200)}${"]".repeat(200)}`, { limits: { maxDepth: 100 } })).message).toMatch(/nesting/);
  });

  it("reads JSON, and dumps objects back as YAML documents", () => {
    const objects = parseManifests('{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"j"},"data":{"n":"1"}}');
    expect(dumpManifests([...objects, ...objects])).toBe(
      'apiVersion: v1\ndata:\n  "n": "1"\nkind: ConfigMap\nmetadata:\n  name: j\n---\napiVersion: v1\ndata:\n  "n": "1"\nkind: ConfigMap\nmetadata:\n  name: j\n',
    );
  });
});
