/**
 * Runs examples/gitops.ts and examples/demo.ts on Bun against the contract cluster and its
 * real Flux controllers: the manifests gitops.ts applies are pushed to the loopback Git server
 * first (demo.ts pushes its own), a chart is published to the loopback Helm repository, and
 * every line checked comes from what the controllers did. The examples run on Bun whichever
 * runtime runs the suite, so only the Bun run of the suite spawns them.
 */
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, inject, test } from "vitest";
import { GitWorkspace } from "../flux/git-workspace.ts";
import { publishChart } from "../flux/helm-chart.ts";
import { REAL_FLUX_SELECTOR } from "../flux/launcher.ts";
import { runChild } from "../support/child-output.ts";
import { appManifests } from "./flux-real.ts";

const root = fileURLToPath(new URL("../..", import.meta.url));
const cluster = inject("cluster");
const flux = cluster.flux;
const bun = join(root, "node_modules", ".bin", "bun");
const suiteOnBun = typeof (globalThis as { Bun?: unknown }).Bun !== "undefined";

describe.skipIf(!flux || !cluster.nodes || !suiteOnBun)("examples on Bun with the real Flux controllers", () => {
  test("gitops.ts: credentials, the pair, tree, trace, events, suspend/resume, a HelmRelease, stats, export", { timeout: 240_000 }, async () => {
    const repo = await GitWorkspace.create(flux!.git, `examples/gitops-${Date.now().toString(36)}`);
    const chart = `example-${Date.now().toString(36)}`;
    try {
      const commit = await repo.commitAndPush(appManifests({ colour: "blue", release: "1" }), "app");
      publishChart(flux!.helm.dir, {
        name: chart,
        version: "1.0.0",
        templates: { "cm.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ .Release.Name }}\ndata:\n  from: chart\n" },
      });
      const { code, stdout, stderr } = await runChild(bun, [join(root, "examples", "gitops.ts")], {
        cwd: root,
        env: {
          ...process.env,
          KUBECONFIG: cluster.kubeconfigs.admin,
          GIT_URL: repo.url,
          GIT_PATH: "./deploy",
          GIT_USERNAME: flux!.git.username,
          GIT_PASSWORD: flux!.git.password,
          GIT_CA_FILE: flux!.git.caFile,
          HELM_REPOSITORY_URL: flux!.helm.url,
          HELM_CHART: chart,
          HELM_CA_FILE: flux!.helm.caFile,
          FLUX_LABELS: REAL_FLUX_SELECTOR,
        },
        killAfterMs: 220_000,
      });
      expect(stderr).toBe("");
      expect(code).toBe(0);
      const lines = stdout.trim().split("\n");
      const ns = /^namespace (gitops-[a-z0-9]+)$/.exec(lines[0] ?? "")?.[1];
      expect(ns).toBeDefined();
      const revision = `main@sha1:${commit}`;
      expect(stdout).toContain(`credentials: {"username":"${flux!.git.username}","password":"REDACTED"}`);
      expect(stdout).not.toContain(flux!.git.password);
      expect(stdout).toMatch(new RegExp(`^Kustomization ready: applied ${revision} in [\\d.]+ s$`, "m"));
      expect(stdout).toContain("reconciled: source handled true, kustomization handled true");
      expect(stdout).toContain(`status: ready=true reason=ReconciliationSucceeded revision=${revision}`);
      expect(lines).toContain(`Kustomization/${ns}/app  Ready  ${revision}`);
      expect(lines).toContain(`├─ GitRepository/${ns}/app  Ready  ${revision}`);
      expect(lines.filter((l) => /^[├└]─ (Deployment|Service|ConfigMap)\//.test(l)).map((l) => l.slice(3)).sort()).toEqual([
        `ConfigMap/${ns}/settings`,
        `Deployment/${ns}/web`,
        `Service/${ns}/web`,
      ]);
      expect(stdout).toContain(`Object:         Deployment/web\nNamespace:      ${ns}\nStatus:         Managed by Flux\n---\nKustomization:  app`);
      expect(stdout).toContain("event: Normal NewArtifact: stored artifact for commit 'app'");
      expect(stdout).toContain("suspended: true");
      expect(stdout).toContain("resumed: suspended=false, handled=true");
      expect(stdout).toContain(`HelmRelease ${chart} ready: chart 1.0.0, release deployed`);
      expect(stdout).toMatch(/^GitRepository\s+1\s+1\s+0\s+0\s+\d/m);
      expect(stdout).toMatch(/^HelmRelease\s+1\s+1\s+0\s+0\s+-$/m);
      // As `flux export` prints it: annotations (the reconcile request the example made) and labels kept, nothing server-set.
      expect(stdout).toMatch(
        new RegExp(
          `^---\\napiVersion: kustomize.toolkit.fluxcd.io/v1\\nkind: Kustomization\\nmetadata:\\n  annotations:\\n    reconcile.fluxcd.io/requestedAt: '\\S+Z'\\n` +
            `  labels:\\n    bun-k8s.test/flux-controllers: real\\n  name: app\\n  namespace: ${ns}\\nspec:\\n(  .*\\n)+cleaned up`,
          "m",
        ),
      );
      expect(stdout.slice(stdout.indexOf("kind: Kustomization\nmetadata:"))).not.toMatch(/status:|uid:|resourceVersion|managedFields|generation:/);
      expect(lines.at(-1)).toMatch(new RegExp(`^cleaned up namespace ${ns} `));
    } finally {
      repo.remove();
    }
  });

  test("demo.ts: a commit applied, the Deployment Ready on kwok, a second commit applied after reconcile", { timeout: 240_000 }, async () => {
    const { code, stdout, stderr } = await runChild(bun, [join(root, "examples", "demo.ts")], {
      cwd: root,
      env: { ...process.env, KUBECONFIG: cluster.kubeconfigs.admin, BUN_K8S_DEMO_GIT: JSON.stringify(flux!.git), FLUX_LABELS: REAL_FLUX_SELECTOR },
      killAfterMs: 220_000,
    });
    expect(stderr).toBe("");
    expect(code).toBe(0);
    expect(stdout).toMatch(/^connected to https:\/\/127\.0\.0\.1:\d+ \(Kubernetes v[\d.]+\) from Bun [\d.]+$/m);
    expect(stdout).toContain('ConfigMap settings: {"colour":"blue","owner":"demo","size":"large"}');
    const first = /^pushed ([0-9a-f]{7}) \(deploy web, 2 replicas\) to /m.exec(stdout)?.[1];
    const second = /^pushed ([0-9a-f]{7}) \(3 replicas\); reconciled, applied main@sha1:([0-9a-f]{40}) and Ready after [\d.]+ s$/m.exec(stdout);
    expect(first).toBeDefined();
    expect(stdout).toMatch(new RegExp(`^Kustomization web Ready at main@sha1:${first}[0-9a-f]{33} after [\\d.]+ s$`, "m"));
    expect(second?.[2]?.startsWith(second[1]!)).toBe(true);
    const nodes = (cluster.nodes?.names ?? []).join("|");
    expect(stdout).toMatch(new RegExp(`^Deployment web: 2/2 Ready \\(RELEASE=1\\), pods on (${nodes})(, (${nodes}))*$`, "m"));
    expect(stdout).toMatch(new RegExp(`^Deployment web: 3/3 Ready \\(RELEASE=2\\), pods on (${nodes})(, (${nodes}))*$`, "m"));
    expect(stdout).toMatch(/^└─ Deployment\/demo-[a-z0-9]+\/web$/m);
    expect(stdout).not.toContain(flux!.git.password);
    expect(stdout.trim().split("\n").at(-1)).toMatch(/^cleaned up namespace demo-[a-z0-9]+ /);
  });
});
