/**
 * bun-k8s-gen as a user runs it: the packed SDK installed in a temp project, the command run
 * from node_modules/.bin on Node and from the package on Bun, over a release manifest with a
 * CRD among other objects. A strict program then applies the CRD and a custom object with
 * applyManifests (the generated table resolving the kind), and round-trips it through
 * kube.api(), the status subresource and a watcher, compiled on Node and as TypeScript on Bun.
 * The same command against the live cluster's /openapi/v3 gives the same types.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, inject, test } from "vitest";
import { repoRoot } from "../../specs/materialise.ts";
import { runChild } from "../support/child-output.ts";
import { envWithRealNode, realNodePath } from "../support/node-runtime.ts";
import { packedSdk } from "../support/packed-sdk.ts";

const cluster = inject("cluster");
const bun = join(repoRoot, "node_modules", ".bin", "bun");
const tsc = join(repoRoot, "node_modules", "typescript", "bin", "tsc");
const suffix = Math.random().toString(36).slice(2, 7);
const group = `gen${suffix}.example.com`;
const ns = `gen-${suffix}`;

const release = `apiVersion: v1
kind: Namespace
metadata: { name: ${ns} }
---
apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata: { name: widgets.${group} }
spec:
  group: ${group}
  names: { kind: Widget, plural: widgets, singular: widget, listKind: WidgetList }
  scope: Namespaced
  versions:
  - name: v1
    served: true
    storage: true
    subresources: { status: {} }
    schema:
      openAPIV3Schema:
        type: object
        properties:
          spec:
            type: object
            required: [size]
            properties:
              size: { type: integer, minimum: 1 }
              color: { type: string, enum: [red, blue] }
              values: { x-kubernetes-preserve-unknown-fields: true }
          status:
            type: object
            properties:
              phase: { type: string }
---
apiVersion: v1
kind: ServiceAccount
metadata: { name: widget-operator, namespace: ${ns} }
`;

const program = `import { readFileSync } from "node:fs";
import { KubeClient, watcher } from "bun-k8s";
import { applyManifests, parseManifests } from "bun-k8s/manifests";
import { Widget } from "./src/k8s/${group}/v1/index.js";
import { resources } from "./src/k8s/resources.js";

const kube = await KubeClient.load();
const manifests = parseManifests(readFileSync("release.yaml", "utf8"), { source: "release.yaml" });
const first: Widget = { apiVersion: "${group}/v1", kind: "Widget", metadata: { name: "w1", namespace: "${ns}" }, spec: { size: 1, color: "red", values: ["any", { json: true }] } };
// @ts-expect-error "green" is not a Widget color
export const green: Widget = { spec: { size: 1, color: "green" } };
const runtime = process.versions.bun ? "bun" : "node";
const applied = await applyManifests(kube, [...manifests, { ...first, metadata: { name: \`w-\${runtime}\`, namespace: "${ns}" } }], { fieldManager: "generator-test", resources: [resources] });
const widgets = kube.api(Widget, { namespace: "${ns}" });
const seen: string[] = [];
const events = watcher(widgets, { labelSelector: { runtime } });
const watching = (async () => {
  for await (const ev of events) {
    if (ev.type === "ADDED" || ev.type === "MODIFIED") seen.push(\`\${ev.type} \${ev.object.spec?.color}\`);
    if (seen.includes("MODIFIED blue")) break;
  }
})();
const name = \`w-\${runtime}-typed\`;
await widgets.create({ apiVersion: "${group}/v1", kind: "Widget", metadata: { name, labels: { runtime } }, spec: { size: 2, color: "red" } });
const patched = await widgets.patch(name, { type: "merge", patch: { spec: { color: "blue" } } });
await widgets.status.apply({ apiVersion: "${group}/v1", kind: "Widget", metadata: { name }, status: { phase: "Ready" } }, { fieldManager: "generator-test" });
const read: Widget = await widgets.get(name);
await watching;
await widgets.delete(name);
console.log(JSON.stringify({
  runtime,
  applied: applied.applied.map((a) => \`\${a.action} \${a.id.kind}\`),
  color: patched.spec?.color,
  phase: read.status?.phase,
  values: applied.applied.find((a) => a.id.kind === "Widget")?.object.spec,
  seen,
}));
kube.close();
`;

let work: string;
let project: string;

async function ok(what: string, command: string, args: readonly string[], env: Record<string, string | undefined> = envWithRealNode()): Promise<string> {
  const r = await runChild(command, args, { cwd: project, env, killAfterMs: 300_000 });
  if (r.code !== 0) throw new Error(`${what} failed (exit ${r.code}):\n${r.stderr.slice(-3000)}\n${r.stdout.slice(-3000)}`);
  return r.stdout;
}

beforeAll(async () => {
  const { tarball } = await packedSdk();
  work = mkdtempSync(join(tmpdir(), "bun-k8s-gen-"));
  project = join(work, "project");
  mkdirSync(project, { recursive: true });
  writeFileSync(join(project, "package.json"), JSON.stringify({ name: "operator", private: true, type: "module" }));
  writeFileSync(
    join(project, "tsconfig.json"),
    JSON.stringify({
      compilerOptions: {
        target: "ES2022", module: "NodeNext", moduleResolution: "NodeNext", lib: ["ES2023"], strict: true, noUncheckedIndexedAccess: true,
        skipLibCheck: false, types: ["node"], typeRoots: [join(repoRoot, "node_modules", "@types")], outDir: "out", rootDir: ".",
      },
      files: ["main.ts"],
    }),
  );
  writeFileSync(join(project, "release.yaml"), release);
  writeFileSync(join(project, "main.ts"), program);
  await ok("npm install of the tarball", "npm", ["install", tarball, "--no-audit", "--no-fund", "--prefer-offline", "--loglevel=error"]);
}, 600_000);
afterAll(async () => {
  await runChild(cluster.kubectl, ["delete", "namespace", ns, `crd/widgets.${group}`, "--ignore-not-found", "--wait=false"], { cwd: repoRoot, env: { ...process.env, KUBECONFIG: cluster.kubeconfigs.admin } });
  if (work) rmSync(work, { recursive: true, force: true });
});

const read = (path: string) => readFileSync(join(project, path), "utf8");
const withoutDocs = (text: string) => text.replace(/^\s*\/\*\*[\s\S]*?\*\/\n/gm, "").replace(/^\/\/ from .*\n/m, "");

describe("bun-k8s-gen in a user's project", () => {
  test("generates the CRD's kinds from the release manifest on Node (the bin) and on Bun, the same files", async () => {
    const stdout = await ok("bun-k8s-gen on Node", realNodePath(), ["node_modules/.bin/bun-k8s-gen", "--out", "src/k8s", "release.yaml"]);
    expect(stdout).toContain(`bun-k8s-gen: 1 kinds, 2 files`);
    await ok("bun-k8s-gen on Bun", bun, ["node_modules/bun-k8s/dist/codegen/bin.js", "--out", "src/k8s-bun", "release.yaml"]);
    const module = read(`src/k8s/${group}/v1/index.ts`);
    expect(read(`src/k8s-bun/${group}/v1/index.ts`)).toBe(module);
    expect(module).toContain('import type { ListMeta, ObjectMeta } from "bun-k8s/meta/v1";');
    expect(module).toContain('  color?: "red" | "blue" | NewerValue;');
    expect(read("src/k8s/resources.ts")).toContain(`from "./${group}/v1/index.js";`);
  }, 120_000);

  test("the program type-checks against the package's declarations", async () => {
    await ok("tsc", realNodePath(), [tsc, "-p", "tsconfig.json"]);
  }, 180_000);

  const expectRun = (stdout: string, runtime: string) => {
    const out = JSON.parse(stdout.trim().split("\n").pop() ?? "{}") as Record<string, unknown>;
    expect(out.runtime).toBe(runtime);
    // The second run finds the release applied. (This API server keeps no managedFields on a
    // Namespace created by apply, so the next apply writes them: still "unchanged", nothing an
    // apply sets moved.)
    expect(out.applied).toEqual(
      runtime === "node"
        ? ["created Namespace", "created CustomResourceDefinition", "created ServiceAccount", "created Widget"]
        : ["unchanged Namespace", "unchanged CustomResourceDefinition", "unchanged ServiceAccount", "created Widget"],
    );
    expect(out.color).toBe("blue");
    expect(out.phase).toBe("Ready");
    expect(out.values).toEqual({ size: 1, color: "red", values: ["any", { json: true }] });
    expect(out.seen).toEqual(["ADDED red", "MODIFIED blue"]);
  };

  test("the compiled program applies the CRD and a Widget, then round-trips a Widget on Node", async () => {
    expectRun(await ok("the program on Node", realNodePath(), ["out/main.js"], envWithRealNode({ KUBECONFIG: cluster.kubeconfigs.admin })), "node");
  }, 120_000);

  test("the TypeScript program does the same on Bun", async () => {
    expectRun(await ok("the program on Bun", bun, ["main.ts"], envWithRealNode({ KUBECONFIG: cluster.kubeconfigs.admin })), "bun");
  }, 120_000);

  test("--from-cluster reads the installed CRD back as the same types", async () => {
    await ok("bun-k8s-gen --from-cluster", realNodePath(), ["node_modules/.bin/bun-k8s-gen", "--from-cluster", "--kubeconfig", cluster.kubeconfigs.admin, "--group", group, "--out", "src/live"]);
    expect(withoutDocs(read(`src/live/${group}/v1/index.ts`))).toBe(withoutDocs(read(`src/k8s/${group}/v1/index.ts`)));
  }, 180_000);
});
