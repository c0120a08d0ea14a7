/**
 * Runs examples/gitops.ts on Bun against the contract cluster (admin kubeconfig, a client
 * certificate), so the example keeps working as the API changes.
 */
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { expect, inject, test } from "vitest";
import { runChild } from "../support/child-output.ts";

const root = fileURLToPath(new URL("../..", import.meta.url));

test("examples/gitops.ts runs end to end on Bun", async () => {
  const cluster = inject("cluster");
  const bun = join(root, "node_modules", ".bin", "bun");
  const { code, stdout, stderr } = await runChild(bun, [join(root, "examples", "gitops.ts")], {
    cwd: root,
    env: { ...process.env, KUBECONFIG: cluster.kubeconfigs.admin, FLUX_SIMULATE: "1" },
    killAfterMs: 50_000,
  });
  expect(stderr).toBe("");
  expect(code).toBe(0);
  const lines = stdout.trim().split("\n");
  const ns = /^namespace (gitops-[a-z0-9]+) \(simulating the Flux controllers\)$/.exec(lines[0] ?? "")?.[1];
  expect(ns).toBeDefined();
  expect(stdout).toContain("applied GitRepository/podinfo and Kustomization/podinfo");
  expect(stdout).toContain('"basicAuth":{"username":"git","password":"REDACTED"}');
  expect(stdout).not.toContain("example-token");
  expect(stdout).toMatch(/reconciled source at \S+Z, kustomization at \S+Z/);
  expect(stdout).toContain("status: ready=true reason=Succeeded revision=master@sha1:");
  expect(stdout).toContain(`└─ GitRepository/${ns}/podinfo  Ready  master@sha1:`);
  expect(stdout).toMatch(/event: Normal NewArtifact: stored artifact/);
  expect(stdout).toContain("suspended: true");
  expect(stdout).toContain("resumed: suspended=false, handled=true");
  expect(stdout).toContain("applied HelmRelease/podinfo-helm from HelmRepository/podinfo-helm");
  expect(lines.at(-1)).toMatch(new RegExp(`^cleaned up namespace ${ns} `));
});
