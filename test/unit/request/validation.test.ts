import { describe, expect, it } from "vitest";
import { ValidationError } from "../../../src/base/errors.ts";
import {
  applyRequest,
  bindingRequest,
  createRequest,
  deleteCollectionRequest,
  deleteRequest,
  getRequest,
  listRequest,
  logRequest,
  patchRequest,
  replaceRequest,
  subresourceGetRequest,
  tokenRequest,
  watchRequest,
  type Patch,
} from "../../../src/request/index.ts";
import {
  ConfigMap,
  Deployment,
  GatewayClass,
  GitRepository,
  Namespace,
  Pod,
  ServiceAccount,
  TokenReview,
} from "../../types/api-fixtures.ts";

// Values a JavaScript caller (or a cast) can pass despite the types.
const loose = <T>(v: unknown) => v as T;
const deploy = { apiVersion: "apps/v1", kind: "Deployment", metadata: { name: "web" } };

// Each row: a call that breaks an API rule, and what the ValidationError must say.
const table: [string, () => unknown, RegExp][] = [
  // names and namespaces
  ["empty name", () => getRequest(Pod, "default", ""), /name must be a non-empty string/],
  ["name with a slash", () => getRequest(Pod, "default", "a/b"), /name "a\/b" may not contain "\/"/],
  ["name with a percent", () => getRequest(Pod, "default", "a%2F"), /may not contain "%"/],
  ["name '..'", () => getRequest(Pod, "default", ".."), /may not be "\.\."/],
  ["empty namespace", () => listRequest(Pod, ""), /namespace must be a non-empty string/],
  ["namespace with a slash", () => listRequest(Pod, "a/b"), /namespace "a\/b" may not contain/],
  ["non-string name", () => getRequest(Pod, "default", loose(42)), /name must be a non-empty string, got 42/],
  // scope
  ["namespace on a cluster-scoped kind", () => getRequest(Namespace, "default", "x"), /Namespace is cluster-scoped and takes no namespace/],
  ["namespace on a cluster-scoped CRD", () => listRequest(GatewayClass, "default"), /GatewayClass is cluster-scoped/],
  ["get of a namespaced kind without namespace", () => getRequest(Pod, undefined, "x"), /Pod is namespaced; give a namespace/],
  ["create of a namespaced kind without namespace", () => createRequest(Pod, undefined, {}), /Pod is namespaced/],
  ["deleteCollection across namespaces", () => deleteCollectionRequest(Pod, undefined), /Pod is namespaced/],
  // verbs and subresources
  ["list on a create-only kind", () => listRequest(TokenReview, undefined), /does not serve "list" for TokenReview \(verbs: create\)/],
  ["deleteCollection on namespaces", () => deleteCollectionRequest(Namespace, undefined), /does not serve "deletecollection"/],
  ["scale on a configmap", () => subresourceGetRequest(ConfigMap, "default", "c", "scale"), /configmaps has no "scale" subresource \(subresources: none\)/],
  ["logs of a deployment", () => logRequest(Deployment, "prod", "web"), /deployments.apps has no "log" subresource/],
  ["token of a pod", () => tokenRequest(Pod, "default", "p"), /pods has no "token" subresource/],
  // list options (the API server's ValidateListOptions)
  ["limit 0", () => listRequest(Pod, "default", { limit: 0 }), /limit must be a positive integer, got 0/],
  ["fractional limit", () => listRequest(Pod, "default", { limit: 1.5 }), /limit must be a positive integer/],
  ["negative timeout", () => listRequest(Pod, "default", { timeoutSeconds: -1 }), /timeoutSeconds must be a non-negative integer/],
  ["rv match without rv", () => listRequest(Pod, "default", { resourceVersionMatch: "Exact" }), /forbidden unless resourceVersion is provided/],
  [
    "rv match with continue",
    () => listRequest(Pod, "default", { resourceVersion: "5", resourceVersionMatch: "NotOlderThan", continue: "tok" }),
    /forbidden when continue is provided/,
  ],
  ["Exact at rv 0", () => listRequest(Pod, "default", { resourceVersion: "0", resourceVersionMatch: "Exact" }), /"Exact" is forbidden for resourceVersion "0"/],
  ["unknown rv match", () => listRequest(Pod, "default", { resourceVersion: "1", resourceVersionMatch: loose("Newest") }), /resourceVersionMatch must be one of NotOlderThan, Exact/],
  ["bad label selector key", () => listRequest(Pod, "default", { labelSelector: { "-bad": "x" } }), /invalid label key "-bad"/],
  // watch options (validateWatchOptions)
  ["watch rv match without sendInitialEvents", () => watchRequest(Pod, "default", { resourceVersionMatch: "NotOlderThan" }), /unless sendInitialEvents is provided/],
  ["sendInitialEvents without NotOlderThan", () => watchRequest(Pod, "default", { sendInitialEvents: true }), /requires resourceVersionMatch "NotOlderThan"/],
  ["watch with Exact", () => watchRequest(Pod, "default", { sendInitialEvents: true, resourceVersionMatch: loose("Exact") }), /must be one of NotOlderThan/],
  ["watch bookmarks not boolean", () => watchRequest(Pod, "default", { allowWatchBookmarks: loose("yes") }), /allowWatchBookmarks must be a boolean/],
  // writes
  ["dryRun other than All", () => createRequest(ConfigMap, "default", {}, { dryRun: loose("Server") }), /dryRun must be true or "All"/],
  ["fieldManager too long", () => createRequest(ConfigMap, "default", {}, { fieldManager: "m".repeat(129) }), /fieldManager must be 1 to 128 printable/],
  ["fieldManager with a newline", () => createRequest(ConfigMap, "default", {}, { fieldManager: "a\nb" }), /printable/],
  ["unknown fieldValidation", () => createRequest(ConfigMap, "default", {}, { fieldValidation: loose("Loud") }), /fieldValidation must be one of Ignore, Warn, Strict/],
  ["body of the wrong kind", () => createRequest(ConfigMap, "default", { kind: "Secret" }), /body's kind is "Secret", expected "ConfigMap"/],
  ["body of the wrong apiVersion", () => createRequest(Deployment, "prod", { apiVersion: "apps/v1beta1" }), /apiVersion is "apps\/v1beta1", expected "apps\/v1"/],
  ["body in another namespace", () => createRequest(ConfigMap, "default", { metadata: { namespace: "other" } }), /metadata.namespace is "other", expected "default"/],
  ["array body", () => createRequest(ConfigMap, "default", []), /body must be an object, got an array/],
  ["replace without a name", () => replaceRequest(ConfigMap, "default", { metadata: {} }), /has no metadata.name/],
  ["cyclic body", () => { const o: Record<string, unknown> = {}; o.self = o; return createRequest(ConfigMap, "default", o); }, /cannot be serialised as JSON/],
  // delete
  ["unknown propagation policy", () => deleteRequest(Pod, "default", "p", { propagationPolicy: loose("Cascade") }), /propagationPolicy must be one of Orphan, Background, Foreground/],
  ["negative grace period", () => deleteRequest(Pod, "default", "p", { gracePeriodSeconds: -1 }), /gracePeriodSeconds must be a non-negative integer/],
  ["unknown precondition", () => deleteRequest(Pod, "default", "p", { preconditions: loose({ generation: 1 }) }), /unknown precondition "generation"/],
  ["empty precondition uid", () => deleteRequest(Pod, "default", "p", { preconditions: { uid: "" } }), /precondition uid must be a non-empty string/],
  // patch and apply
  ["force without apply", () => patchRequest(Deployment, "prod", { name: "web" }, { type: "merge", patch: {} }, { force: true }), /force is only allowed with server-side apply, not a merge patch/],
  ["apply without fieldManager", () => applyRequest(Deployment, "prod", deploy, loose({})), /server-side apply requires a fieldManager/],
  ["apply without kind", () => applyRequest(Deployment, "prod", { apiVersion: "apps/v1", metadata: { name: "w" } }, { fieldManager: "m" }), /must set kind/],
  ["apply without apiVersion", () => applyRequest(Deployment, "prod", { kind: "Deployment", metadata: { name: "w" } }, { fieldManager: "m" }), /must set apiVersion/],
  ["apply without a name", () => applyRequest(Deployment, "prod", { apiVersion: "apps/v1", kind: "Deployment", metadata: {} }, { fieldManager: "m" }), /no metadata.name/],
  ["apply of the wrong kind", () => applyRequest(Deployment, "prod", { ...deploy, kind: "StatefulSet" }, { fieldManager: "m" }), /kind is "StatefulSet", expected "Deployment"/],
  ["apply with the wrong name for the URL", () => patchRequest(Deployment, "prod", { name: "other" }, { type: "apply", patch: deploy } as Patch, { fieldManager: "m" }), /metadata.name is "web", expected "other"/],
  ["strategic on a flagged CRD", () => patchRequest(GitRepository, "flux", { name: "r" }, { type: "strategic", patch: {} }), /strategic merge patches work on built-in kinds only; GitRepository is a custom resource/],
  ["strategic on a *.k8s.io CRD", () => patchRequest(GatewayClass, undefined, { name: "g" }, { type: "strategic", patch: {} }), /built-in kinds only/],
  ["unknown patch type", () => patchRequest(Deployment, "prod", { name: "web" }, loose({ type: "yaml", patch: {} })), /patch must be \{ type: "json" \| "merge"/],
  ["inherited property as patch type", () => patchRequest(Deployment, "prod", { name: "web" }, loose({ type: "toString", patch: {} })), /patch must be/],
  ["json patch not an array", () => patchRequest(Deployment, "prod", { name: "web" }, loose({ type: "json", patch: {} })), /must be an array of operations/],
  ["json patch bad op", () => patchRequest(Deployment, "prod", { name: "web" }, loose({ type: "json", patch: [{ op: "set", path: "/a" }] })), /operation 0 has unknown op "set"/],
  ["json patch bad pointer", () => patchRequest(Deployment, "prod", { name: "web" }, loose({ type: "json", patch: [{ op: "remove", path: "spec" }] })), /JSON pointer "path"/],
  ["json patch move without from", () => patchRequest(Deployment, "prod", { name: "web" }, loose({ type: "json", patch: [{ op: "move", path: "/a" }] })), /JSON pointer "from"/],
  ["json patch add without value", () => patchRequest(Deployment, "prod", { name: "web" }, loose({ type: "json", patch: [{ op: "add", path: "/a" }] })), /\(add\) needs a value/],
  ["merge patch not an object", () => patchRequest(Deployment, "prod", { name: "web" }, loose({ type: "merge", patch: "x" })), /body must be an object/],
  ["patch of a missing subresource", () => patchRequest(ConfigMap, "default", { name: "c", subresource: "status" }, { type: "merge", patch: {} }), /no "status" subresource/],
  // subresources
  ["sinceSeconds with sinceTime", () => logRequest(Pod, "default", "p", { sinceSeconds: 5, sinceTime: "2025-01-01T00:00:00Z" }), /mutually exclusive/],
  ["sinceSeconds 0", () => logRequest(Pod, "default", "p", { sinceSeconds: 0 }), /sinceSeconds must be a positive integer/],
  ["sinceTime not a time", () => logRequest(Pod, "default", "p", { sinceTime: "yesterday" }), /sinceTime must be an RFC 3339 time/],
  ["invalid Date", () => logRequest(Pod, "default", "p", { sinceTime: new Date("nope") }), /invalid Date/],
  ["negative tailLines", () => logRequest(Pod, "default", "p", { tailLines: -1 }), /tailLines must be a non-negative integer/],
  ["limitBytes 0", () => logRequest(Pod, "default", "p", { limitBytes: 0 }), /limitBytes must be a positive integer/],
  ["token shorter than 10 minutes", () => tokenRequest(ServiceAccount, "ci", "sa", { expirationSeconds: 60 }), /expirationSeconds must be an integer >= 600/],
  ["token longer than 2^32 s", () => tokenRequest(ServiceAccount, "ci", "sa", { expirationSeconds: 2 ** 33 }), /may not exceed 2\^32/],
  ["token with an empty audience", () => tokenRequest(ServiceAccount, "ci", "sa", { audiences: [""] }), /audiences must be an array of non-empty strings/],
  ["binding without a target name", () => bindingRequest(Pod, "default", "p", loose({})), /target.name is required/],
];

describe("params are validated before anything is sent", () => {
  it.each(table)("%s", (_name, call, message) => {
    let thrown: unknown;
    try {
      call();
    } catch (e) {
      thrown = e;
    }
    expect(thrown).toBeInstanceOf(ValidationError);
    expect((thrown as Error).message).toMatch(message);
  });

  it("accepts a watch timeout far above kube-rs's 295 s ceiling (the API server has none)", () => {
    expect(watchRequest(Pod, "default", { timeoutSeconds: 3600 }).query).toMatchObject({ timeoutSeconds: 3600 });
  });

  it("treats an empty continue token as the first page", () => {
    expect(listRequest(Pod, "default", { continue: "" }).query).toEqual({});
  });

  it("allows strategic merge on built-in kinds, including subresources", () => {
    const r = patchRequest(Deployment, "prod", { name: "web", subresource: "scale" }, { type: "strategic", patch: { spec: { replicas: 1 } } });
    expect(r.headers).toEqual({ "Content-Type": "application/strategic-merge-patch+json" });
  });

  it("lets an explicit custom:false override the group list", () => {
    const builtInLooking = { ...GatewayClass, custom: false };
    const r = patchRequest(builtInLooking, undefined, { name: "g" }, { type: "strategic", patch: {} });
    expect(r.headers).toEqual({ "Content-Type": "application/strategic-merge-patch+json" });
  });
});
