import { describe, expect, it } from "vitest";
import {
  applyRequest,
  bindingRequest,
  createRequest,
  deleteCollectionRequest,
  deleteRequest,
  evictionRequest,
  getRequest,
  listRequest,
  logRequest,
  patchRequest,
  replaceRequest,
  requestTarget,
  subresourceGetRequest,
  subresourceReplaceRequest,
  tokenRequest,
  watchRequest,
  type KubeRequest,
} from "../../../src/request/index.ts";
import {
  CertificateSigningRequest,
  ClusterRole,
  ConfigMap,
  Deployment,
  GatewayClass,
  GitRepository,
  Namespace,
  Pod,
  ServiceAccount,
} from "../../types/api-fixtures.ts";

const line = (r: KubeRequest) => `${r.method} ${requestTarget(r)}`;

// Each row: the request a call builds, and the exact method + path + query it must produce.
const table: [string, () => KubeRequest, string][] = [
  // core group, namespaced
  ["list pods in a namespace", () => listRequest(Pod, "default"), "GET /api/v1/namespaces/default/pods"],
  ["list pods in all namespaces", () => listRequest(Pod, undefined), "GET /api/v1/pods"],
  [
    "list with every option",
    () =>
      listRequest(Pod, "kube-system", {
        labelSelector: "app=web,tier!=db",
        fieldSelector: "status.phase=Running",
        limit: 500,
        continue: "eyJ2IjoibWV0YS5rOHMuaW8vdjEifQ==",
        timeoutSeconds: 30,
      }),
    "GET /api/v1/namespaces/kube-system/pods?labelSelector=app%3Dweb%2Ctier!%3Ddb&fieldSelector=status.phase%3DRunning&limit=500&continue=eyJ2IjoibWV0YS5rOHMuaW8vdjEifQ%3D%3D&timeoutSeconds=30",
  ],
  [
    "list with resourceVersion match",
    () => listRequest(ConfigMap, "default", { resourceVersion: "0", resourceVersionMatch: "NotOlderThan" }),
    "GET /api/v1/namespaces/default/configmaps?resourceVersion=0&resourceVersionMatch=NotOlderThan",
  ],
  [
    "list with object selectors",
    () => listRequest(Pod, "default", { labelSelector: { app: "web" }, fieldSelector: { "spec.nodeName": "n1" } }),
    "GET /api/v1/namespaces/default/pods?labelSelector=app%3Dweb&fieldSelector=spec.nodeName%3Dn1",
  ],
  ["get a pod", () => getRequest(Pod, "default", "web-0"), "GET /api/v1/namespaces/default/pods/web-0"],
  [
    "get at resourceVersion 0",
    () => getRequest(Pod, "default", "web-0", { resourceVersion: "0" }),
    "GET /api/v1/namespaces/default/pods/web-0?resourceVersion=0",
  ],
  ["create a configmap", () => createRequest(ConfigMap, "default", { metadata: { name: "c" } }), "POST /api/v1/namespaces/default/configmaps"],
  [
    "create with write options",
    () => createRequest(ConfigMap, "default", { metadata: { name: "c" } }, { dryRun: true, fieldManager: "me", fieldValidation: "Strict" }),
    "POST /api/v1/namespaces/default/configmaps?dryRun=All&fieldManager=me&fieldValidation=Strict",
  ],
  ["replace a configmap", () => replaceRequest(ConfigMap, "default", { metadata: { name: "c" } }), "PUT /api/v1/namespaces/default/configmaps/c"],
  ["delete a pod", () => deleteRequest(Pod, "default", "web-0"), "DELETE /api/v1/namespaces/default/pods/web-0"],
  [
    "delete a collection",
    () => deleteCollectionRequest(ConfigMap, "default", { labelSelector: "x=y" }),
    "DELETE /api/v1/namespaces/default/configmaps?labelSelector=x%3Dy",
  ],
  ["watch pods in all namespaces", () => watchRequest(Pod, undefined), "GET /api/v1/pods?watch=true"],
  [
    "watch with options",
    () =>
      watchRequest(Pod, "default", {
        resourceVersion: "1234",
        allowWatchBookmarks: true,
        timeoutSeconds: 1800,
        labelSelector: { matchExpressions: [{ key: "app", operator: "Exists" }] },
      }),
    "GET /api/v1/namespaces/default/pods?watch=true&labelSelector=app&resourceVersion=1234&allowWatchBookmarks=true&timeoutSeconds=1800",
  ],
  [
    "streaming list watch",
    () => watchRequest(ConfigMap, "default", { sendInitialEvents: true, resourceVersionMatch: "NotOlderThan", allowWatchBookmarks: true }),
    "GET /api/v1/namespaces/default/configmaps?watch=true&resourceVersionMatch=NotOlderThan&sendInitialEvents=true&allowWatchBookmarks=true",
  ],
  // core group, cluster-scoped
  ["list namespaces", () => listRequest(Namespace, undefined), "GET /api/v1/namespaces"],
  ["get a namespace", () => getRequest(Namespace, undefined, "prod"), "GET /api/v1/namespaces/prod"],
  ["delete a namespace", () => deleteRequest(Namespace, undefined, "prod"), "DELETE /api/v1/namespaces/prod"],
  ["namespace status", () => subresourceGetRequest(Namespace, undefined, "prod", "status"), "GET /api/v1/namespaces/prod/status"],
  // named group, namespaced
  ["list deployments", () => listRequest(Deployment, "prod"), "GET /apis/apps/v1/namespaces/prod/deployments"],
  ["list deployments everywhere", () => listRequest(Deployment, undefined), "GET /apis/apps/v1/deployments"],
  ["get a deployment", () => getRequest(Deployment, "prod", "web"), "GET /apis/apps/v1/namespaces/prod/deployments/web"],
  ["get scale", () => subresourceGetRequest(Deployment, "prod", "web", "scale"), "GET /apis/apps/v1/namespaces/prod/deployments/web/scale"],
  [
    "replace scale",
    () => subresourceReplaceRequest(Deployment, "prod", "web", "scale", { spec: { replicas: 3 } }, {}, { apiVersion: "autoscaling/v1", kind: "Scale" }),
    "PUT /apis/apps/v1/namespaces/prod/deployments/web/scale",
  ],
  [
    "patch status",
    () => patchRequest(Deployment, "prod", { name: "web", subresource: "status" }, { type: "merge", patch: { status: {} } }),
    "PATCH /apis/apps/v1/namespaces/prod/deployments/web/status",
  ],
  [
    "apply with force",
    () =>
      applyRequest(Deployment, "prod", { apiVersion: "apps/v1", kind: "Deployment", metadata: { name: "web" } }, { fieldManager: "ci", force: true }),
    "PATCH /apis/apps/v1/namespaces/prod/deployments/web?fieldManager=ci&force=true",
  ],
  [
    "apply status",
    () =>
      applyRequest(Deployment, "prod", { apiVersion: "apps/v1", kind: "Deployment", metadata: { name: "web" }, status: {} }, { fieldManager: "ctl" }, "status"),
    "PATCH /apis/apps/v1/namespaces/prod/deployments/web/status?fieldManager=ctl",
  ],
  // named group, cluster-scoped
  ["list clusterroles", () => listRequest(ClusterRole, undefined), "GET /apis/rbac.authorization.k8s.io/v1/clusterroles"],
  [
    "get a clusterrole with a colon",
    () => getRequest(ClusterRole, undefined, "system:node-proxier"),
    "GET /apis/rbac.authorization.k8s.io/v1/clusterroles/system:node-proxier",
  ],
  [
    "delete clusterroles by label",
    () => deleteCollectionRequest(ClusterRole, undefined, { labelSelector: { team: "a" } }),
    "DELETE /apis/rbac.authorization.k8s.io/v1/clusterroles?labelSelector=team%3Da",
  ],
  [
    "csr approval",
    () => subresourceReplaceRequest(CertificateSigningRequest, undefined, "csr-1", "approval", { spec: {} }),
    "PUT /apis/certificates.k8s.io/v1/certificatesigningrequests/csr-1/approval",
  ],
  // custom resources
  ["list gitrepositories", () => listRequest(GitRepository, "flux-system"), "GET /apis/source.toolkit.fluxcd.io/v1/namespaces/flux-system/gitrepositories"],
  [
    "get a gitrepository",
    () => getRequest(GitRepository, "flux-system", "podinfo"),
    "GET /apis/source.toolkit.fluxcd.io/v1/namespaces/flux-system/gitrepositories/podinfo",
  ],
  [
    "gitrepository status",
    () => subresourceGetRequest(GitRepository, "flux-system", "podinfo", "status"),
    "GET /apis/source.toolkit.fluxcd.io/v1/namespaces/flux-system/gitrepositories/podinfo/status",
  ],
  ["cluster-scoped CRD", () => getRequest(GatewayClass, undefined, "istio"), "GET /apis/gateway.networking.k8s.io/v1/gatewayclasses/istio"],
  // pod and service account subresources
  [
    "logs",
    () => logRequest(Pod, "default", "web-0", { container: "app", tailLines: 100, timestamps: true }),
    "GET /api/v1/namespaces/default/pods/web-0/log?container=app&tailLines=100&timestamps=true",
  ],
  [
    "logs, every option",
    () =>
      logRequest(Pod, "default", "web-0", {
        follow: true,
        previous: true,
        sinceTime: new Date("2025-01-02T03:04:05.678Z"),
        limitBytes: 1024,
        insecureSkipTLSVerifyBackend: true,
      }),
    "GET /api/v1/namespaces/default/pods/web-0/log?follow=true&previous=true&sinceTime=2025-01-02T03%3A04%3A05Z&limitBytes=1024&insecureSkipTLSVerifyBackend=true",
  ],
  ["eviction", () => evictionRequest(Pod, "default", "web-0"), "POST /api/v1/namespaces/default/pods/web-0/eviction"],
  ["binding", () => bindingRequest(Pod, "default", "web-0", { name: "node-1" }), "POST /api/v1/namespaces/default/pods/web-0/binding"],
  [
    "ephemeral containers",
    () => subresourceGetRequest(Pod, "default", "web-0", "ephemeralcontainers"),
    "GET /api/v1/namespaces/default/pods/web-0/ephemeralcontainers",
  ],
  [
    "resize",
    () => patchRequest(Pod, "default", { name: "web-0", subresource: "resize" }, { type: "strategic", patch: { spec: {} } }),
    "PATCH /api/v1/namespaces/default/pods/web-0/resize",
  ],
  ["token", () => tokenRequest(ServiceAccount, "ci", "builder"), "POST /api/v1/namespaces/ci/serviceaccounts/builder/token"],
  // encoding
  ["name with a space and a hash", () => getRequest(ConfigMap, "default", "a b#c"), "GET /api/v1/namespaces/default/configmaps/a%20b%23c"],
  ["name with a question mark", () => getRequest(ConfigMap, "default", "x?y=1"), "GET /api/v1/namespaces/default/configmaps/x%3Fy=1"],
  ["name with unicode", () => getRequest(ConfigMap, "default", "é"), "GET /api/v1/namespaces/default/configmaps/%C3%A9"],
];

describe("request URLs", () => {
  it.each(table)("%s", (_name, build, expected) => {
    expect(line(build())).toBe(expected);
  });
});

describe("requestTarget", () => {
  it("repeats array values and leaves out undefined ones", () => {
    expect(requestTarget({ path: "/x", query: { a: ["1", "2"], b: undefined, c: false } })).toBe("/x?a=1&a=2&c=false");
  });
  it("has no '?' without query values", () => {
    expect(requestTarget({ path: "/x", query: { b: undefined } })).toBe("/x");
  });
});
