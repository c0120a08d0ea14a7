import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { ValidationError } from "../../../src/base/errors.ts";
import { escapeFieldValue, formatFieldSelector, formatLabelSelector } from "../../../src/request/index.ts";

describe("formatLabelSelector", () => {
  it.each([
    [{ app: "web" }, "app=web"],
    [{ app: "web", tier: "front" }, "app=web,tier=front"],
    [{ "app.kubernetes.io/name": "podinfo" }, "app.kubernetes.io/name=podinfo"],
    [{ empty: "" }, "empty="],
    [{}, ""],
    [{ matchLabels: { app: "web" } }, "app=web"],
    [{ matchExpressions: [{ key: "tier", operator: "In", values: ["a", "b"] }] }, "tier in (a,b)"],
    [{ matchExpressions: [{ key: "tier", operator: "NotIn", values: ["c"] }] }, "tier notin (c)"],
    [{ matchExpressions: [{ key: "canary", operator: "Exists" }] }, "canary"],
    [{ matchExpressions: [{ key: "legacy", operator: "DoesNotExist", values: [] }] }, "!legacy"],
    [
      {
        matchLabels: { app: "web" },
        matchExpressions: [
          { key: "env", operator: "In", values: ["prod", "staging"] },
          { key: "legacy", operator: "DoesNotExist" },
        ],
      },
      "app=web,env in (prod,staging),!legacy",
    ],
  ] as const)("%j -> %j", (input, expected) => {
    expect(formatLabelSelector(input)).toBe(expected);
  });

  it("treats string-valued matchLabels/matchExpressions as plain labels", () => {
    expect(formatLabelSelector({ matchLabels: "x" })).toBe("matchLabels=x");
  });

  it.each([
    [{ "bad key": "x" }, /invalid label key "bad key"/],
    [{ ["a".repeat(64)]: "x" }, /invalid label key/],
    [{ "UPPER.example.com/x": "y" }, /invalid label key/],
    [{ app: "a,b" }, /invalid value "a,b" for "app"/],
    [{ app: "-x" }, /invalid value "-x"/],
    [{ app: "v".repeat(64) }, /invalid value/],
    [{ matchExpressions: [{ key: "a", operator: "In", values: [] }] }, /In on "a" needs at least one value/],
    [{ matchExpressions: [{ key: "a", operator: "Exists", values: ["x"] }] }, /Exists on "a" takes no values/],
    [{ matchExpressions: [{ key: "a", operator: "Gt", values: ["1"] }] }, /unknown operator "Gt"/],
  ] as const)("rejects %j", (input, message) => {
    expect(() => formatLabelSelector(input)).toThrow(ValidationError);
    expect(() => formatLabelSelector(input)).toThrow(message);
  });

  const labelName = fc.stringMatching(/^[a-z0-9]([-a-z0-9_.]{0,20}[a-z0-9])?$/);
  const labelKey = fc.tuple(fc.option(fc.stringMatching(/^[a-z0-9]([a-z0-9-]{0,10}[a-z0-9])?(\.[a-z]{2,5})?$/), { nil: undefined }), labelName)
    .map(([prefix, name]) => (prefix ? `${prefix}/${name}` : name));
  const labelValue = fc.oneof(fc.constant(""), labelName);

  it("formats any valid label map as k=v pairs that split back into the same map", () => {
    fc.assert(
      fc.property(fc.dictionary(labelKey, labelValue, { maxKeys: 6 }), (labels) => {
        const text = formatLabelSelector(labels);
        const parsed = text === "" ? {} : Object.fromEntries(text.split(",").map((pair) => pair.split("=")));
        expect(parsed).toEqual({ ...labels });
      }),
    );
  });

  it("never lets a value smuggle in another requirement", () => {
    fc.assert(
      fc.property(fc.string(), (value) => {
        try {
          const text = formatLabelSelector({ app: value });
          expect(text).toBe(`app=${value}`);
          expect(value).not.toMatch(/[,=!() ]/);
        } catch (e) {
          expect(e).toBeInstanceOf(ValidationError);
        }
      }),
    );
  });
});

describe("formatFieldSelector", () => {
  it.each([
    [{ "metadata.name": "web" }, "metadata.name=web"],
    [{ "metadata.namespace": "a", "status.phase": "Running" }, "metadata.namespace=a,status.phase=Running"],
    [{ "metadata.name": "a,b=c\\d" }, "metadata.name=a\\,b\\=c\\\\d"],
  ])("%j -> %j", (input, expected) => {
    expect(formatFieldSelector(input)).toBe(expected);
  });

  it("rejects a field path that is not a path", () => {
    expect(() => formatFieldSelector({ "a=b": "c" })).toThrow(/invalid field path "a=b"/);
  });

  it("escapes so that splitting on unescaped commas recovers every value", () => {
    fc.assert(
      fc.property(fc.array(fc.string(), { minLength: 1, maxLength: 4 }), (values) => {
        const text = values.map((v, i) => `f${i}=${escapeFieldValue(v)}`).join(",");
        // Re-split the way the server does: walk the string, honouring backslash escapes.
        const out: string[] = [];
        let cur = "";
        for (let i = 0; i < text.length; i++) {
          const c = text[i]!;
          if (c === "\\") {
            cur += text[++i] ?? "";
          } else if (c === ",") {
            out.push(cur);
            cur = "";
          } else cur += c;
        }
        out.push(cur);
        expect(out.map((p) => p.slice(p.indexOf("=") + 1))).toEqual(values);
      }),
    );
  });
});
