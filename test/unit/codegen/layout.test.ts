import { describe, expect, it } from "vitest";
import { layoutModel, setOfGroup, shortGroupDir } from "../../../codegen/layout.ts";
import type { ApiModel, KindModel } from "../../../codegen/model.ts";
import { relativeSpecifier } from "../../../codegen/import-paths.ts";

describe("groups to folders", () => {
  it.each([
    ["", "k8s", "core"],
    ["apps", "k8s", "apps"],
    ["networking.k8s.io", "k8s", "networking"],
    ["rbac.authorization.k8s.io", "k8s", "rbac"],
    ["flowcontrol.apiserver.k8s.io", "k8s", "flowcontrol"],
    ["source.toolkit.fluxcd.io", "flux", "source"],
    ["image.toolkit.fluxcd.io", "flux", "image"],
    ["cert-manager.io", "crds", "cert-manager.io"],
  ])("%j → %s/%s", (group, set, dir) => {
    expect(setOfGroup(group)).toBe(set);
    expect(shortGroupDir(group)).toBe(dir);
  });
});

function kind(group: string, version: string, name: string, schema: string): KindModel {
  return { group, version, kind: name, listKind: `${name}List`, plural: `${name.toLowerCase()}s`, namespaced: true, verbs: ["get"], subresources: [], schema };
}

describe("layoutModel", () => {
  const model: ApiModel = {
    kinds: [
      kind("a.k8s.io", "v1", "Thing", "io.k8s.api.a.v1.Thing"),
      kind("a.other.k8s.io", "v1", "Other", "io.k8s.api.aother.v1.Other"),
      kind("", "v1", "Event", "io.k8s.api.core.v1.Event"),
    ],
    schemas: new Map([
      ["io.k8s.api.a.v1.Thing", {}],
      ["io.k8s.api.a.v1.ThingSpec", {}],
      ["io.k8s.api.aother.v1.Other", {}],
      ["io.k8s.api.core.v1.Event", {}],
      ["io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta", {}],
      ["io.k8s.apimachinery.pkg.runtime.RawExtension", {}],
      ["io.k8s.apimachinery.pkg.apis.meta.v1.Event", {}],
      ["io.k8s.apimachinery.pkg.runtime.Unknown", {}],
      ["io.k8s.apimachinery.pkg.apis.meta.v1.Unknown", {}],
    ]),
  };
  const layout = layoutModel(model);

  it("falls back to the full group name when two groups share a short folder", () => {
    expect(layout.placements.get("io.k8s.api.a.v1.Thing")).toEqual({ module: "k8s/a.k8s.io/v1/index.ts", name: "Thing" });
    expect(layout.placements.get("io.k8s.api.aother.v1.Other")).toEqual({ module: "k8s/a.other.k8s.io/v1/index.ts", name: "Other" });
  });

  it("puts every apimachinery schema in k8s/meta/v1 and renames a clash there", () => {
    expect(layout.placements.get("io.k8s.apimachinery.pkg.runtime.RawExtension")?.module).toBe("k8s/meta/v1/index.ts");
    expect(layout.placements.get("io.k8s.apimachinery.pkg.apis.meta.v1.Event")).toEqual({ module: "k8s/meta/v1/index.ts", name: "Event" });
    expect(layout.placements.get("io.k8s.api.core.v1.Event")).toEqual({ module: "k8s/core/v1/index.ts", name: "Event" });
    expect(layout.placements.get("io.k8s.apimachinery.pkg.apis.meta.v1.Unknown")?.name).toBe("Unknown");
    expect(layout.placements.get("io.k8s.apimachinery.pkg.runtime.Unknown")?.name).toBe("PkgRuntimeUnknown");
  });

  it("places a schema of a kind's package beside the kind", () => {
    expect(layout.placements.get("io.k8s.api.a.v1.ThingSpec")?.module).toBe("k8s/a.k8s.io/v1/index.ts");
  });
});

describe("relativeSpecifier", () => {
  it.each([
    ["k8s/apps/v1/index.ts", "k8s/core/v1/index.ts", "../../core/v1/index.ts"],
    ["k8s/apps/v1/index.ts", "k8s/apps/v1/other.ts", "./other.ts"],
    ["k8s/resources.ts", "k8s/apps/v1/index.ts", "./apps/v1/index.ts"],
    ["flux/source/v1/index.ts", "k8s/meta/v1/index.ts", "../../../k8s/meta/v1/index.ts"],
    ["k8s/apps/v1/index.ts", "../src/base/resource.ts", "../../../../src/base/resource.ts"],
  ])("%s → %s", (from, to, expected) => {
    expect(relativeSpecifier(from, to)).toBe(expected);
  });
});
