/**
 * bun-k8s/testing's startControlPlane: a second, private control plane started the way a
 * user's test starts it, with CRDs from an object and from a YAML file; reachable through the
 * kubeconfig it hands back; gone (processes and files) after stop().
 */
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, test } from "vitest";
import { KubeClient, ValidationError, dynamicResource, isAbortError } from "../../src/index.ts";
import { Namespace } from "../../generated/k8s/core/v1/index.ts";
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
  test("refuses what this build cannot start", async () => {
    await expect(startControlPlane({ kwok: true })).rejects.toBeInstanceOf(ValidationError);
    await expect(startControlPlane({ flux: true })).rejects.toThrow(/not available in this build/);
  });

  test("starts a private control plane with CRDs, hands back its kubeconfigs, and stop() leaves nothing", async () => {
    const file = join(dir, "widgets.yaml");
    writeFileSync(file, widgetsYaml);
    const lines: string[] = [];
    cp = await startControlPlane({ crds: [secretMirrorCrd, file], log: (l) => lines.push(l) });
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
  }, 240_000);
});
