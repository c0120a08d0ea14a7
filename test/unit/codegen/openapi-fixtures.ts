/**
 * Small hand-made OpenAPI v3 group/version documents for the codegen tests, shaped like the
 * real ones but invented here (no upstream text).
 */

type Op = { action: string; gvk?: [string, string, string]; content?: string[] };

function op({ action, gvk, content }: Op): Record<string, unknown> {
  const o: Record<string, unknown> = { "x-kubernetes-action": action, responses: {} };
  if (gvk) o["x-kubernetes-group-version-kind"] = { group: gvk[0], version: gvk[1], kind: gvk[2] };
  if (content) o.requestBody = { content: Object.fromEntries(content.map((c) => [c, { schema: {} }])) };
  return o;
}

/** Patch content types of a compiled-in kind, and of a custom resource (no strategic merge). */
const builtInPatch = ["application/apply-patch+yaml", "application/json-patch+json", "application/merge-patch+json", "application/strategic-merge-patch+json"];
const customPatch = ["application/apply-patch+yaml", "application/json-patch+json", "application/merge-patch+json"];

const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const wrapped = (name: string, description: string) => ({ allOf: [ref(name)], default: {}, description });
const gvk = (group: string, version: string, kind: string) => ({ "x-kubernetes-group-version-kind": [{ group, version, kind }] });

const meta = {
  "io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta": {
    description: "Object metadata.",
    type: "object",
    properties: {
      name: { description: "Name of the object.", type: "string" },
      labels: { type: "object", additionalProperties: { type: "string", default: "" } },
    },
  },
  "io.k8s.apimachinery.pkg.apis.meta.v1.ListMeta": {
    type: "object",
    properties: { continue: { type: "string" }, resourceVersion: { type: "string" } },
  },
  "io.k8s.apimachinery.pkg.apis.meta.v1.Status": {
    type: "object",
    properties: { code: { type: "integer", format: "int32" }, message: { type: "string" } },
    ...gvk("", "v1", "Status"),
  },
  "io.k8s.apimachinery.pkg.apis.meta.v1.DeleteOptions": {
    type: "object",
    properties: { gracePeriodSeconds: { type: "integer" } },
    "x-kubernetes-group-version-kind": [
      { group: "", version: "v1", kind: "DeleteOptions" },
      { group: "widgets.example.k8s.io", version: "v1", kind: "DeleteOptions" },
    ],
  },
  "io.k8s.apimachinery.pkg.util.intstr.IntOrString": {
    description: "A number or a string.",
    type: "string",
    format: "int-or-string",
  },
};

/** The core group: Namespace (cluster-scoped, status + finalize), Pod (namespaced, many subresources), Binding (create only). */
export const coreDocument = {
  openapi: "3.0.0",
  info: { title: "fixture", version: "unversioned" },
  paths: {
    "/api/v1/": { get: { responses: {} } },
    "/api/v1/namespaces": { get: op({ action: "list", gvk: ["", "v1", "Namespace"] }), post: op({ action: "post", gvk: ["", "v1", "Namespace"] }) },
    "/api/v1/namespaces/{name}": {
      get: op({ action: "get", gvk: ["", "v1", "Namespace"] }),
      put: op({ action: "put", gvk: ["", "v1", "Namespace"] }),
      patch: op({ action: "patch", gvk: ["", "v1", "Namespace"], content: builtInPatch }),
      delete: op({ action: "delete", gvk: ["", "v1", "Namespace"] }),
    },
    "/api/v1/namespaces/{name}/status": { get: op({ action: "get", gvk: ["", "v1", "Namespace"] }), put: op({ action: "put", gvk: ["", "v1", "Namespace"] }) },
    "/api/v1/namespaces/{name}/finalize": { put: op({ action: "put", gvk: ["", "v1", "Namespace"] }) },
    "/api/v1/namespaces/{namespace}/pods": {
      get: op({ action: "list", gvk: ["", "v1", "Pod"] }),
      post: op({ action: "post", gvk: ["", "v1", "Pod"] }),
      delete: op({ action: "deletecollection", gvk: ["", "v1", "Pod"] }),
    },
    "/api/v1/namespaces/{namespace}/pods/{name}": {
      get: op({ action: "get", gvk: ["", "v1", "Pod"] }),
      put: op({ action: "put", gvk: ["", "v1", "Pod"] }),
      patch: op({ action: "patch", gvk: ["", "v1", "Pod"], content: builtInPatch }),
      delete: op({ action: "delete", gvk: ["", "v1", "Pod"] }),
    },
    "/api/v1/namespaces/{namespace}/pods/{name}/eviction": { post: op({ action: "post", gvk: ["policy", "v1", "Eviction"] }) },
    "/api/v1/namespaces/{namespace}/pods/{name}/exec": {
      get: op({ action: "connect", gvk: ["", "v1", "PodExecOptions"] }),
      post: op({ action: "connect", gvk: ["", "v1", "PodExecOptions"] }),
    },
    "/api/v1/namespaces/{namespace}/pods/{name}/log": { get: op({ action: "get", gvk: ["", "v1", "Pod"] }) },
    "/api/v1/namespaces/{namespace}/pods/{name}/proxy/{path}": { get: op({ action: "connect", gvk: ["", "v1", "PodProxyOptions"] }) },
    "/api/v1/pods": { get: op({ action: "list", gvk: ["", "v1", "Pod"] }) },
    "/api/v1/watch/namespaces/{namespace}/pods": { get: op({ action: "watchlist", gvk: ["", "v1", "Pod"] }) },
    "/api/v1/namespaces/{namespace}/bindings": { post: op({ action: "post", gvk: ["", "v1", "Binding"] }) },
    // Takes ?watch like every built-in list, yet has no /watch/ path: the server refuses to watch it.
    "/api/v1/componentstatuses": {
      get: { ...op({ action: "list", gvk: ["", "v1", "ComponentStatus"] }), parameters: [{ in: "query", name: "watch", schema: { type: "boolean" } }] },
    },
  },
  components: {
    schemas: {
      ...meta,
      "io.k8s.api.core.v1.Pod": {
        description: "A pod.",
        type: "object",
        properties: {
          apiVersion: { type: "string" },
          kind: { type: "string" },
          metadata: wrapped("io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta", "Standard metadata."),
          spec: wrapped("io.k8s.api.core.v1.PodSpec", "Desired state."),
        },
        ...gvk("", "v1", "Pod"),
      },
      "io.k8s.api.core.v1.PodList": {
        type: "object",
        required: ["items"],
        properties: {
          apiVersion: { type: "string" },
          items: { type: "array", items: wrapped("io.k8s.api.core.v1.Pod", "") },
          kind: { type: "string" },
          metadata: wrapped("io.k8s.apimachinery.pkg.apis.meta.v1.ListMeta", "List metadata."),
        },
        ...gvk("", "v1", "PodList"),
      },
      "io.k8s.api.core.v1.PodSpec": {
        description: "Pod spec.\n\nSecond paragraph with */ inside.",
        type: "object",
        required: ["containers"],
        properties: {
          restartPolicy: { description: "One of Always, Never.", type: "string", enum: ["Always", "Never"] },
          containers: { type: "array", items: { type: "string" } },
          port: { allOf: [ref("io.k8s.apimachinery.pkg.util.intstr.IntOrString")], description: "A port." },
        },
      },
      "io.k8s.api.core.v1.Namespace": {
        type: "object",
        properties: { metadata: wrapped("io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta", "Metadata.") },
        ...gvk("", "v1", "Namespace"),
      },
      "io.k8s.api.core.v1.ComponentStatus": { type: "object", ...gvk("", "v1", "ComponentStatus") },
      "io.k8s.api.core.v1.Binding": {
        type: "object",
        required: ["target"],
        properties: { target: { type: "string" } },
        ...gvk("", "v1", "Binding"),
      },
    },
  },
};

/** A made-up cluster-scoped group: Widget (scale subresource answering autoscaling/v1 Scale) and WidgetReview (create only). */
export const widgetsDocument = {
  openapi: "3.0.0",
  info: { title: "fixture", version: "unversioned" },
  paths: {
    "/apis/widgets.example.k8s.io/v1/widgets": {
      get: op({ action: "list", gvk: ["widgets.example.k8s.io", "v1", "Widget"] }),
      post: op({ action: "post", gvk: ["widgets.example.k8s.io", "v1", "Widget"] }),
    },
    "/apis/widgets.example.k8s.io/v1/widgets/{name}": {
      get: op({ action: "get", gvk: ["widgets.example.k8s.io", "v1", "Widget"] }),
      delete: op({ action: "delete", gvk: ["widgets.example.k8s.io", "v1", "Widget"] }),
    },
    "/apis/widgets.example.k8s.io/v1/widgets/{name}/scale": {
      get: op({ action: "get", gvk: ["autoscaling", "v1", "Scale"] }),
      patch: op({ action: "patch", gvk: ["autoscaling", "v1", "Scale"] }),
    },
    "/apis/widgets.example.k8s.io/v1/watch/widgets/{name}": { get: op({ action: "watch", gvk: ["widgets.example.k8s.io", "v1", "Widget"] }) },
    "/apis/widgets.example.k8s.io/v1/widgetreviews": { post: op({ action: "post", gvk: ["widgets.example.k8s.io", "v1", "WidgetReview"] }) },
  },
  components: {
    schemas: {
      ...meta,
      // Same name as in coreDocument but different text: the first document must win.
      "io.k8s.apimachinery.pkg.apis.meta.v1.ListMeta": { type: "object", description: "second copy" },
      "io.k8s.api.widgets.v1.Widget": {
        description: "A widget.",
        type: "object",
        required: ["spec"],
        properties: {
          kind: { type: "string" },
          apiVersion: { type: "string" },
          metadata: wrapped("io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta", "Standard metadata."),
          spec: {
            type: "object",
            required: ["replicas"],
            properties: {
              replicas: { type: "integer", format: "int32", default: 1 },
              mode: { type: "string", enum: ["Fast", "Slow"] },
              config: { type: "object", "x-kubernetes-preserve-unknown-fields": true },
              size: { "x-kubernetes-int-or-string": true, anyOf: [{ type: "integer" }, { type: "string" }] },
              "dashed-name": { type: "boolean" },
            },
          },
        },
        ...gvk("widgets.example.k8s.io", "v1", "Widget"),
      },
      "io.k8s.api.widgets.v1.WidgetList": {
        type: "object",
        required: ["items"],
        properties: { items: { type: "array", items: ref("io.k8s.api.widgets.v1.Widget") } },
        ...gvk("widgets.example.k8s.io", "v1", "WidgetList"),
      },
      "io.k8s.api.widgets.v1.WidgetReview": {
        type: "object",
        properties: { spec: { type: "object", properties: { user: { type: "string" } } } },
        ...gvk("widgets.example.k8s.io", "v1", "WidgetReview"),
      },
    },
  },
};


/**
 * A custom resource group as the API server publishes it in /openapi/v3: no /watch/ paths,
 * the watch is the list's `watch` parameter (here once by $ref, once at path level).
 */
export const crdStyleDocument = {
  openapi: "3.0.0",
  info: { title: "fixture", version: "unversioned" },
  paths: {
    "/apis/demo.example.io/v1/namespaces/{namespace}/gadgets": {
      get: { ...op({ action: "list", gvk: ["demo.example.io", "v1", "Gadget"] }), parameters: [{ $ref: "#/components/parameters/watch-Xy1" }] },
      post: op({ action: "post", gvk: ["demo.example.io", "v1", "Gadget"] }),
    },
    "/apis/demo.example.io/v1/namespaces/{namespace}/gadgets/{name}": {
      patch: op({ action: "patch", gvk: ["demo.example.io", "v1", "Gadget"], content: customPatch }),
    },
    "/apis/demo.example.io/v1/gizmos": {
      parameters: [{ in: "query", name: "watch", schema: { type: "boolean" } }],
      get: op({ action: "list", gvk: ["demo.example.io", "v1", "Gizmo"] }),
    },
  },
  components: {
    parameters: { "watch-Xy1": { in: "query", name: "watch", schema: { type: "boolean" } } },
    schemas: {
      "io.example.demo.v1.Gadget": { type: "object", ...gvk("demo.example.io", "v1", "Gadget") },
      "io.example.demo.v1.Gizmo": { type: "object", ...gvk("demo.example.io", "v1", "Gizmo") },
    },
  },
};
