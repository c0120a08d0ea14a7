import { describe, expect, it } from "vitest";
import {
  bindingRequest,
  createRequest,
  deleteCollectionRequest,
  deleteRequest,
  evictionRequest,
  replaceRequest,
  requestTarget,
  subresourceReplaceRequest,
  tokenRequest,
} from "../../../src/request/index.ts";
import { ConfigMap, Deployment, Namespace, Pod, ServiceAccount } from "../../types/api-fixtures.ts";

describe("request bodies and headers", () => {
  it("create fills in apiVersion, kind and namespace, identity first", () => {
    const r = createRequest(ConfigMap, "default", { data: { a: "1" }, metadata: { name: "c", labels: { x: "y" } } });
    expect(r.headers).toEqual({ "Content-Type": "application/json" });
    expect(r.body).toBe(
      '{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"c","namespace":"default","labels":{"x":"y"}},"data":{"a":"1"}}',
    );
  });

  it("create of a cluster-scoped kind adds no namespace", () => {
    const r = createRequest(Namespace, undefined, { metadata: { name: "prod" } });
    expect(r.body).toBe('{"apiVersion":"v1","kind":"Namespace","metadata":{"name":"prod"}}');
  });

  it("create keeps generateName and adds no name", () => {
    const r = createRequest(ConfigMap, "default", { metadata: { generateName: "c-" } });
    expect(JSON.parse(r.body!)).toEqual({ apiVersion: "v1", kind: "ConfigMap", metadata: { namespace: "default", generateName: "c-" } });
  });

  it("replace sends the whole object", () => {
    const r = replaceRequest(Deployment, "prod", { metadata: { name: "web", resourceVersion: "7" }, spec: { replicas: 1 } });
    expect(JSON.parse(r.body!)).toEqual({
      apiVersion: "apps/v1",
      kind: "Deployment",
      metadata: { name: "web", namespace: "prod", resourceVersion: "7" },
      spec: { replicas: 1 },
    });
  });

  it("delete without options sends no body", () => {
    const r = deleteRequest(Pod, "default", "web-0", {});
    expect(r.body).toBeUndefined();
    expect(r.headers).toBeUndefined();
  });

  it("delete options become a DeleteOptions body", () => {
    const r = deleteRequest(Deployment, "prod", "web", {
      propagationPolicy: "Foreground",
      gracePeriodSeconds: 0,
      preconditions: { uid: "u-1", resourceVersion: "9" },
      dryRun: true,
    });
    expect(r.headers).toEqual({ "Content-Type": "application/json" });
    expect(JSON.parse(r.body!)).toEqual({
      gracePeriodSeconds: 0,
      propagationPolicy: "Foreground",
      preconditions: { uid: "u-1", resourceVersion: "9" },
      dryRun: ["All"],
    });
  });

  it("deleteCollection splits list options (query) from delete options (body)", () => {
    const r = deleteCollectionRequest(ConfigMap, "default", { labelSelector: "a=b", propagationPolicy: "Background" });
    expect(requestTarget(r)).toBe("/api/v1/namespaces/default/configmaps?labelSelector=a%3Db");
    expect(JSON.parse(r.body!)).toEqual({ propagationPolicy: "Background" });
  });

  it("eviction carries a policy/v1 Eviction", () => {
    const r = evictionRequest(Pod, "default", "web-0", { gracePeriodSeconds: 5 });
    expect(JSON.parse(r.body!)).toEqual({
      apiVersion: "policy/v1",
      kind: "Eviction",
      metadata: { name: "web-0", namespace: "default" },
      deleteOptions: { gracePeriodSeconds: 5 },
    });
  });

  it("binding carries a v1 Binding to a node", () => {
    const r = bindingRequest(Pod, "default", "web-0", { name: "node-1" });
    expect(JSON.parse(r.body!)).toEqual({
      apiVersion: "v1",
      kind: "Binding",
      metadata: { name: "web-0", namespace: "default" },
      target: { apiVersion: "v1", kind: "Node", name: "node-1" },
    });
  });

  it("token carries a TokenRequest", () => {
    const r = tokenRequest(ServiceAccount, "ci", "builder", { audiences: ["vault"], expirationSeconds: 3600 });
    expect(JSON.parse(r.body!)).toEqual({
      apiVersion: "authentication.k8s.io/v1",
      kind: "TokenRequest",
      metadata: { name: "builder", namespace: "ci" },
      spec: { audiences: ["vault"], expirationSeconds: 3600 },
    });
  });

  it("scale replace identifies the body as autoscaling/v1 Scale", () => {
    const r = subresourceReplaceRequest(Deployment, "prod", "web", "scale", { spec: { replicas: 3 } }, {}, {
      apiVersion: "autoscaling/v1",
      kind: "Scale",
    });
    expect(JSON.parse(r.body!)).toEqual({
      apiVersion: "autoscaling/v1",
      kind: "Scale",
      metadata: { name: "web", namespace: "prod" },
      spec: { replicas: 3 },
    });
  });
});
