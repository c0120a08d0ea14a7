import { describe, expect, expectTypeOf, test } from "vitest";
import { ValidationError } from "../../../src/base/errors.ts";
import { FluxClient } from "../../../src/flux/flux-client.ts";
import {
  FLUX_RESOURCES,
  describeRef,
  fluxApiVersion,
  fluxRefOf,
  isReconcilableKind,
  type FluxObjectOf,
  type FluxRef,
} from "../../../src/flux/kinds.ts";
import type { HelmRelease } from "../../../generated/flux/helm/v2/index.ts";
import type { Alert } from "../../../generated/flux/notification/v1beta3/index.ts";
import type { GitRepository } from "../../../generated/flux/source/v1/index.ts";
import type { Connection } from "../../../src/connection/types.ts";

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

test("types: targets map to their object type, and unreconcilable kinds do not compile", () => {
  expectTypeOf<FluxObjectOf<FluxRef<"GitRepository">>>().toEqualTypeOf<GitRepository>();
  expectTypeOf<FluxObjectOf<HelmRelease>>().toEqualTypeOf<HelmRelease>();

  const flux = new FluxClient({ server: "https://x", namespace: "d", contextName: undefined, send: () => Promise.reject(new Error("offline")), close: () => {} } satisfies Connection);
  const alert: Alert = { kind: "Alert", metadata: { name: "a", namespace: "n" }, spec: { providerRef: { name: "p" }, eventSources: [] } };
  // Type-only checks: these calls are never awaited against a server.
  const typeOnly = (): void => {
    // @ts-expect-error Alerts have no reconciler
    void flux.reconcile(alert);
    // @ts-expect-error ExternalArtifact cannot be suspended
    void flux.suspend({ kind: "ExternalArtifact", name: "a", namespace: "n" });
    // @ts-expect-error credentials are read for GitRepositories only
    void flux.credentials({ kind: "OCIRepository", name: "a", namespace: "n" });
    // @ts-expect-error not a Flux kind
    void flux.status({ kind: "Deployment", name: "a", namespace: "n" });
    expectTypeOf(flux.waitForReady({ kind: "HelmRelease", name: "a", namespace: "n" })).resolves.toEqualTypeOf<HelmRelease>();
  };
  expect(typeof typeOnly).toBe("function");
});

test("FluxClient refuses one manager for both full applies and spec.suspend", () => {
  const conn = { server: "https://x", namespace: "d", contextName: undefined, send: () => Promise.reject(new Error("offline")), close: () => {} };
  expect(() => new FluxClient(conn, { fieldManager: "a", suspendFieldManager: "a" })).toThrow(ValidationError);
  expect(new FluxClient(conn, { fieldManager: "svc" }).fieldManager).toBe("svc");
});
