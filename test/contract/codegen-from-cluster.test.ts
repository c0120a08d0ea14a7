/**
 * `npm run generate -- --from-cluster`, against the real control plane with the pinned Flux
 * CRDs installed: the model and the SDK read from the live /openapi/v3 must match the ones
 * generated from specs/, enums included (the specs' are recovered from the pinned Go definitions).
 */
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import yaml from "js-yaml";
import { afterAll, beforeAll, describe, expect, inject, test } from "vitest";
import { fetcherOver } from "../../codegen/cluster-fetcher.ts";
import { loadFromCluster } from "../../codegen/cluster-loader.ts";
import { generateFiles } from "../../codegen/generate.ts";
import { loadSpecInputs } from "../../codegen/spec-inputs.ts";
import { setOfGroup } from "../../codegen/layout.ts";
import type { ApiModel, KindModel } from "../../codegen/model.ts";
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

  test("the generated SDK has the same types (docs aside), enums included: the pinned Go definitions give what the server publishes", () => {
    const options = { resourceModulePath: "../src/base/resource.ts", sources: { k8s: "x", flux: "x", crds: "x" } };
    const generate = (m: ApiModel) => new Map(generateFiles(m, options).map((f) => [f.path, f.text]));
    const liveFiles = generate(live);
    const specFiles = generate(fromSpecs);
    expect(liveFiles.get("k8s/apps/v1/index.ts")).toContain('type?: "Recreate" | "RollingUpdate" | NewerValue;');
    expect(specFiles.get("k8s/apps/v1/index.ts")).toContain('type?: "Recreate" | "RollingUpdate" | NewerValue;');
    const withoutDocs = (text: string | undefined) => text?.replace(/^\s*\/\*\*[\s\S]*?\*\/\n/gm, "");
    const enumCount = (text: string | undefined) => text?.match(/\| NewerValue/g)?.length ?? 0;
    // Every module of a group/version the cluster serves (plus the shared meta/v1): alpha and beta
    // groups the server leaves off have no kinds live, so their modules differ by design.
    const served = (p: string) => p === "k8s/meta/v1/index.ts" || liveFiles.get(p)?.includes(": ResourceType<") === true;
    const modules = [...specFiles.keys()].filter((p) => (p.startsWith("k8s/") || p.startsWith("flux/")) && p.endsWith("/index.ts") && served(p));
    expect(modules.length).toBeGreaterThan(20);
    let liveEnums = 0;
    for (const path of modules) {
      expect(withoutDocs(liveFiles.get(path)), path).toBe(withoutDocs(specFiles.get(path)));
      liveEnums += enumCount(liveFiles.get(path));
    }
    expect(liveEnums).toBeGreaterThan(100);
    const enums = [...specFiles].filter(([p]) => p.startsWith("k8s/")).reduce((n, [, text]) => n + enumCount(text), 0);
    // 165 Enum entries on 122 models at v1.37.2; 144 are on fields the documents publish.
    if (cluster.expectedVersion === "v1.37.2") expect(enums).toBe(144);
  });
});
