/**
 * The stubs of the real generated SDK (generated/ must exist: `npm run generate`, which
 * `npm test` runs first): every kind of every group/version module has exactly one stub,
 * and each stub hands the generic client that kind's resource value and the namespace.
 * No request is sent, so the connection is an inert stand-in.
 */
import { readdir } from "node:fs/promises";
import { join, relative } from "node:path";
import { pathToFileURL } from "node:url";
import { describe, expect, it } from "vitest";
import { stubFactoryName, stubMemberName } from "../../../codegen/stub-emitter.ts";
import type { ResourceType } from "../../../src/base/resource.ts";
import type { Connection } from "../../../src/connection/types.ts";
import { repoRoot } from "../../../specs/materialise.ts";

const generated = join(repoRoot, "generated");

async function modules(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...(await modules(path)));
    else if (entry.name === "index.ts") out.push(path);
  }
  return out.sort();
}

type Client = { resource: ResourceType; namespace: string | undefined };
type Stub = ((namespace?: string) => Client) & { all?: () => Client };

function isResourceValue(value: unknown): value is ResourceType {
  return typeof value === "object" && value !== null && "plural" in value && "verbs" in value && "namespaced" in value;
}

const connection = {} as Connection;
const paths = await modules(generated);

describe("generated stubs", () => {
  it("covers the families that have kinds", () => {
    const dirs = paths.map((p) => relative(generated, p));
    for (const d of ["k8s/core/v1/index.ts", "k8s/apps/v1/index.ts", "flux/source/v1/index.ts", "flux/helm/v2/index.ts"]) expect(dirs).toContain(d);
  });

  it.each(paths.map((p) => [relative(generated, p), p] as const))("%s", async (_, path) => {
    const mod = (await import(pathToFileURL(path).href)) as Record<string, unknown>;
    const kinds = Object.entries(mod).filter((e): e is [string, ResourceType] => isResourceValue(e[1]));
    const dir = relative(generated, path).split("/").slice(1, -1).join("/");
    const factory = mod[stubFactoryName(dir)];
    if (kinds.length === 0) {
      // Schema-only modules (meta/v1) carry no values and no stubs.
      expect(factory).toBeUndefined();
      return;
    }
    expect(typeof factory).toBe("function");
    const stubs = (factory as (conn: Connection) => Record<string, Stub>)(connection);
    expect(Object.keys(stubs).sort()).toEqual(kinds.map(([, r]) => stubMemberName(r.kind, r.plural)).sort());
    for (const [name, resource] of kinds) {
      expect(name).toBe(resource.kind);
      const stub = stubs[stubMemberName(resource.kind, resource.plural)] as Stub;
      if (!resource.namespaced) {
        expect(stub.length, `${resource.kind} takes no namespace`).toBe(0);
        expect(stub()).toMatchObject({ resource, namespace: undefined });
        expect(stub.all).toBeUndefined();
        continue;
      }
      expect(stub("team-a")).toMatchObject({ resource, namespace: "team-a" });
      if (resource.verbs.includes("list") || resource.verbs.includes("watch")) {
        expect(stub.all?.()).toMatchObject({ resource, namespace: undefined });
      } else {
        expect(stub.all, `${resource.kind} cannot be listed across namespaces`).toBeUndefined();
      }
    }
  });
});
