/** kube.version(): the server's /version, typed, the same that `kubectl version` reports. */
import { execFileSync } from "node:child_process";
import { describe, expect, inject, test } from "vitest";
import { KubeClient } from "../../src/client/kube-client.ts";

const cluster = inject("cluster");

describe("kube.version()", () => {
  test("answers what kubectl version reports, typed", async () => {
    const kube = await KubeClient.load({ kubeconfigPath: cluster.kubeconfigs.token });
    try {
      const version = await kube.version();
      const kubectl = JSON.parse(execFileSync(cluster.kubectl, ["version", "-o", "json"], { env: { ...process.env, KUBECONFIG: cluster.kubeconfigs.admin } }).toString()) as {
        serverVersion: Record<string, string>;
      };
      expect(version).toEqual(kubectl.serverVersion);
      if (cluster.expectedVersion) expect(version.gitVersion).toBe(cluster.expectedVersion);
      expect(`v${version.major}.${version.minor.replace(/\+$/, "")}`).toBe(version.gitVersion.split(".").slice(0, 2).join("."));
    } finally {
      kube.close();
    }
  });
});
