import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ApiError } from "../../../src/base/errors.ts";
import { applySetId, toolName } from "../../../src/manifests/applyset.ts";
import { conflictsOf } from "../../../src/manifests/diff.ts";
import { fieldChanges } from "../../../src/manifests/field-changes.ts";
import { formatPath, ownersOf, parseFieldsV1 } from "../../../src/manifests/managed-fields.ts";
import { maskSecrets } from "../../../src/manifests/normalize.ts";
import { formatGroupKind, parseGroupKind } from "../../../src/manifests/object-id.ts";
import { unifiedDiff } from "../../../src/manifests/text-diff.ts";

/** Rebuilds both sides from a one-hunk diff (context large enough to hold every line). */
function sides(diff: string): [string[], string[]] {
  const body = diff.split("\n").slice(3).filter((l) => l !== "");
  return [body.filter((l) => !l.startsWith("+")).map((l) => l.slice(1)), body.filter((l) => !l.startsWith("-")).map((l) => l.slice(1))];
}

describe("unifiedDiff", () => {
  it("is a valid edit script: its lines rebuild both texts", () => {
    const lines = fc.array(fc.constantFrom("a", "b", "c", "d", "e"), { maxLength: 40 });
    fc.assert(
      fc.property(lines, lines, (a, b) => {
        const before = a.map((l) => `${l}\n`).join("");
        const after = b.map((l) => `${l}\n`).join("");
        const diff = unifiedDiff(before, after, "x", "y", 1e9);
        if (before === after) expect(diff).toBe("");
        else expect(sides(diff)).toEqual([a, b]);
      }),
      { numRuns: 500 },
    );
  });

  it("stays bounded on totally different large texts", () => {
    const a = Array.from({ length: 6000 }, (_, i) => `a${i}`).join("\n");
    const b = Array.from({ length: 6000 }, (_, i) => `b${i}`).join("\n");
    const started = performance.now();
    const diff = unifiedDiff(a, b, "x", "y");
    expect(diff.split("\n").filter((l) => l.startsWith("-a")).length).toBe(6000);
    expect(performance.now() - started).toBeLessThan(20_000);
  });
});

describe("field changes and ownership", () => {
  const fieldsV1 = {
    "f:spec": {
      "f:replicas": {},
      "f:template": { "f:spec": { "f:containers": { 'k:{"name":"web"}': { ".": {}, "f:image": {}, "f:name": {} } } } },
      "f:finalizers": { 'v:"a"': {} },
    },
  };
  const live = {
    metadata: { managedFields: [{ manager: "kubectl", operation: "Update", apiVersion: "apps/v1", fieldsV1 }] },
    spec: { replicas: 1, template: { spec: { containers: [{ name: "web", image: "a:1" }, { name: "side", image: "s:1" }] } }, finalizers: ["a", "b"], args: ["x"] },
  };

  it("walks maps by key, keyed lists by their keys, set lists by value, other lists whole", () => {
    const after = structuredClone(live) as typeof live;
    after.spec.replicas = 2;
    after.spec.template.spec.containers[0]!.image = "a:2";
    after.spec.finalizers = ["b", "c"];
    after.spec.args = ["y"];
    const sets = [parseFieldsV1(fieldsV1)];
    const changes = fieldChanges(live.spec, after.spec, []).map((c) => c.path);
    expect(changes).toEqual([".args", ".finalizers", ".replicas", ".template.spec.containers"]);
    const withSets = fieldChanges(live, after, sets).map((c) => [c.path, c.before, c.after]);
    expect(withSets).toEqual([
      [".spec.args", ["x"], ["y"]],
      ['.spec.finalizers[="a"]', "a", undefined],
      ['.spec.finalizers[="c"]', undefined, "c"],
      [".spec.replicas", 1, 2],
      ['.spec.template.spec.containers[name="web"].image', "a:1", "a:2"],
    ]);
  });

  it("names the managers owning a path or anything under it", () => {
    const path = [{ field: "spec" }, { field: "template" }, { field: "spec" }, { field: "containers" }, { key: { name: "web" } }, { field: "image" }];
    expect(formatPath(path)).toBe('.spec.template.spec.containers[name="web"].image');
    expect(ownersOf(live, path).map((o) => o.manager)).toEqual(["kubectl"]);
    expect(ownersOf(live, [{ field: "spec" }, { field: "args" }])).toEqual([]);
    expect(ownersOf(live, [{ field: "spec" }])[0]).toEqual({ manager: "kubectl", operation: "Update", apiVersion: "apps/v1", time: undefined, subresource: undefined });
  });

  it("reads conflicts from a server-side apply 409", () => {
    const error = new ApiError({
      kind: "Status",
      code: 409,
      reason: "Conflict",
      details: { causes: [{ reason: "FieldManagerConflict", message: 'conflict with "kubectl-client-side-apply" using apps/v1', field: ".spec.replicas" }] },
    });
    expect(conflictsOf(error)).toEqual([{ path: ".spec.replicas", manager: "kubectl-client-side-apply", message: 'conflict with "kubectl-client-side-apply" using apps/v1' }]);
    expect(conflictsOf(new ApiError({ code: 409, reason: "AlreadyExists" }))).toEqual([]);
  });

  it("masks Secret values as kubectl diff does", () => {
    const before = { apiVersion: "v1", kind: "Secret", data: { same: "eA==", changed: "eQ==" } };
    const after = { apiVersion: "v1", kind: "Secret", data: { same: "eA==", changed: "eg==", added: "dw==" } };
    expect(maskSecrets(before, after)).toEqual([
      { apiVersion: "v1", kind: "Secret", data: { same: "***", changed: "*** (before)" } },
      { apiVersion: "v1", kind: "Secret", data: { same: "***", changed: "*** (after)", added: "***" } },
    ]);
  });
});

describe("ApplySet identity", () => {
  it("computes the id kubectl computed for a Secret parent (a vector taken from kubectl 1.37)", () => {
    expect(applySetId({ name: "kc-set", namespace: "gx-probe", kind: "Secret", group: "" })).toBe("applyset-jAswq5GZXVUaIamrkZnDG5VlF89_1MGHGf3Tn4iup8g-v1");
  });

  it("reads tool names and group-kinds the way kubectl does", () => {
    expect(toolName("kubectl/v1.37.2")).toBe("kubectl");
    expect(toolName("example.com/tool/v1")).toBe("example.com/tool");
    expect(parseGroupKind("Kustomization.kustomize.toolkit.fluxcd.io")).toEqual({ kind: "Kustomization", group: "kustomize.toolkit.fluxcd.io" });
    expect(formatGroupKind(parseGroupKind("Secret"))).toBe("Secret");
  });
});
