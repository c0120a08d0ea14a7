/**
 * CommonJS consumers: `require("bun-k8s")` and `require("bun-k8s/apps/v1")` load the package's
 * ES modules on every Node we test (require(esm): Node 20.19+, 22.12+), on Bun and on Deno, and
 * the required SDK talks to the control plane. Where require(esm) is unavailable (simulated with
 * --no-experimental-require-module), Node's own error names the problem, and the documented
 * alternative, `await import("bun-k8s")` from CommonJS, works.
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, inject, test } from "vitest";
import { runtimes, type Runtime } from "../runtimes/runtimes.ts";
import { envWithRealNode } from "../support/node-runtime.ts";
import { run } from "./consumer.ts";

const cluster = inject("cluster");
const { consumer } = inject("packed");
const all = runtimes();
const denoRun = ["run", "--allow-read", "--allow-env", "--allow-net=127.0.0.1"];
const requirers: [Runtime, string[]][] = [
  ...[all.node20, all.node22, all.node24, all.node26, all.bun].map((r): [Runtime, string[]] => [r, []]),
  [all.deno, denoRun],
];
const env = envWithRealNode({ KUBECONFIG: cluster.kubeconfigs.admin });

const requireProgram = `"use strict";
const { KubeClient, isNotFound } = require("bun-k8s");
const { Deployment } = require("bun-k8s/apps/v1");
const { Namespace } = require("bun-k8s/core/v1");
const { loadConfig } = require("bun-k8s/config");
const { fluxApiVersion } = require("bun-k8s/flux");
(async () => {
  const kube = await KubeClient.load();
  const namespaces = await kube.api(Namespace).list();
  const missing = await kube.api(Deployment, { namespace: "default" }).getOpt("bun-k8s-require-absent");
  let notFound = false;
  try { await kube.api(Deployment, { namespace: "default" }).get("bun-k8s-require-absent"); } catch (e) { notFound = isNotFound(e); }
  const config = await loadConfig();
  console.log(JSON.stringify({
    runtime: process.versions.bun ? "Bun " + process.versions.bun : process.versions.deno ? "Deno " + process.versions.deno : "Node " + process.versions.node,
    namespaces: namespaces.items.map((n) => n.metadata.name),
    missing: missing === undefined,
    notFound,
    server: config.server,
    plural: Deployment.plural,
    flux: fluxApiVersion("Kustomization"),
  }));
  kube.close();
})().catch((e) => { console.error(e); process.exit(1); });
`;

const importProgram = `"use strict";
(async () => {
  const { KubeClient } = await import("bun-k8s");
  const { Namespace } = await import("bun-k8s/core/v1");
  const kube = await KubeClient.load();
  const system = await kube.api(Namespace).get("kube-system");
  console.log(JSON.stringify({ name: system.metadata.name, phase: system.status.phase }));
  kube.close();
})().catch((e) => { console.error(e); process.exit(1); });
`;

describe("require() from CommonJS", () => {
  writeFileSync(join(consumer, "require-check.cjs"), requireProgram);
  writeFileSync(join(consumer, "import-check.cjs"), importProgram);

  test.each(requirers.map(([r, args]) => [r.label, r, args] as const))("%s: require('bun-k8s') and require('bun-k8s/apps/v1') reach the cluster", async (_, runtime, args) => {
    const r = await run(runtime.bin, [...args, "require-check.cjs"], consumer, env);
    expect(r.code, r.stderr).toBe(0);
    // No "ExperimentalWarning: CommonJS module ... is loading ES Module" noise on any of them.
    expect(r.stderr).not.toMatch(/ExperimentalWarning/);
    const out = JSON.parse(r.stdout.trim()) as Record<string, unknown>;
    expect(out.runtime).toBe(runtime.label);
    expect(out.namespaces).toEqual(expect.arrayContaining(["default", "kube-system"]));
    expect(out).toMatchObject({ missing: true, notFound: true, server: cluster.server, plural: "deployments", flux: "kustomize.toolkit.fluxcd.io/v1" });
  });

  test("without require(esm) Node names the problem, and await import() from CommonJS works", async () => {
    const node = all.node20;
    const refused = await run(node.bin, ["--no-experimental-require-module", "require-check.cjs"], consumer, env);
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toContain("ERR_REQUIRE_ESM");
    expect(refused.stderr).toMatch(/bun-k8s/);
    const imported = await run(node.bin, ["--no-experimental-require-module", "import-check.cjs"], consumer, env);
    expect(imported.code, imported.stderr).toBe(0);
    expect(JSON.parse(imported.stdout.trim())).toEqual({ name: "kube-system", phase: "Active" });
  });
});
