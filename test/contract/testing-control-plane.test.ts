/**
 * bun-k8s/testing's startControlPlane: a second, private control plane started the way a
 * user's test starts it, with CRDs from an object and from a YAML file, a kwok node and the
 * Flux controllers; reachable through the kubeconfig it hands back; a pod on the node goes
 * Running, source-controller reconciles a GitRepository; gone (processes and files) after stop().
 */
import { inspect } from "node:util";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, test } from "vitest";
import { KubeClient, ValidationError, dynamicResource, isAbortError } from "../../src/index.ts";
import { Namespace, Pod } from "../../generated/k8s/core/v1/index.ts";
import { GitRepository } from "../../generated/flux/source/v1/index.ts";
import { pollUntil } from "../support/poll-until.ts";
import { startControlPlane, type StartedControlPlane } from "../../src/testing/index.ts";
import { SecretMirror, secretMirrorCrd } from "../../examples/operator/secret-mirror.ts";
import { TransportError } from "../../src/base/errors.ts";

const dir = mkdtempSync(join(tmpdir(), "bun-k8s-testing-"));
let cp: StartedControlPlane | undefined;
afterAll(async () => {
  await cp?.stop();
  rmSync(dir, { recursive: true, force: true });
});

const widgetsYaml = `apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  name: widgets.example.bun-k8s.dev
spec:
  group: example.bun-k8s.dev
  names: { kind: Widget, plural: widgets, singular: widget, listKind: WidgetList }
  scope: Namespaced
  versions:
    - name: v1
      served: true
      storage: true
      schema:
        openAPIV3Schema:
          type: object
          x-kubernetes-preserve-unknown-fields: true
`;

describe("startControlPlane", () => {
  test("refuses a node count it cannot start, before starting anything", async () => {
    await expect(startControlPlane({ kwok: -1 })).rejects.toBeInstanceOf(ValidationError);
    await expect(startControlPlane({ kwok: 2.5 })).rejects.toThrow(/kwok must be true, false or a number of nodes/);
  });

  test("starts a private control plane with CRDs, a kwok node and the Flux controllers, hands back its kubeconfigs, and stop() leaves nothing", async () => {
    const file = join(dir, "widgets.yaml");
    writeFileSync(file, widgetsYaml);
    const lines: string[] = [];
    cp = await startControlPlane({ crds: [secretMirrorCrd, file], kwok: 1, flux: true, log: (l) => lines.push(l) });
    expect(cp.nodes?.names).toHaveLength(1);
    expect(cp.flux?.git.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    expect(cp.flux?.git.password.length).toBeGreaterThan(10);
    // Printed or serialised, the servers never show the Git password.
    expect(inspect(cp.flux, { depth: 5 })).not.toContain(cp.flux!.git.password);
    expect(JSON.stringify(cp)).not.toContain(cp.flux!.git.password);
    expect(cp.crds.sort()).toEqual(["secretmirrors.mirror.bun-k8s.dev", "widgets.example.bun-k8s.dev"]);
    expect(cp.server).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    expect(cp.version).toMatch(/^v1\.\d+\.\d+/);
    expect(cp.timings.built).toBe(false); // the suite's own start built it already
    const kube = await KubeClient.load({ kubeconfigPath: cp.kubeconfig });
    try {
      expect(kube.connection.server).toBe(cp.server);
      const names = (await kube.api(Namespace).list()).items.map((n) => n.metadata?.name);
      expect(names).toContain("kube-system");
      expect(names).toContain(cp.restrictedNamespace);
      expect((await kube.api(SecretMirror, { namespace: "default" }).list()).items).toEqual([]);
      const Widget = dynamicResource({ group: "example.bun-k8s.dev", version: "v1", plural: "widgets", namespaced: true, kind: "Widget" });
      await kube.api(Widget, { namespace: "default" }).create({ metadata: { name: "w" }, size: 3 });
      expect((await kube.api(Widget, { namespace: "default" }).get("w")).size).toBe(3);
      // kwok runs the pod on its node.
      const pods = kube.api(Pod, { namespace: "default" });
      await pods.create({ metadata: { name: "p" }, spec: { containers: [{ name: "app", image: "registry.invalid/app:1" }] } });
      const running = await pollUntil("the pod Running", async () => ((await pods.get("p")).status?.phase === "Running" ? pods.get("p") : undefined), 90_000);
      expect(running.spec?.nodeName).toBe(cp.nodes!.names[0]);
      // source-controller reconciles: a repository the Git server does not hold (and no credentials) is reported not Ready.
      const repos = kube.api(GitRepository, { namespace: "default" });
      await repos.create({ metadata: { name: "absent" }, spec: { url: `${cp.flux!.git.url}/absent.git`, interval: "1m", ref: { branch: "main" } } });
      const ready = await pollUntil(
        "source-controller's Ready condition",
        async () => {
          const repo = await repos.get("absent");
          // Unknown while it is still trying; then False, with the Git server's refusal.
          return repo.status?.conditions?.find((c) => c.type === "Ready" && c.observedGeneration === repo.metadata?.generation && c.status !== "Unknown");
        },
        90_000,
      );
      expect(ready).toMatchObject({ status: "False", reason: "GitOperationFailed" });
    } finally {
      kube.close();
    }
    const kubeconfig = cp.kubeconfig;
    await cp.stop();
    await cp.stop(); // idempotent
    expect(existsSync(kubeconfig)).toBe(false);
    const after = await KubeClient.fromConfig(
      { contextName: "x", clusterName: "x", userName: undefined, server: cp.server, namespace: "default", tls: { rejectUnauthorized: false }, disableCompression: false, auth: { description: "none", credentials: async () => ({ headers: {} }), invalidate: async () => false } },
      { retry: false, timeoutMs: 5_000 },
    )
      .api(Namespace)
      .list()
      .catch((e: unknown) => e);
    expect(after instanceof TransportError && !isAbortError(after)).toBe(true);
    cp = undefined;
  }, 420_000);
});
