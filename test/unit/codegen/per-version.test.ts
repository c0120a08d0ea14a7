/**
 * Generates the SDK for three Kubernetes minor versions plus the pinned Flux set, from the
 * real pinned inputs (materialised into specs/cache/ on first use), and type-checks each.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { generateFiles } from "../../../codegen/generate.ts";
import { loadSpecInputs } from "../../../codegen/spec-inputs.ts";
import type { ApiModel } from "../../../codegen/model.ts";
import { materialise, readManifest } from "../../../specs/materialise.ts";
import { resourcePathFor, tempOutDir, typecheck } from "./typecheck.ts";

const versions = ["v1.34.4", "v1.36.3", "v1.37.2"];

describe.each(versions)("Kubernetes %s + Flux", (version) => {
  let out: { dir: string; dispose: () => Promise<void> };
  let model: ApiModel;

  beforeAll(async () => {
    out = await tempOutDir(`bun-k8s-${version}-`);
    model = await loadSpecInputs(await materialise(await readManifest(), { kubernetesVersion: version }));
  }, 120_000);
  afterAll(() => out.dispose());

  it("generates every core kind and the Flux kinds, deterministically, and the output passes strict tsc", async () => {
    const options = { resourceModulePath: resourcePathFor(out.dir), sources: { k8s: `Kubernetes ${version}`, flux: "Flux" } };
    const files = generateFiles(model, options);
    expect(generateFiles(model, options)).toEqual(files);

    const paths = files.map((f) => f.path);
    for (const p of ["k8s/core/v1/index.ts", "k8s/apps/v1/index.ts", "k8s/meta/v1/index.ts", "k8s/resources.ts", "flux/source/v1/index.ts", "flux/helm/v2/index.ts", "flux/resources.ts"]) {
      expect(paths).toContain(p);
    }
    const keys = model.kinds.map((k) => `${k.group}/${k.version}/${k.kind}`);
    for (const k of ["/v1/Pod", "/v1/Namespace", "apps/v1/Deployment", "batch/v1/Job", "source.toolkit.fluxcd.io/v1/GitRepository", "kustomize.toolkit.fluxcd.io/v1/Kustomization", "helm.toolkit.fluxcd.io/v2/HelmRelease"]) {
      expect(keys).toContain(k);
    }
    const probe = `
import { Deployment } from "./k8s/apps/v1/index.ts";
import { GitRepository, type GitRepositorySpec } from "./flux/source/v1/index.ts";
export const scaled: "scale" | "status" = Deployment.subresources[0] ?? "status";
export const gitNamespaced: true = GitRepository.namespaced;
// @ts-expect-error url is required
export const spec: GitRepositorySpec = { interval: "1m" };
`;
    expect(await typecheck(out.dir, files, { "probe.ts": probe })).toEqual([]);
  }, 120_000);
});
