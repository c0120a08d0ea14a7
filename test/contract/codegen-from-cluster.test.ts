/**
 * `npm run generate -- --from-cluster`, against the real control plane with the pinned Flux
 * CRDs installed: the model and the SDK read from the live /openapi/v3 must match the ones
 * generated from specs/.
 */
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import yaml from "js-yaml";
import { afterAll, beforeAll, describe, expect, inject, test } from "vitest";
import { fetcherOver } from "../../codegen/cluster-fetcher.ts";
import { loadFromCluster } from "../../codegen/cluster-loader.ts";
import { generateFiles, loadSpecInputs } from "../../codegen/generate.ts";
import { setOfGroup } from "../../codegen/layout.ts";
import type { ApiModel, KindModel, SchemaObject } from "../../codegen/model.ts";
import { loadConfig } from "../../src/config/index.ts";
import { createConnection } from "../../src/connection/connection.ts";
import type { Connection } from "../../src/connection/types.ts";
import { isAlreadyExists } from "../../src/base/errors.ts";
import { materialise, readManifest } from "../../specs/materialise.ts";

const cluster = inject("cluster");

function summary(k: KindModel) {
  return {
    key: `${k.group}/${k.version}/${k.kind}`,
    listKind: k.listKind,
    plural: k.plural,
    namespaced: k.namespaced,
    verbs: k.verbs,
    subresources: k.subresources.map((s) => `${s.name}:${s.verbs.join(",")}`),
  };
}

function dropEnums(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(dropEnums);
  if (value && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).filter(([k]) => k !== "enum").map(([k, v]) => [k, dropEnums(v)]));
  }
  return value;
}

function withoutEnums(model: ApiModel): ApiModel {
  return { kinds: model.kinds, schemas: new Map([...model.schemas].map(([name, s]) => [name, dropEnums(s) as SchemaObject])) };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Installs each pinned Flux CRD the cluster lacks, then waits until /openapi/v3 publishes every Flux group/version. */
async function installFluxCrds(connection: Connection, crdFiles: readonly { dir: string; files: readonly string[] }[]): Promise<Set<string>> {
  const groupVersions = new Set<string>();
  for (const { dir, files } of crdFiles) {
    for (const file of files) {
      for (const doc of yaml.loadAll(await readFile(join(dir, file), "utf8")) as { kind?: string; spec?: { group: string; versions: { name: string; served?: boolean }[] } }[]) {
        if (doc?.kind !== "CustomResourceDefinition" || !doc.spec) continue;
        for (const v of doc.spec.versions) if (v.served !== false) groupVersions.add(`apis/${doc.spec.group}/${v.name}`);
        try {
          await connection.send({
            method: "POST",
            path: "/apis/apiextensions.k8s.io/v1/customresourcedefinitions",
            headers: { "content-type": "application/json" },
            body: JSON.stringify(doc),
          });
        } catch (error) {
          if (!isAlreadyExists(error)) throw error;
        }
      }
    }
  }
  const deadline = Date.now() + 60_000;
  for (;;) {
    const root = JSON.parse(await (await connection.send({ method: "GET", path: "/openapi/v3" })).text()) as { paths: Record<string, unknown> };
    const missing = [...groupVersions].filter((gv) => !(gv in root.paths));
    if (missing.length === 0) return groupVersions;
    if (Date.now() > deadline) throw new Error(`/openapi/v3 does not publish ${missing.join(", ")} 60 s after the CRDs were created`);
    await sleep(250);
  }
}

describe(`generate --from-cluster (${cluster.mode} cluster ${cluster.server})`, () => {
  let connection: Connection;
  let live: ApiModel;
  let fromSpecs: ApiModel;

  beforeAll(async () => {
    connection = createConnection(await loadConfig({ kubeconfigPath: cluster.kubeconfigs.admin }), { timeoutMs: 120_000 });
    const manifest = await readManifest();
    const inputs = await materialise(manifest, {
      ...(cluster.expectedVersion && manifest.kubernetes.versions[cluster.expectedVersion] ? { kubernetesVersion: cluster.expectedVersion } : {}),
    });
    await installFluxCrds(connection, inputs.fluxDirs);
    fromSpecs = await loadSpecInputs(inputs);
    live = await loadFromCluster(fetcherOver(connection));
  }, 180_000);
  afterAll(() => connection?.close());

  test("every built-in kind the cluster serves is in the spec model, with the same plural, scope, verbs and subresources", () => {
    const specs = new Map(fromSpecs.kinds.map((k) => [summary(k).key, summary(k)]));
    const liveBuiltIn = live.kinds.filter((k) => setOfGroup(k.group) === "k8s").map(summary);
    expect(liveBuiltIn.length).toBeGreaterThan(40);
    for (const k of liveBuiltIn) expect(specs.get(k.key), k.key).toEqual(k);
  });

  test("the Flux kinds from the cluster equal the Flux kinds from the CRD YAML", () => {
    const flux = (m: ApiModel) => m.kinds.filter((k) => setOfGroup(k.group) === "flux").map(summary);
    expect(flux(live).length).toBeGreaterThan(10);
    expect(flux(live)).toEqual(flux(fromSpecs));
  });

  test("the generated SDK has the same types (docs aside); the live server adds enums the committed specs leave out", () => {
    const options = { resourceModulePath: "../src/base/resource.ts", sources: { k8s: "x", flux: "x", crds: "x" } };
    const generate = (m: ApiModel) => new Map(generateFiles(m, options).map((f) => [f.path, f.text]));
    const liveFiles = generate(live);
    // The live server publishes Kubernetes' +enum markers (OpenAPIEnums); the committed documents do not.
    expect(liveFiles.get("k8s/apps/v1/index.ts")).toContain('type?: "Recreate" | "RollingUpdate";');
    expect(generate(fromSpecs).get("k8s/apps/v1/index.ts")).toContain("type?: string;");

    const liveShapes = generate(withoutEnums(live));
    const specShapes = generate(withoutEnums(fromSpecs));
    const withoutDocs = (text: string | undefined) => text?.replace(/^\s*\/\*\*[\s\S]*?\*\/\n/gm, "");
    const modules = [
      "k8s/apps/v1/index.ts",
      "k8s/core/v1/index.ts",
      "k8s/batch/v1/index.ts",
      ...[...specShapes.keys()].filter((p) => p.startsWith("flux/") && p.endsWith("/index.ts")),
    ];
    expect(modules.length).toBeGreaterThan(8);
    for (const path of modules) expect(withoutDocs(liveShapes.get(path)), path).toBe(withoutDocs(specShapes.get(path)));
  });
});
