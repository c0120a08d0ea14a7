/**
 * Packaging: `npm pack` (whose prepack builds dist/ with tsc) gives a package that carries the
 * compiled runtime and the compiled generated SDK. A temp consumer project installs the
 * tarball, type-checks a small strict program against the package's own .d.ts files, and
 * runs it against the control plane on Node (the tsc output) and on Bun (the .ts source).
 *
 * The package is packed from a staging copy (test/support/packed-sdk.ts), so the checkout's dist/
 * is never touched while other work runs there.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, inject, test } from "vitest";
import { repoRoot } from "../../specs/materialise.ts";
import { runChild, type ChildResult } from "../support/child-output.ts";
import { envWithRealNode, realNodePath } from "../support/node-runtime.ts";
import { packedSdk } from "../support/packed-sdk.ts";

const cluster = inject("cluster");
const bun = join(repoRoot, "node_modules", ".bin", "bun");
const tsc = join(repoRoot, "node_modules", "typescript", "bin", "tsc");

function run(command: string, args: readonly string[], cwd: string, env: Record<string, string | undefined> = envWithRealNode()): Promise<ChildResult> {
  return runChild(command, args, { cwd, env });
}

async function ok(what: string, command: string, args: readonly string[], cwd: string, env?: Record<string, string | undefined>): Promise<string> {
  const r = await run(command, args, cwd, env);
  if (r.code !== 0) throw new Error(`${what} failed (exit ${r.code}):\n${r.stderr.slice(-3000)}\n${r.stdout.slice(-3000)}`);
  return r.stdout;
}

/** The consumer: a strict program using the root, config and flux entries and three generated subpaths. */
const consumerProgram = `import { KubeClient, api, createConnection, type Connection } from "bun-k8s";
import { loadConfig } from "bun-k8s/config";
import { FluxClient, fluxApiVersion } from "bun-k8s/flux";
import { Namespace, coreV1 } from "bun-k8s/core/v1";
import type { Deployment } from "bun-k8s/apps/v1";
import { GitRepository } from "bun-k8s/flux/source/v1";
import { resources } from "bun-k8s/resources";

const kube = await KubeClient.load();
const namespaces = await kube.api(Namespace).list();
const conn: Connection = createConnection(await loadConfig());
const system: Namespace = await api(conn, Namespace).get("kube-system");
const viaStub: Namespace = await coreV1(conn).namespaces().get("default");
const missing = await coreV1(conn).configMaps("default").getOpt("bun-k8s-packaging-absent");
const flux = new FluxClient(kube, { fieldManager: "packaging" });

// These must stay compile errors: if the package's types were lost (any), tsc would fail here.
// @ts-expect-error cluster-scoped kinds take no namespace
kube.api(Namespace, { namespace: "default" });
// @ts-expect-error spec.template is required in a Deployment
export const broken: Deployment = { spec: { selector: {} } };

console.log(JSON.stringify({
  runtime: process.versions.bun ? "bun" : "node",
  namespaces: namespaces.items.map((n) => n.metadata?.name),
  system: { kind: system.kind, name: system.metadata?.name, phase: system.status?.phase },
  viaStub: viaStub.metadata?.name,
  missing: missing === undefined,
  tables: { deployments: resources["apps/v1/Deployment"].plural, gitrepositories: GitRepository.plural },
  flux: { fieldManager: flux.fieldManager, apiVersion: fluxApiVersion("GitRepository") },
}));
kube.close();
conn.close();
`;

const consumerTsconfig = {
  compilerOptions: {
    target: "ES2022",
    module: "NodeNext",
    moduleResolution: "NodeNext",
    lib: ["ES2023"],
    strict: true,
    noUncheckedIndexedAccess: true,
    // Check the package's .d.ts files too, not only the program.
    skipLibCheck: false,
    types: ["node"],
    // As if the consumer had installed @types/node: the repo's copy.
    typeRoots: [join(repoRoot, "node_modules", "@types")],
    outDir: "out",
    rootDir: ".",
  },
  files: ["main.ts"],
};

let work: string;
let consumer: string;
let files: string[] = [];
let tarball = "";

beforeAll(async () => {
  ({ tarball, files } = await packedSdk());
  work = mkdtempSync(join(tmpdir(), "bun-k8s-pack-"));
  consumer = join(work, "consumer");
}, 600_000);
afterAll(() => {
  if (work) rmSync(work, { recursive: true, force: true });
});

describe("npm pack", () => {
  test("runs the build and carries compiled src and generated output, JavaScript and declarations", () => {
    for (const f of [
      "package.json",
      "README.md",
      "dist/src/index.js",
      "dist/src/index.d.ts",
      "dist/src/api/client.js",
      "dist/generated/k8s/core/v1/index.js",
      "dist/generated/k8s/core/v1/index.d.ts",
      "dist/generated/k8s/apps/v1/index.js",
      "dist/generated/k8s/meta/v1/index.d.ts",
      "dist/generated/k8s/resources.js",
      "dist/generated/k8s/resources.d.ts",
      "dist/generated/flux/source/v1/index.js",
      "dist/generated/flux/source/v1/index.d.ts",
      "dist/generated/flux/resources.js",
      "dist/src/manifests/index.js",
      "dist/codegen/bin.js",
      "dist/codegen/bun-k8s-gen.js",
    ]) {
      expect(files, f).toContain(f);
    }
    // Only build output: no TypeScript sources, tests or specs; the generator compiled, without the repository's spec loading.
    expect(files.filter((f) => !f.startsWith("dist/") && !["package.json", "README.md"].includes(f))).toEqual([]);
    expect(files.filter((f) => f.endsWith(".ts") && !f.endsWith(".d.ts"))).toEqual([]);
    expect(files.filter((f) => f.startsWith("dist/specs/") || f.startsWith("dist/test/") || f === "dist/codegen/cli.js" || f.startsWith("dist/codegen/spec-inputs"))).toEqual([]);
  });

  test('every "exports" target of package.json exists in the tarball for the generated families', () => {
    const pkg = JSON.parse(readFileSync(join(repoRoot, "package.json"), "utf8")) as {
      exports: Record<string, string | { types: string; import: string }>;
      files: string[];
      scripts: Record<string, string>;
    };
    expect(pkg.scripts.prepack).toContain("build");
    const concrete: Record<string, string> = { "./*": "core/v1", "./flux/*": "source/v1" };
    for (const [subpath, target] of Object.entries(pkg.exports)) {
      if (typeof target === "string" || subpath.startsWith("./crds")) continue; // crds/ exists only in a --from-cluster build
      for (const path of [target.types, target.import]) {
        const file = path.replace("*", concrete[subpath] ?? "").replace(/^\.\//, "");
        expect(files, `${subpath} → ${file}`).toContain(file);
      }
    }
  });
});

describe("a consumer project", () => {
  beforeAll(async () => {
    mkdirSync(consumer, { recursive: true });
    writeFileSync(join(consumer, "package.json"), JSON.stringify({ name: "consumer", private: true, type: "module" }, null, 2));
    writeFileSync(join(consumer, "tsconfig.json"), JSON.stringify(consumerTsconfig, null, 2));
    writeFileSync(join(consumer, "main.ts"), consumerProgram);
    await ok("npm install of the tarball", "npm", ["install", tarball, "--no-audit", "--no-fund", "--prefer-offline", "--loglevel=error"], consumer);
  }, 300_000);

  test("installs it with js-yaml as its only dependency", () => {
    const lock = JSON.parse(readFileSync(join(consumer, "package-lock.json"), "utf8")) as { packages: Record<string, unknown> };
    expect(Object.keys(lock.packages).filter((p) => p !== "").sort()).toEqual(["node_modules/argparse", "node_modules/bun-k8s", "node_modules/js-yaml"]);
  });

  test("type-checks a strict program against the package's declarations", async () => {
    const r = await run(realNodePath(), [tsc, "-p", "tsconfig.json"], consumer);
    expect(`${r.stdout}${r.stderr}`).toBe("");
    expect(r.code).toBe(0);
  }, 120_000);

  const expectOutput = (stdout: string, runtime: string) => {
    const out = JSON.parse(stdout.trim().split("\n").pop() ?? "{}") as {
      runtime: string;
      namespaces: string[];
      system: { kind: string; name: string; phase: string };
      viaStub: string;
      missing: boolean;
      tables: { deployments: string; gitrepositories: string };
      flux: { fieldManager: string; apiVersion: string };
    };
    expect(out.runtime).toBe(runtime);
    expect(out.namespaces).toEqual(expect.arrayContaining(["default", "kube-system"]));
    expect(out.system).toEqual({ kind: "Namespace", name: "kube-system", phase: "Active" });
    expect(out.viaStub).toBe("default");
    expect(out.missing).toBe(true);
    expect(out.tables).toEqual({ deployments: "deployments", gitrepositories: "gitrepositories" });
    expect(out.flux).toEqual({ fieldManager: "packaging", apiVersion: "source.toolkit.fluxcd.io/v1" });
  };

  test("runs the compiled program on Node against the control plane", async () => {
    const r = await run(realNodePath(), ["out/main.js"], consumer, envWithRealNode({ KUBECONFIG: cluster.kubeconfigs.admin }));
    expect(r.code, r.stderr).toBe(0);
    expectOutput(r.stdout, "node");
  });

  test("runs the TypeScript program on Bun against the control plane", async () => {
    const r = await run(bun, ["main.ts"], consumer, envWithRealNode({ KUBECONFIG: cluster.kubeconfigs.admin }));
    expect(r.code, r.stderr).toBe(0);
    expectOutput(r.stdout, "bun");
  });
});
