import { describe, expect, it } from "vitest";
import { crdSchemaName, loadCrdYaml } from "../../../codegen/crd-loader.ts";
import { crdVerbs } from "../../../codegen/model.ts";
import { crdYaml } from "./crd-fixtures.ts";

describe("crdSchemaName", () => {
  it.each([
    ["source.toolkit.fluxcd.io", "v1", "GitRepository", "io.fluxcd.toolkit.source.v1.GitRepository"],
    ["demo.example.io", "v1alpha1", "GizmoList", "io.example.demo.v1alpha1.GizmoList"],
    ["stable", "v2", "Thing", "stable.v2.Thing"],
  ])("%s %s %s", (group, version, kind, expected) => {
    expect(crdSchemaName(group, version, kind)).toBe(expected);
  });
});

describe("loadCrdYaml", () => {
  const model = loadCrdYaml([{ name: "fixture.yaml", text: crdYaml }]);

  it("makes one kind per served version and ignores other documents", () => {
    expect(model.kinds.map((k) => `${k.group}/${k.version}/${k.kind}`)).toEqual([
      "demo.example.io/v1/Gadget",
      "demo.example.io/v1alpha1/Gizmo",
    ]);
  });

  it.each([
    ["Gadget", { plural: "gadgets", listKind: "GadgetList", namespaced: true, subresources: ["status"] }],
    ["Gizmo", { plural: "gizmos", listKind: "GizmoList", namespaced: false, subresources: ["scale", "status"] }],
  ])("%s: names, scope, subresources, all standard verbs, custom", (kindName, expected) => {
    const kind = model.kinds.find((k) => k.kind === kindName);
    expect(kind).toMatchObject({ plural: expected.plural, listKind: expected.listKind, namespaced: expected.namespaced });
    expect(kind?.subresources.map((s) => s.name)).toEqual(expected.subresources);
    expect(kind?.verbs).toEqual(crdVerbs);
    expect(kind?.custom).toBe(true);
  });

  it("says what each subresource carries, as the API server publishes it", () => {
    const gizmo = model.kinds.find((k) => k.kind === "Gizmo");
    expect(gizmo?.subresources).toEqual([
      { name: "scale", verbs: ["get", "patch", "update"], kind: { group: "autoscaling", version: "v1", kind: "Scale" } },
      { name: "status", verbs: ["get", "patch", "update"], kind: { group: "demo.example.io", version: "v1alpha1", kind: "Gizmo" } },
    ]);
  });

  it("names schemas like the API server and types metadata as ObjectMeta", () => {
    const gadget = model.schemas.get("io.example.demo.v1.Gadget") as { properties: Record<string, unknown> };
    expect(gadget.properties.metadata).toMatchObject({
      allOf: [{ $ref: "#/components/schemas/io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta" }],
    });
    expect(gadget.properties.spec).toMatchObject({ required: ["interval"] });
    const list = model.schemas.get("io.example.demo.v1.GadgetList") as { properties: { items: unknown }; required: string[] };
    expect(list.required).toEqual(["items"]);
    expect(list.properties.items).toEqual(expect.objectContaining({ items: { $ref: "#/components/schemas/io.example.demo.v1.Gadget" } }));
  });

  it.each([
    ["not yaml: [", /^fixture\.yaml, document 1, line 2: not valid YAML: unexpected end of the stream/],
    ["kind: CustomResourceDefinition\nspec:\n  names: {kind: X, plural: xs}\n", /fixture\.yaml: CRD has no spec\.group/],
    ["kind: CustomResourceDefinition\nspec:\n  group: a.b\n  names: {kind: X}\n", /spec\.names\.plural/],
  ])("reports bad input %#", (text, message) => {
    expect(() => loadCrdYaml([{ name: "fixture.yaml", text }])).toThrow(message);
  });
});
