import { execFile } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { applyEnums, parseEnumTable, type EnumTable } from "../../../codegen/enum-overlay.ts";
import type { ApiModel, SchemaObject } from "../../../codegen/model.ts";
import { repoRoot } from "../../../specs/materialise.ts";

/** Both key spellings of zz_generated.openapi.go (string literals until 1.35, OpenAPIModelName() calls from 1.36). */
const goSource = `package openapi

import (
	common "k8s.io/kube-openapi/pkg/common"
	spec "k8s.io/kube-openapi/pkg/validation/spec"
	appsv1 "k8s.io/api/apps/v1"
	resource "k8s.io/apimachinery/pkg/api/resource"
)

func GetOpenAPIDefinitions(ref common.ReferenceCallback) map[string]common.OpenAPIDefinition {
	return map[string]common.OpenAPIDefinition{
		"k8s.io/api/core/v1.PodSpec":                 schema_k8sio_api_core_v1_PodSpec(ref),
		appsv1.DeploymentStrategy{}.OpenAPIModelName(): schema_k8sio_api_apps_v1_DeploymentStrategy(ref),
		resource.Quantity{}.OpenAPIModelName():         schema_quantity(ref),
	}
}

func schema_k8sio_api_core_v1_PodSpec(ref common.ReferenceCallback) common.OpenAPIDefinition {
	return common.OpenAPIDefinition{
		Schema: spec.Schema{
			SchemaProps: spec.SchemaProps{
				Type: []string{"object"},
				Properties: map[string]spec.Schema{
					"restartPolicy": {SchemaProps: spec.SchemaProps{Type: []string{"string"}, Enum: []interface{}{"Always", "Never", "OnFailure"}}},
					"modes": {SchemaProps: spec.SchemaProps{Type: []string{"array"}, Items: &spec.SchemaOrArray{Schema: &spec.Schema{SchemaProps: spec.SchemaProps{Type: []string{"string"}, Enum: []interface{}{"A", "B"}}}}}},
					"byName": {SchemaProps: spec.SchemaProps{Type: []string{"object"}, AdditionalProperties: &spec.SchemaOrBool{Allows: true, Schema: &spec.Schema{SchemaProps: spec.SchemaProps{Type: []string{"string"}, Enum: []interface{}{"X"}}}}}},
					"plain": {SchemaProps: spec.SchemaProps{Type: []string{"string"}}},
				},
			},
		},
	}
}

func schema_k8sio_api_apps_v1_DeploymentStrategy(ref common.ReferenceCallback) common.OpenAPIDefinition {
	return common.OpenAPIDefinition{Schema: spec.Schema{SchemaProps: spec.SchemaProps{Properties: map[string]spec.Schema{
		"type": {SchemaProps: spec.SchemaProps{Type: []string{"string"}, Enum: []interface{}{"Recreate", "RollingUpdate"}}},
	}}}}
}

func schema_quantity(ref common.ReferenceCallback) common.OpenAPIDefinition {
	return common.EmbedOpenAPIDefinitionIntoV2Extension(common.OpenAPIDefinition{Schema: spec.Schema{}}, common.OpenAPIDefinition{Schema: spec.Schema{}})
}
`;

function runExtractor(file: string): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) =>
    execFile("go", ["run", ".", file], { cwd: join(repoRoot, "codegen", "enums") }, (error, stdout, stderr) =>
      resolve({ code: error ? 1 : 0, stdout, stderr }),
    ),
  );
}

describe("codegen/enums (go/ast over zz_generated.openapi.go)", () => {
  it("reads enums under both key spellings, in properties, items and additionalProperties", async () => {
    const dir = await mkdtemp(join(tmpdir(), "bun-k8s-enums-"));
    try {
      await writeFile(join(dir, "zz.go"), goSource);
      const result = await runExtractor(join(dir, "zz.go"));
      expect(result.stderr).toBe("");
      const table = parseEnumTable(result.stdout, "test");
      expect(table.models).toBe(3);
      expect(table.enums).toEqual([
        { schema: "io.k8s.api.apps.v1.DeploymentStrategy", path: ["properties", "type"], values: ["Recreate", "RollingUpdate"] },
        { schema: "io.k8s.api.core.v1.PodSpec", path: ["properties", "byName", "additionalProperties"], values: ["X"] },
        { schema: "io.k8s.api.core.v1.PodSpec", path: ["properties", "modes", "items"], values: ["A", "B"] },
        { schema: "io.k8s.api.core.v1.PodSpec", path: ["properties", "restartPolicy"], values: ["Always", "Never", "OnFailure"] },
      ]);
      await writeFile(join(dir, "bad.go"), "package openapi\nfunc Other() {}\n");
      const bad = await runExtractor(join(dir, "bad.go"));
      expect(bad.code).toBe(1);
      expect(bad.stderr).toContain("has no GetOpenAPIDefinitions");
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }, 120_000);
});

describe("applyEnums", () => {
  const model = (): ApiModel => ({
    kinds: [],
    schemas: new Map<string, SchemaObject>([
      ["io.k8s.api.apps.v1.DeploymentStrategy", { type: "object", properties: { type: { type: "string", description: "Type." } } }],
      ["io.k8s.api.core.v1.PodSpec", { type: "object", properties: { modes: { type: "array", items: { type: "string" } }, count: { type: "integer" } } }],
    ]),
  });
  const table = (enums: EnumTable["enums"]): EnumTable => ({ models: 2, enums });

  it("sets each enum on its field and leaves the input model alone", () => {
    const input = model();
    const out = applyEnums(input, table([
      { schema: "io.k8s.api.apps.v1.DeploymentStrategy", path: ["properties", "type"], values: ["Recreate", "RollingUpdate"] },
      { schema: "io.k8s.api.core.v1.PodSpec", path: ["properties", "modes", "items"], values: ["A"] },
      // A model the documents do not publish (an unserved version): nothing to type.
      { schema: "io.k8s.api.apps.v1beta1.Gone", path: ["properties", "x"], values: ["Y"] },
    ]), "test");
    expect(out.schemas.get("io.k8s.api.apps.v1.DeploymentStrategy")).toEqual({ type: "object", properties: { type: { type: "string", description: "Type.", enum: ["Recreate", "RollingUpdate"] } } });
    expect((out.schemas.get("io.k8s.api.core.v1.PodSpec") as { properties: { modes: { items: unknown } } }).properties.modes.items).toEqual({ type: "string", enum: ["A"] });
    expect(input.schemas.get("io.k8s.api.apps.v1.DeploymentStrategy")).toEqual({ type: "object", properties: { type: { type: "string", description: "Type." } } });
  });

  it("stops on drift: a missing field, a field that is no string, a different enum already there", () => {
    const withEnum = model();
    (withEnum.schemas.get("io.k8s.api.apps.v1.DeploymentStrategy") as { properties: { type: SchemaObject } }).properties.type.enum = ["Recreate"];
    expect(() => applyEnums(model(), table([{ schema: "io.k8s.api.apps.v1.DeploymentStrategy", path: ["properties", "kind"], values: ["A"] }]), "pins")).toThrow(
      /enum drift between the OpenAPI documents and pins:\n {2}io\.k8s\.api\.apps\.v1\.DeploymentStrategy kind: no such field/,
    );
    expect(() => applyEnums(model(), table([{ schema: "io.k8s.api.core.v1.PodSpec", path: ["properties", "count"], values: ["A"] }]), "pins")).toThrow(/count: the documents type it "integer", not a string/);
    expect(() => applyEnums(withEnum, table([{ schema: "io.k8s.api.apps.v1.DeploymentStrategy", path: ["properties", "type"], values: ["Recreate", "RollingUpdate"] }]), "pins")).toThrow(/type: the documents list other values/);
    expect(() => parseEnumTable('{"enums": 1}', "x.json")).toThrow(/x\.json: not an enum table/);
  });
});
