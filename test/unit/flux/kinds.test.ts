import { describe, expect, test } from "vitest";
import { ValidationError } from "../../../src/base/errors.ts";
import { FluxClient } from "../../../src/flux/flux-client.ts";
import {
  FLUX_RESOURCES,
  describeRef,
  fluxApiVersion,
  fluxRefOf,
  isReconcilableKind,
} from "../../../src/flux/kinds.ts";
import type { HelmRelease } from "../../../generated/flux/helm/v2/index.ts";

describe("fluxRefOf", () => {
  test("from a reference and from an object", () => {
    expect(fluxRefOf({ kind: "GitRepository", name: "podinfo", namespace: "flux-system" })).toEqual({
      kind: "GitRepository",
      name: "podinfo",
      namespace: "flux-system",
    });
    const hr: HelmRelease = {
      apiVersion: "helm.toolkit.fluxcd.io/v2",
      kind: "HelmRelease",
      metadata: { name: "web", namespace: "apps" },
      spec: { interval: "1m" },
    };
    expect(fluxRefOf(hr)).toEqual({ kind: "HelmRelease", name: "web", namespace: "apps" });
  });

  test.each([
    ["an object without kind", { metadata: { name: "a", namespace: "b" } }, /kind is missing/],
    ["a kind Flux does not have", { kind: "Deployment", name: "a", namespace: "b" }, /not a Flux kind: "Deployment"/],
    ["no name", { kind: "Bucket", metadata: { namespace: "b" } }, /Bucket target has no name/],
    ["no namespace", { kind: "Bucket", name: "a" }, /Bucket a: the target has no namespace/],
    ["another API group", { apiVersion: "example.com/v1", kind: "Bucket", metadata: { name: "a", namespace: "b" } }, /not in group source.toolkit.fluxcd.io/],
  ])("rejects %s", (_name, target, message) => {
    expect(() => fluxRefOf(target as never)).toThrow(ValidationError);
    expect(() => fluxRefOf(target as never)).toThrow(message);
  });

  test("an older version of the same group is accepted (the SDK reads its own version)", () => {
    expect(fluxRefOf({ apiVersion: "source.toolkit.fluxcd.io/v1beta2", kind: "GitRepository", metadata: { name: "a", namespace: "b" } } as never).kind).toBe("GitRepository");
  });
});

test("the table and helpers agree with the generated resources", () => {
  for (const [kind, resource] of Object.entries(FLUX_RESOURCES)) {
    expect(resource.kind).toBe(kind);
    expect(resource.namespaced).toBe(true);
    expect(fluxApiVersion(kind as keyof typeof FLUX_RESOURCES)).toBe(`${resource.group}/${resource.version}`);
  }
  expect(["Alert", "Provider", "ExternalArtifact"].filter(isReconcilableKind)).toEqual([]);
  expect(Object.keys(FLUX_RESOURCES).filter(isReconcilableKind)).toHaveLength(11);
  expect(describeRef({ kind: "Kustomization", name: "apps", namespace: "flux-system" })).toBe("Kustomization flux-system/apps");
});

test("FluxClient refuses one manager for both full applies and spec.suspend", () => {
  const conn = { server: "https://x", namespace: "d", contextName: undefined, send: () => Promise.reject(new Error("offline")), close: () => {} };
  expect(() => new FluxClient(conn, { fieldManager: "a", suspendFieldManager: "a" })).toThrow(ValidationError);
  expect(new FluxClient(conn, { fieldManager: "svc" }).fieldManager).toBe("svc");
});
