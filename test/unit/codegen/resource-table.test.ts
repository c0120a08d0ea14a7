/**
 * The generated resource tables against the kind modules they come from: every entry is the
 * module's own ResourceType value (the same object, not a copy), keyed by its apiVersion and
 * kind, and every kind value of every module is in its family's table.
 */
import { readdirSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { apiVersionOf, type ResourceType } from "../../../src/base/resource.ts";
import { resources as k8s } from "../../../generated/k8s/resources.ts";
import { resources as flux } from "../../../generated/flux/resources.ts";
import { Deployment } from "../../../generated/k8s/apps/v1/index.ts";

const generated = fileURLToPath(new URL("../../../generated/", import.meta.url));

/** Every module index.ts of a family: <family>/<group>/<version>/index.ts. */
function modules(family: string): string[] {
  const out: string[] = [];
  for (const group of readdirSync(`${generated}${family}`, { withFileTypes: true })) {
    if (!group.isDirectory()) continue;
    for (const version of readdirSync(`${generated}${family}/${group.name}`)) out.push(`${generated}${family}/${group.name}/${version}/index.ts`);
  }
  return out;
}

function isResourceType(value: unknown): value is ResourceType {
  return typeof value === "object" && value !== null && "plural" in value && "verbs" in value && "namespaced" in value;
}

describe.each([
  ["k8s", k8s as Record<string, ResourceType>],
  ["flux", flux as Record<string, ResourceType>],
])("the %s resource table", (family, table) => {
  it("holds each module's own kind values, keyed by apiVersion/kind, and nothing else", async () => {
    const values: ResourceType[] = [];
    for (const file of modules(family)) {
      for (const value of Object.values(await import(file))) if (isResourceType(value)) values.push(value);
    }
    expect(values.length).toBeGreaterThan(10);
    for (const value of values) expect(table[`${apiVersionOf(value)}/${value.kind}`]).toBe(value);
    expect(Object.keys(table).length).toBe(values.length);
    for (const [key, entry] of Object.entries(table)) expect(key).toBe(`${apiVersionOf(entry)}/${entry.kind}`);
  });
});

it("an entry keeps the kind's scope, verbs and subresources", () => {
  expect(k8s["apps/v1/Deployment"]).toBe(Deployment);
  expect(k8s["v1/ConfigMap"].subresources).toEqual([]);
  expect(k8s["apps/v1/Deployment"].subresources).toEqual(["scale", "status"]);
});
