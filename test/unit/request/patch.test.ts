import { describe, expect, it } from "vitest";
import {
  applyRequest,
  isBuiltInGroup,
  patchRequest,
  requestTarget,
  supportsStrategicMerge,
  type Patch,
} from "../../../src/request/index.ts";
import { Deployment, GitRepository, type Deployment as DeploymentT } from "../../types/api-fixtures.ts";

// Each row: a tagged patch, the Content-Type it must be sent with, and the exact body.
const table: [Patch<DeploymentT>, string, string][] = [
  [
    { type: "json", patch: [{ op: "replace", path: "/spec/replicas", value: 2 }] },
    "application/json-patch+json",
    '[{"op":"replace","path":"/spec/replicas","value":2}]',
  ],
  [{ type: "merge", patch: { spec: { replicas: 2 }, metadata: { labels: null } } }, "application/merge-patch+json", '{"spec":{"replicas":2},"metadata":{"labels":null}}'],
  [
    { type: "strategic", patch: { spec: { template: { spec: { containers: [{ name: "app", image: "x:2" }] } } } } },
    "application/strategic-merge-patch+json",
    '{"spec":{"template":{"spec":{"containers":[{"name":"app","image":"x:2"}]}}}}',
  ],
  [
    { type: "apply", patch: { apiVersion: "apps/v1", kind: "Deployment", metadata: { name: "web" }, spec: { replicas: 3 } } },
    "application/apply-patch+yaml",
    '{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"web","namespace":"prod"},"spec":{"replicas":3}}',
  ],
];

describe("patch types carry their content type", () => {
  it.each(table)("%j", (patch, contentType, body) => {
    const params = patch.type === "apply" ? { fieldManager: "me" } : {};
    const r = patchRequest(Deployment, "prod", { name: "web" }, patch, params);
    expect(r.method).toBe("PATCH");
    expect(r.headers).toEqual({ "Content-Type": contentType });
    expect(r.body).toBe(body);
  });

  it("sends an apply body that parses as YAML to the same object", async () => {
    const { load } = await import("js-yaml");
    const r = applyRequest(Deployment, "prod", { apiVersion: "apps/v1", kind: "Deployment", metadata: { name: "web", annotations: { "a/b": "x: y" } } }, { fieldManager: "me" });
    expect(load(r.body!)).toEqual(JSON.parse(r.body!));
  });

  it("puts write options and force in the query", () => {
    const r = applyRequest(
      Deployment,
      "prod",
      { apiVersion: "apps/v1", kind: "Deployment", metadata: { name: "web" } },
      { fieldManager: "ci", force: true, dryRun: true, fieldValidation: "Strict" },
    );
    expect(requestTarget(r)).toBe("/apis/apps/v1/namespaces/prod/deployments/web?dryRun=All&fieldManager=ci&fieldValidation=Strict&force=true");
  });

  it("tolerates force: false on other patch types and sends no force at all", () => {
    const r = patchRequest(Deployment, "prod", { name: "web" }, { type: "merge", patch: {} }, { force: false });
    expect(requestTarget(r)).toBe("/apis/apps/v1/namespaces/prod/deployments/web");
  });
});

describe("strategic merge support", () => {
  it.each([
    ["", true],
    ["apps", true],
    ["networking.k8s.io", true],
    ["gateway.networking.k8s.io", false],
    ["source.toolkit.fluxcd.io", false],
    ["metrics.k8s.io", false],
  ])("group %j built in: %s", (group, expected) => {
    expect(isBuiltInGroup(group)).toBe(expected);
  });

  it("prefers the resource's custom flag", () => {
    expect(supportsStrategicMerge(GitRepository)).toBe(false);
    expect(supportsStrategicMerge({ group: "apps", custom: true })).toBe(false);
    expect(supportsStrategicMerge({ group: "example.com", custom: false })).toBe(true);
    expect(supportsStrategicMerge(Deployment)).toBe(true);
  });
});
