import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { loadYamlDocuments } from "../../../src/base/yaml-documents.ts";
import { toYaml } from "../../../src/manifests/yaml-text.ts";
import { analyze, goFloat, goKeyOrder, PLAIN_ANALYSIS, UNREMARKABLE } from "../../../src/manifests/yaml-style.ts";

describe("toYaml (go-yaml v2 as kubectl prints)", () => {
  it("sorts keys, leaves lists unindented, quotes what would read back as another type", () => {
    const text = toYaml({
      kind: "ConfigMap",
      apiVersion: "v1",
      metadata: { name: "a", labels: { b10: "1", b2: "yes", _x: "2001-12-14", B: "true" } },
      data: { list: [1, "two", null, [], {}, ["a", "b"], { y: 1, x: [true] }] },
    });
    expect(text).toBe(
      [
        "apiVersion: v1",
        "data:",
        "  list:",
        "  - 1",
        "  - two",
        "  - null",
        "  - []",
        "  - {}",
        "  - - a",
        "    - b",
        "  - x:",
        "    - true",
        '    "y": 1',
        "kind: ConfigMap",
        "metadata:",
        "  labels:",
        '    _x: "2001-12-14"',
        '    B: "true"',
        '    b2: "yes"',
        '    b10: "1"',
        "  name: a",
        "",
      ].join("\n"),
    );
  });

  it("chooses plain, single-quoted, double-quoted and literal styles as go-yaml does", () => {
    const lines = (v: unknown) => toYaml({ k: v });
    expect(lines("")).toBe('k: ""\n');
    expect(lines("a: b")).toBe("k: 'a: b'\n");
    expect(lines("it's # here")).toBe("k: 'it''s # here'\n");
    expect(lines("it's#here")).toBe("k: it's#here\n");
    expect(lines("#comment")).toBe("k: '#comment'\n");
    expect(lines(" lead")).toBe("k: ' lead'\n");
    expect(lines("tab\there")).toBe('k: "tab\\there"\n');
    expect(lines("smile 😀")).toBe('k: "smile \\U0001F600"\n');
    expect(lines("é ünïcode")).toBe("k: é ünïcode\n");
    expect(lines("one\ntwo\n")).toBe("k: |\n  one\n  two\n");
    expect(lines("one\ntwo")).toBe("k: |-\n  one\n  two\n");
    expect(lines("one\n\n")).toBe("k: |+\n  one\n\n");
    expect(lines("  indented\nx\n")).toBe("k: |2\n    indented\n  x\n");
    expect(lines("trailing \nspace")).toBe('k: "trailing \\nspace"\n');
    expect(lines(1.5)).toBe("k: 1.5\n");
    expect(lines(1234567.5)).toBe("k: 1.2345675e+06\n");
    expect(lines(0.00001)).toBe("k: 1e-05\n");
    expect(toYaml({ [`${"k".repeat(130)}`]: 1 })).toBe(`? ${"k".repeat(130)}\n: 1\n`);
  });

  it("folds long strings after column 80 at a space, continuing one level in", () => {
    const words = Array.from({ length: 30 }, (_, i) => `word${i}`).join(" ");
    const text = toYaml({ spec: { description: words } });
    const [first, second] = text.split("\n").slice(1);
    expect(first).toBe(`  description: ${words.slice(0, words.indexOf(" ", 80 - "  description: ".length + 1))}`);
    expect(second?.startsWith("    word")).toBe(true);
    expect(loadYamlDocuments(text)[0]?.value).toEqual({ spec: { description: words } });
  });

  it("orders keys as go-yaml's natural sort", () => {
    expect(["b10", "b2", "_x", "B", "a", "a0", "a00", "a1"].sort(goKeyOrder)).toEqual(["_x", "B", "a", "a0", "a00", "a1", "b2", "b10"]);
  });

  it("formats floats like strconv.FormatFloat(f, 'g', -1, 64)", () => {
    expect([0.5, 100000.5, 1e21, 1e-7, 123456.7, -2.5e-5, 0.0001].map(goFloat)).toEqual(["0.5", "100000.5", "1e+21", "1e-07", "123456.7", "-2.5e-05", "0.0001"]);
  });

  it("reads back every JSON value it writes (through the kubectl-compatible loader)", () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        const text = toYaml(value);
        const docs = loadYamlDocuments(text);
        const back = docs.length === 0 ? null : docs[0]?.value;
        // JSON has no -0; YAML's "-0" reads back as 0.
        expect(JSON.parse(JSON.stringify(back))).toEqual(JSON.parse(JSON.stringify(value)));
      }),
      { numRuns: 1000 },
    );
  }, 30_000);

  it("reads back strings of any characters, in keys and values", () => {
    fc.assert(
      fc.property(fc.dictionary(fc.string({ unit: "grapheme-composite", maxLength: 60 }), fc.string({ unit: "binary", maxLength: 120 })), (value) => {
        const clean = Object.fromEntries(Object.entries(value).map(([k, v]) => [k, v.replace(/[\uD800-\uDFFF]/g, "x")]));
        expect(loadYamlDocuments(toYaml({ m: clean }))[0]?.value).toEqual({ m: clean });
      }),
      { numRuns: 300 },
    );
  }, 30_000);

  it("takes the fast path only for strings the full analysis allows in every style", () => {
    const ascii = fc.string({ unit: fc.constantFrom(..." -.:#/_aZ09'\"!|>[]{},?%@`&*\t".split("")), maxLength: 12 });
    let fast = 0;
    fc.assert(
      fc.property(fc.oneof(ascii, fc.string({ maxLength: 12 })), (text) => {
        if (!UNREMARKABLE.test(text)) return;
        fast++;
        expect(analyze([...text])).toEqual(PLAIN_ANALYSIS);
      }),
      { numRuns: 5000 },
    );
    expect(fast).toBeGreaterThan(100);
    expect(UNREMARKABLE.test("nginx:1.27")).toBe(false);
    expect(UNREMARKABLE.test("...x")).toBe(false);
    expect(UNREMARKABLE.test("web-0")).toBe(true);
  });
});
