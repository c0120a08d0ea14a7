/**
 * The consumer program a user writes, run from the installed tarball against the control
 * plane on every runtime: compiled by tsc and run on Node 20, 22, 24 and 26; run as-is on Node
 * 24 and 26 (type stripping), on Bun, and on Deno through `npm:bun-k8s` specifiers with a
 * client-certificate kubeconfig (DenoFetchTransport).
 */
import { mkdirSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, inject, test } from "vitest";
import { runtimes, type Runtime } from "../runtimes/runtimes.ts";
import { envWithRealNode } from "../support/node-runtime.ts";
import { compilers, consumerTsconfig, mustRun, run, typesNode } from "./consumer.ts";

const cluster = inject("cluster");
const { consumer } = inject("packed");
const all = runtimes();
const dir = join(consumer, "run");

/** The consumer: a strict program using the root, config and flux entries and three generated subpaths. */
const program = (prefix: string) => `import { KubeClient, api, createConnection, type Connection } from "${prefix}bun-k8s";
import { loadConfig } from "${prefix}bun-k8s/config";
import { FluxClient, fluxApiVersion } from "${prefix}bun-k8s/flux";
import { Namespace, coreV1 } from "${prefix}bun-k8s/core/v1";
import { GitRepository } from "${prefix}bun-k8s/flux/source/v1";
import { resources } from "${prefix}bun-k8s/resources";

const g = globalThis as { Bun?: unknown; Deno?: unknown };
const kube = await KubeClient.load();
const namespaces = await kube.api(Namespace).list();
const conn: Connection = createConnection(await loadConfig());
const system: Namespace = await api(conn, Namespace).get("kube-system");
const viaStub: Namespace = await coreV1(conn).namespaces().get("default");
const missing = await coreV1(conn).configMaps("default").getOpt("bun-k8s-packaging-absent");
const flux = new FluxClient(kube, { fieldManager: "packaging" });

console.log(JSON.stringify({
  runtime: g.Bun ? "bun" : g.Deno ? "deno" : "node",
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

beforeAll(async () => {
  mkdirSync(join(dir, "type-roots"), { recursive: true });
  symlinkSync(typesNode(26), join(dir, "type-roots", "node"), "dir");
  writeFileSync(join(dir, "package.json"), JSON.stringify({ private: true, type: "module" }));
  writeFileSync(join(dir, "main.ts"), program(""));
  writeFileSync(join(dir, "deno-main.ts"), program("npm:"));
  // Deno resolves npm: specifiers from the node_modules npm installed (the tarball is not on a registry).
  writeFileSync(join(dir, "deno.json"), JSON.stringify({ nodeModulesDir: "manual" }));
  const tsconfig = consumerTsconfig({ outDir: "out", rootDir: "." });
  writeFileSync(join(dir, "tsconfig.json"), JSON.stringify(tsconfig, null, 2));
  await mustRun("tsc", all.node24.bin, [compilers[0]!.tsc, "-p", "tsconfig.json"], dir);
}, 300_000);

function expectOutput(stdout: string, runtime: string): void {
  const out = JSON.parse(stdout.trim().split("\n").pop() ?? "{}") as Record<string, unknown>;
  expect(out.runtime).toBe(runtime);
  expect(out.namespaces).toEqual(expect.arrayContaining(["default", "kube-system"]));
  expect(out.system).toEqual({ kind: "Namespace", name: "kube-system", phase: "Active" });
  expect(out.viaStub).toBe("default");
  expect(out.missing).toBe(true);
  expect(out.tables).toEqual({ deployments: "deployments", gitrepositories: "gitrepositories" });
  expect(out.flux).toEqual({ fieldManager: "packaging", apiVersion: "source.toolkit.fluxcd.io/v1" });
}

const env = () => envWithRealNode({ KUBECONFIG: cluster.kubeconfigs.admin, DENO_NO_UPDATE_CHECK: "1", DENO_NO_PROMPT: "1" });

describe("the consumer program against the control plane", () => {
  const cases: [string, Runtime, string[], string][] = [
    ...[all.node20, all.node22, all.node24, all.node26].map((n): [string, Runtime, string[], string] => [`${n.label}, compiled by tsc`, n, ["out/main.js"], "node"]),
    ...[all.node24, all.node26].map((n): [string, Runtime, string[], string] => [`${n.label}, main.ts as-is (type stripping)`, n, ["main.ts"], "node"]),
    [`${all.bun.label}, main.ts`, all.bun, ["main.ts"], "bun"],
    // The permissions a certificate kubeconfig needs: read it, read the environment, reach the server.
    [`${all.deno.label}, npm:bun-k8s`, all.deno, ["run", "--allow-read", "--allow-env", "--allow-net=127.0.0.1", "deno-main.ts"], "deno"],
  ];

  test.each(cases)("%s", async (_, runtime, args, expected) => {
    const r = await run(runtime.bin, args, dir, env());
    expect(r.code, r.stderr).toBe(0);
    expectOutput(r.stdout, expected);
  });

  test("Deno type-checks the program against the package's declarations", async () => {
    const r = await run(all.deno.bin, ["check", "deno-main.ts"], dir, env());
    expect(r.code, `${r.stdout}${r.stderr}`).toBe(0);
  }, 120_000);
});
