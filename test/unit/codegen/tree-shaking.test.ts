/**
 * A program that imports one group/version of the generated SDK (generated/ must exist) bundles
 * without the others: `bun build --minify` of a small program keeps only what it reaches.
 */
import { spawnSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { repoRoot } from "../../../specs/materialise.ts";
import { tempOutDir } from "./typecheck.ts";

const bun = join(repoRoot, "node_modules", ".bin", "bun");
const src = join(repoRoot, "src", "index.ts");
const config = join(repoRoot, "src", "config", "index.ts");
const gen = (module: string) => join(repoRoot, "generated", module, "index.ts");

let out: { dir: string; dispose: () => Promise<void> };
beforeAll(async () => {
  out = await tempOutDir("bun-k8s-shake-");
});
afterAll(() => out.dispose());

function bundle(name: string, program: string): string {
  const entry = join(out.dir, `${name}.ts`);
  const outfile = join(out.dir, `${name}.js`);
  writeFileSync(entry, program);
  const r = spawnSync(bun, ["build", entry, "--minify", "--target=node", "--outfile", outfile], { encoding: "utf8" });
  if (r.status !== 0) throw new Error(`bun build failed: ${r.stderr}`);
  return readFileSync(outfile, "utf8");
}

describe("bundling one group", () => {
  it.each([
    [
      "apps/v1 stubs",
      `import { createConnection } from ${JSON.stringify(src)};
import { loadConfig } from ${JSON.stringify(config)};
import { appsV1 } from ${JSON.stringify(gen("k8s/apps/v1"))};
const conn = createConnection(await loadConfig());
console.log((await appsV1(conn).deployments("default").list()).items.length);`,
      ['"DeploymentList"', '"StatefulSetList"'],
      ['"PodList"', '"NamespaceList"', '"CronJobList"', '"GitRepositoryList"'],
    ],
    [
      "one core/v1 kind through api()",
      `import { api, createConnection } from ${JSON.stringify(src)};
import { loadConfig } from ${JSON.stringify(config)};
import { Pod } from ${JSON.stringify(gen("k8s/core/v1"))};
const conn = createConnection(await loadConfig());
console.log((await api(conn, Pod).list()).items.length);`,
      ['"PodList"'],
      ['"NamespaceList"', '"DeploymentList"', '"CronJobList"', '"GitRepositoryList"'],
    ],
    [
      "Flux source stubs",
      `import { createConnection } from ${JSON.stringify(src)};
import { loadConfig } from ${JSON.stringify(config)};
import { sourceV1 } from ${JSON.stringify(gen("flux/source/v1"))};
const conn = createConnection(await loadConfig());
console.log((await sourceV1(conn).gitRepositories.all().list()).items.length);`,
      ['"GitRepositoryList"', '"OCIRepositoryList"'],
      ['"PodList"', '"DeploymentList"', '"KustomizationList"', '"HelmReleaseList"'],
    ],
  ])("%s: keeps its own kinds, drops every other group", (name, program, kept, dropped) => {
    const text = bundle(name.replace(/\W+/g, "-"), program);
    for (const s of kept) expect(text, `${s} in the bundle`).toContain(s);
    for (const s of dropped) expect(text, `${s} must not be in the bundle`).not.toContain(s);
  }, 60_000);
});

describe("bun-k8s/controller is a subpath of its own", () => {
  const controllerEntry = JSON.stringify(join(repoRoot, "src", "controller", "index.ts"));
  const markers = ["bun_k8s_workqueue_depth", "leader election", "reportingController", "leaseTransitions"];

  it("a root-entry program (client, informer) bundles none of the controller toolkit", () => {
    const text = bundle(
      "root-only",
      `import { KubeClient } from ${JSON.stringify(src)};\nimport { ConfigMap } from ${JSON.stringify(gen("k8s/core/v1"))};\nconst kube = await KubeClient.load();\nconst inf = kube.informer(ConfigMap, { namespace: "x" });\nawait inf.waitForSync();\nconsole.log(inf.store.size);`,
    );
    for (const m of markers) expect(text.includes(m), `${m} must not be in the bundle`).toBe(false);
  }, 60_000);

  it("a program that imports the controller bundles it", () => {
    const text = bundle(
      "with-controller",
      `import { KubeClient } from ${JSON.stringify(src)};\nimport { ConfigMap } from ${JSON.stringify(gen("k8s/core/v1"))};\nimport { controller, leaderElector, eventRecorder } from ${controllerEntry};\nconst kube = await KubeClient.load();\nconst ctl = controller(kube, ConfigMap, () => undefined);\nconst le = leaderElector(kube, { lease: { name: "l", namespace: "n" }, identity: "i", onStartedLeading: (s) => ctl.run(s) });\nconst ev = eventRecorder(kube, { reportingController: "x" });\nconsole.log(ctl.metrics(), le.identity, ev.reportingInstance);`,
    );
    for (const m of markers) expect(text.includes(m), `${m} in the bundle`).toBe(true);
  }, 60_000);
});
