import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { normalizeSchema } from "../../../codegen/schema-normalize.ts";

const intOrString = { oneOf: [{ type: "integer" }, { type: "string" }] };

describe("normalizeSchema", () => {
  it.each([
    ["x-kubernetes-int-or-string", { "x-kubernetes-int-or-string": true, anyOf: [{ type: "integer" }, { type: "string" }] }, intOrString],
    ["format int-or-string", { type: "string", format: "int-or-string", description: "Port." }, { ...intOrString, "x-doc": "Port." }],
    [
      "preserve-unknown without type",
      { "x-kubernetes-preserve-unknown-fields": true },
      { "x-bun-k8s-type": "JsonValue" },
    ],
    [
      "preserve-unknown with properties keeps them and opens the rest",
      { type: "object", "x-kubernetes-preserve-unknown-fields": true, properties: { a: { type: "string" } } },
      { type: "object", properties: { a: { type: "string" } }, additionalProperties: true },
    ],
    ["preserve-unknown on a string changes nothing", { type: "string", "x-kubernetes-preserve-unknown-fields": true }, { type: "string" }],
    [
      "allOf wrapper of one $ref becomes the $ref, keeping the doc",
      { allOf: [{ $ref: "#/components/schemas/X" }], default: {}, description: "The X." },
      { $ref: "#/components/schemas/X", "x-doc": "The X." },
    ],
    [
      "properties sorted, required sorted and deduplicated, defaults and formats dropped",
      { type: "object", required: ["b", "a", "b"], properties: { b: { type: "integer", format: "int32", default: 3 }, a: { type: "string" } } },
      { type: "object", required: ["a", "b"], properties: { a: { type: "string" }, b: { type: "integer" } } },
    ],
    ["enum kept in order", { type: "string", enum: ["Slow", "Fast"] }, { type: "string", enum: ["Slow", "Fast"] }],
    ["empty additionalProperties means any value", { type: "object", additionalProperties: {} }, { type: "object", additionalProperties: true }],
    ["nullable kept", { type: "string", nullable: true }, { type: "string", nullable: true }],
    ["blank description dropped", { type: "string", description: "  " }, { type: "string" }],
  ])("%s", (_, input, expected) => {
    expect(normalizeSchema(input)).toEqual(expected);
  });

  it("is idempotent", () => {
    const schema = fc.letrec((tie) => ({
      node: fc.oneof(
        { depthSize: "small", withCrossShrink: true },
        fc.record({ type: fc.constantFrom("string", "integer", "boolean") }, { requiredKeys: [] }),
        fc.record(
          {
            type: fc.constant("object"),
            description: fc.string(),
            properties: fc.dictionary(fc.string({ minLength: 1, maxLength: 4 }), tie("node"), { maxKeys: 4 }),
            required: fc.array(fc.string({ maxLength: 4 }), { maxLength: 3 }),
            "x-kubernetes-preserve-unknown-fields": fc.boolean(),
          },
          { requiredKeys: ["type"] },
        ),
        fc.record({ type: fc.constant("array"), items: tie("node") }),
        fc.record({ "x-kubernetes-int-or-string": fc.constant(true), description: fc.string() }),
        fc.record({ allOf: fc.tuple(fc.record({ $ref: fc.constantFrom("#/components/schemas/A", "#/components/schemas/B") })) }),
        fc.record({ type: fc.constant("string"), enum: fc.array(fc.string(), { minLength: 1, maxLength: 3 }) }),
      ),
    })).node;
    fc.assert(
      fc.property(schema, (s) => {
        const once = normalizeSchema(s);
        expect(normalizeSchema(once)).toEqual(once);
      }),
    );
  });
});
