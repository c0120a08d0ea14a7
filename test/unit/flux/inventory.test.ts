import fc from "fast-check";
import { describe, expect, test } from "vitest";
import { ValidationError } from "../../../src/base/errors.ts";
import { describeObject, inventoryOf, parseInventoryEntry } from "../../../src/flux/inventory.ts";

describe("parseInventoryEntry", () => {
  test.each([
    [{ id: "apps_settings__ConfigMap", v: "v1" }, { apiVersion: "v1", kind: "ConfigMap", name: "settings", namespace: "apps" }],
    [{ id: "apps_web_apps_Deployment", v: "v1" }, { apiVersion: "apps/v1", kind: "Deployment", name: "web", namespace: "apps" }],
    [{ id: "_apps__Namespace", v: "v1" }, { apiVersion: "v1", kind: "Namespace", name: "apps", namespace: undefined }],
    [
      { id: "_system__controller_rbac.authorization.k8s.io_ClusterRole", v: "v1" },
      { apiVersion: "rbac.authorization.k8s.io/v1", kind: "ClusterRole", name: "system:controller", namespace: undefined },
    ],
    [{ id: "flux-system_apps_kustomize.toolkit.fluxcd.io_Kustomization", v: "v1" }, { apiVersion: "kustomize.toolkit.fluxcd.io/v1", kind: "Kustomization", name: "apps", namespace: "flux-system" }],
    [{ id: "ns_a.b-c__d__ConfigMap", v: "v1" }, { apiVersion: "v1", kind: "ConfigMap", name: "a.b-c:d", namespace: "ns" }],
  ])("%j", (entry, expected) => {
    expect(parseInventoryEntry(entry)).toEqual(expected);
  });

  test.each([["nounderscores"], ["ns_name"], ["ns__"], ["ns_name_group_"]])("rejects %s with a ValidationError naming it", (id) => {
    const error = (() => {
      try {
        parseInventoryEntry({ id, v: "v1" });
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as Error).message).toContain(JSON.stringify(id));
  });

  test("an entry without a version is rejected", () => {
    expect(() => parseInventoryEntry({ id: "ns_n__ConfigMap", v: "" })).toThrow(ValidationError);
  });

  test("property: parses back what cli-utils' format writes", () => {
    const dns = fc.stringMatching(/^[a-z0-9]([a-z0-9.-]{0,20}[a-z0-9])?$/);
    const name = fc.array(dns, { minLength: 1, maxLength: 3 }).map((parts) => parts.join(":"));
    const group = fc.oneof(fc.constant(""), fc.stringMatching(/^[a-z]{1,8}(\.[a-z]{1,8}){0,3}$/));
    const kind = fc.stringMatching(/^[A-Z][A-Za-z]{0,15}$/);
    fc.assert(
      fc.property(fc.option(dns, { nil: undefined }), name, group, kind, fc.stringMatching(/^v[1-9][a-z0-9]{0,6}$/), (ns, n, g, k, v) => {
        const id = `${ns ?? ""}_${n.replaceAll(":", "__")}_${g}_${k}`;
        expect(parseInventoryEntry({ id, v })).toEqual({ apiVersion: g ? `${g}/${v}` : v, kind: k, name: n, namespace: ns });
      }),
    );
  });
});

test("inventoryOf: undefined without an inventory, the entries in order with one", () => {
  expect(inventoryOf({ status: {} })).toBeUndefined();
  const objects = inventoryOf({ status: { inventory: { entries: [{ id: "a_web_apps_Deployment", v: "v1" }, { id: "a_web__Service", v: "v1" }] } } });
  expect(objects?.map(describeObject)).toEqual(["Deployment/a/web", "Service/a/web"]);
  expect(describeObject({ kind: "Namespace", name: "a", namespace: undefined })).toBe("Namespace/a");
});
