import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { customProperty, verbTypeArgument } from "../../../codegen/module-emitter.ts";
import { repoImports } from "../../../codegen/import-paths.ts";
import { crdVerbs, type KindModel } from "../../../codegen/model.ts";
import { emitStubs, stubFactoryName, stubMemberName } from "../../../codegen/stub-emitter.ts";
import type { Verb } from "../../../src/base/resource.ts";

describe("stubMemberName", () => {
  it.each([
    ["Pod", "pods", "pods"],
    ["Endpoints", "endpoints", "endpoints"],
    ["NetworkPolicy", "networkpolicies", "networkPolicies"],
    ["IngressClass", "ingressclasses", "ingressClasses"],
    ["IPAddress", "ipaddresses", "ipAddresses"],
    ["CSIStorageCapacity", "csistoragecapacities", "csiStorageCapacities"],
    ["APIService", "apiservices", "apiServices"],
    ["HorizontalPodAutoscaler", "horizontalpodautoscalers", "horizontalPodAutoscalers"],
    ["ValidatingAdmissionPolicyBinding", "validatingadmissionpolicybindings", "validatingAdmissionPolicyBindings"],
    ["OCIRepository", "ocirepositories", "ociRepositories"],
    ["Gizmo", "gadgets", "gadgets"],
  ])("%s (%s) → %s", (kind, plural, expected) => {
    expect(stubMemberName(kind, plural)).toBe(expected);
  });

  it("always spells the plural, only the case changes", () => {
    const word = fc.stringMatching(/^[A-Z][a-z]{0,6}$/);
    fc.assert(
      fc.property(fc.array(word, { minLength: 1, maxLength: 4 }), fc.constantFrom("s", "es", "ies", ""), (words, suffix) => {
        const kind = words.join("");
        const plural = `${kind.toLowerCase()}${suffix}`;
        const name = stubMemberName(kind, plural);
        expect(name.toLowerCase()).toBe(plural);
        expect(name[0]).toBe((name[0] as string).toLowerCase());
      }),
    );
  });
});

describe("stubFactoryName", () => {
  it.each([
    ["core/v1", "coreV1"],
    ["apps/v1", "appsV1"],
    ["flowcontrol/v1", "flowcontrolV1"],
    ["resource/v1beta2", "resourceV1beta2"],
    ["source/v1", "sourceV1"],
    ["demo.example.io/v1alpha1", "demoExampleIoV1alpha1"],
    ["networking.k8s.io/v1", "networkingK8sIoV1"],
  ])("%s → %s", (dir, expected) => {
    expect(stubFactoryName(dir)).toBe(expected);
  });
});

describe("verbTypeArgument", () => {
  it.each<[readonly Verb[], string | undefined]>([
    [crdVerbs, undefined],
    [["create"], '"create"'],
    [["get", "list"], '"get" | "list"'],
    [["create", "delete", "get", "list", "patch", "update", "watch"], '"create" | "delete" | "get" | "list" | "patch" | "update" | "watch"'],
    [[], "never"],
  ])("%j → %s", (verbs, expected) => {
    expect(verbTypeArgument(verbs)).toBe(expected);
  });
});

describe("customProperty", () => {
  it.each<[string, boolean | undefined, string | undefined]>([
    ["source.toolkit.fluxcd.io", true, "custom: true"],
    ["snapshot.storage.k8s.io", true, "custom: true"],
    ["apps", false, undefined],
    ["", false, undefined],
    ["route.openshift.io", false, "custom: false"],
    ["apps", undefined, undefined],
    ["example.com", undefined, undefined],
  ])("group %j, custom %s → %s", (group, custom, expected) => {
    expect(customProperty({ group, ...(custom === undefined ? {} : { custom }) })).toBe(expected);
  });
});

describe("repoImports", () => {
  it("finds the client, the Connection type and the value types from src/base/resource.ts", () => {
    expect(repoImports("../src/base/resource.ts").sdk("k8s/apps/v1/index.ts")).toEqual({
      client: "../../../../src/api/client.ts",
      connection: "../../../../src/connection/types.ts",
      resource: "../../../../src/base/resource.ts",
      values: "../../../../src/base/value-types.ts",
    });
    expect(() => repoImports("../src/resource.ts")).toThrow(/base\/resource\.ts/);
  });
});

describe("emitStubs", () => {
  const kind = (k: Partial<KindModel> & Pick<KindModel, "kind" | "plural" | "namespaced">): KindModel => ({
    group: "demo.example.io",
    version: "v1",
    listKind: `${k.kind}List`,
    verbs: crdVerbs,
    subresources: [],
    schema: `io.example.demo.v1.${k.kind}`,
    ...k,
  });
  const text = emitStubs(
    "demo.example.io/v1",
    [
      { kind: kind({ kind: "Widget", plural: "widgets", namespaced: true }), valueName: "Widget" },
      { kind: kind({ kind: "Gizmo", plural: "gizmos", namespaced: false }), valueName: "Gizmo" },
      { kind: kind({ kind: "WidgetReview", plural: "widgetreviews", namespaced: true, verbs: ["create"] }), valueName: "WidgetReview" },
      { kind: kind({ kind: "Dashed", plural: "dashed-things", namespaced: false }), valueName: "Dashed" },
    ],
    { factory: "demoV1", api: "api_", connection: "Conn" },
  );

  it("emits one line per kind, sorted, through the (possibly aliased) imports", () => {
    expect(text).toContain("export const demoV1 = (conn: Conn) => ({\n");
    const members = text.split("\n").filter((l) => l.startsWith("  "));
    expect(members).toEqual([
      '  "dashed-things": () => api_(conn, Dashed),',
      "  gizmos: () => api_(conn, Gizmo),",
      "  widgetReviews: (namespace: string) => api_(conn, WidgetReview, { namespace }),",
      "  widgets: Object.assign((namespace: string) => api_(conn, Widget, { namespace }), { all: () => api_(conn, Widget) }),",
    ]);
  });

  it("documents the factory with an example that lists a namespaced kind", () => {
    expect(text).toContain(' * const { items } = await demoV1(kube.connection).widgets("default").list();\n');
  });
});
