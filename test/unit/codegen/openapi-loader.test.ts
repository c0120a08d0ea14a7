import { describe, expect, it } from "vitest";
import { loadOpenApiDocuments } from "../../../codegen/openapi-loader.ts";
import { parseResourcePath } from "../../../codegen/resource-path.ts";
import { coreDocument, crdStyleDocument, widgetsDocument } from "./openapi-fixtures.ts";

describe("parseResourcePath", () => {
  it.each([
    ["/api/v1/pods", { group: "", version: "v1", plural: "pods", namespaced: false, named: false, watchPath: false }],
    ["/api/v1/namespaces", { group: "", version: "v1", plural: "namespaces", namespaced: false, named: false, watchPath: false }],
    ["/api/v1/namespaces/{name}", { group: "", version: "v1", plural: "namespaces", namespaced: false, named: true, watchPath: false }],
    [
      "/api/v1/namespaces/{name}/finalize",
      { group: "", version: "v1", plural: "namespaces", namespaced: false, named: true, subresource: "finalize", watchPath: false },
    ],
    ["/api/v1/namespaces/{namespace}/pods", { group: "", version: "v1", plural: "pods", namespaced: true, named: false, watchPath: false }],
    [
      "/api/v1/namespaces/{namespace}/pods/{name}/proxy/{path}",
      { group: "", version: "v1", plural: "pods", namespaced: true, named: true, subresource: "proxy", watchPath: false },
    ],
    [
      "/apis/apps/v1/namespaces/{namespace}/deployments/{name}/scale",
      { group: "apps", version: "v1", plural: "deployments", namespaced: true, named: true, subresource: "scale", watchPath: false },
    ],
    [
      "/apis/apps/v1/watch/namespaces/{namespace}/deployments",
      { group: "apps", version: "v1", plural: "deployments", namespaced: true, named: false, watchPath: true },
    ],
    [
      "/apis/rbac.authorization.k8s.io/v1/clusterroles/{name}",
      { group: "rbac.authorization.k8s.io", version: "v1", plural: "clusterroles", namespaced: false, named: true, watchPath: false },
    ],
  ])("%s", (path, expected) => {
    expect(parseResourcePath(path)).toEqual(expected);
  });

  it.each(["/api/v1/", "/apis/apps/v1/", "/apis/apps/", "/version/", "/openid/v1/jwks/", "/logs/{logpath}", "/api/v1/namespaces/{namespace}/{name}"])(
    "%s is not a resource path",
    (path) => {
      expect(parseResourcePath(path)).toBeUndefined();
    },
  );
});

describe("loadOpenApiDocuments", () => {
  const model = loadOpenApiDocuments([
    { name: "api__v1_openapi.json", document: coreDocument },
    { name: "apis__widgets.example.k8s.io__v1_openapi.json", document: widgetsDocument },
  ]);
  const byKind = new Map(model.kinds.map((k) => [`${k.group}/${k.kind}`, k]));

  it.each([
    ["/Namespace", "namespaces", false, ["create", "delete", "get", "list", "patch", "update"], ["finalize", "status"]],
    ["/Pod", "pods", true, ["create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"], ["eviction", "exec", "log", "proxy"]],
    ["/Binding", "bindings", true, ["create"], []],
    ["/ComponentStatus", "componentstatuses", false, ["list"], []],
    ["widgets.example.k8s.io/Widget", "widgets", false, ["create", "delete", "get", "list", "watch"], ["scale"]],
    ["widgets.example.k8s.io/WidgetReview", "widgetreviews", false, ["create"], []],
  ])("%s: plural %s, namespaced %s, verbs and subresources from the paths", (key, plural, namespaced, verbs, subresources) => {
    const kind = byKind.get(key);
    expect(kind).toBeDefined();
    expect(kind?.plural).toBe(plural);
    expect(kind?.namespaced).toBe(namespaced);
    expect(kind?.verbs).toEqual(verbs);
    expect(kind?.subresources.map((s) => s.name)).toEqual(subresources);
  });

  it("keeps only kinds that some path serves (no List, Status, options kinds)", () => {
    expect(model.kinds.map((k) => k.kind)).toEqual(["Binding", "ComponentStatus", "Namespace", "Pod", "Widget", "WidgetReview"]);
  });

  it("records what a subresource carries and how it is called", () => {
    const pod = byKind.get("/Pod");
    expect(pod?.subresources.find((s) => s.name === "eviction")).toEqual({
      name: "eviction",
      verbs: ["create"],
      kind: { group: "policy", version: "v1", kind: "Eviction" },
    });
    expect(pod?.subresources.find((s) => s.name === "exec")?.verbs).toEqual(["connect"]);
    const widget = byKind.get("widgets.example.k8s.io/Widget");
    expect(widget?.subresources[0]).toEqual({
      name: "scale",
      verbs: ["get", "patch"],
      kind: { group: "autoscaling", version: "v1", kind: "Scale" },
    });
  });

  it("links object and list schemas by GVK", () => {
    expect(byKind.get("/Pod")?.schema).toBe("io.k8s.api.core.v1.Pod");
    expect(byKind.get("/Pod")?.listSchema).toBe("io.k8s.api.core.v1.PodList");
    expect(byKind.get("/Pod")?.listKind).toBe("PodList");
    expect(byKind.get("widgets.example.k8s.io/WidgetReview")?.listSchema).toBeUndefined();
  });

  it("keeps a schema repeated across documents once, from the first document", () => {
    expect(model.schemas.get("io.k8s.apimachinery.pkg.apis.meta.v1.ListMeta")).toEqual(
      coreDocument.components.schemas["io.k8s.apimachinery.pkg.apis.meta.v1.ListMeta"],
    );
    expect([...model.schemas.keys()].filter((n) => n.endsWith(".ObjectMeta"))).toHaveLength(1);
  });

  it("takes a list's watch parameter as the watch verb where a document has no /watch/ paths (custom resources)", () => {
    const crds = loadOpenApiDocuments([{ name: "apis/demo.example.io/v1", document: crdStyleDocument }]);
    expect(crds.kinds.map((k) => [k.kind, k.verbs])).toEqual([
      ["Gadget", ["create", "list", "patch", "watch"]],
      ["Gizmo", ["list", "watch"]],
    ]);
  });

  it.each([
    ["/Namespace", false],
    ["/Pod", false],
    ["/Binding", undefined],
    ["/ComponentStatus", undefined],
    ["widgets.example.k8s.io/Widget", undefined],
  ])("%s: custom %s, from the content types its own patch accepts (none: no patch)", (key, custom) => {
    expect(byKind.get(key)?.custom).toBe(custom);
  });

  it("marks a kind whose patch takes no strategic merge as custom (how a CRD publishes itself)", () => {
    const crds = loadOpenApiDocuments([{ name: "apis/demo.example.io/v1", document: crdStyleDocument }]);
    expect(crds.kinds.map((k) => [k.kind, k.custom])).toEqual([
      ["Gadget", true],
      ["Gizmo", undefined],
    ]);
  });

  it("rejects a document that is not an object", () => {
    expect(() => loadOpenApiDocuments([{ name: "broken.json", document: 42 }])).toThrow(/broken\.json/);
  });
});
