/**
 * Prepares an existing cluster (kind, or any cluster) for the contract suite, given an
 * admin kubeconfig in BUN_K8S_TEST_KUBECONFIG. It creates, through the harness's mini
 * client, what the local control plane would have made: a restricted ServiceAccount
 * confined to one namespace, a cluster-wide token user, and a CA-only kubeconfig.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fluxCrdFiles, installCrds } from "../controlplane/bootstrap.ts";
import { buildControlPlane } from "../controlplane/build.ts";
import { writeKubeconfig } from "../controlplane/kubeconfigs.ts";
import type { ClusterInfo } from "./cluster-info.ts";
import { readKubeconfigMaterial } from "./kubeconfig-material.ts";
import { miniRequest } from "./mini-client.ts";

const NAMESPACE = "bun-k8s-restricted";
const TOKEN_NAMESPACE = "bun-k8s-system";

export async function prepareExternalCluster(kubeconfig: string): Promise<{ info: ClusterInfo; cleanup: () => Promise<void> }> {
  const { server, tls, token } = readKubeconfigMaterial(kubeconfig);
  const ca = tls.ca;
  const call = async (method: string, path: string, body?: unknown) => {
    const res = await miniRequest(server + path, tls, { method, token, body: body === undefined ? undefined : JSON.stringify(body) });
    if (res.status >= 300 && res.status !== 409) throw new Error(`external setup ${method} ${path}: ${res.status} ${res.body.slice(0, 200)}`);
    return res.body;
  };

  const dir = mkdtempSync(join(tmpdir(), "bun-k8s-ext-"));
  const caFile = join(dir, "ca.crt");
  writeFileSync(caFile, ca);
  const tokenFor = async (namespace: string, name: string, roleRef: { kind: string; name: string }, clusterWide: boolean) => {
    await call("POST", "/api/v1/namespaces", { apiVersion: "v1", kind: "Namespace", metadata: { name: namespace } });
    await call("POST", `/api/v1/namespaces/${namespace}/serviceaccounts`, { apiVersion: "v1", kind: "ServiceAccount", metadata: { name } });
    const subjects = [{ kind: "ServiceAccount", name, namespace }];
    const rbac = "/apis/rbac.authorization.k8s.io/v1";
    if (clusterWide) {
      await call("POST", `${rbac}/clusterrolebindings`, { metadata: { name: `${name}-binding` }, roleRef: { apiGroup: "rbac.authorization.k8s.io", ...roleRef }, subjects });
    } else {
      await call("POST", `${rbac}/namespaces/${namespace}/rolebindings`, { metadata: { name: `${name}-binding` }, roleRef: { apiGroup: "rbac.authorization.k8s.io", ...roleRef }, subjects });
    }
    const body = await call("POST", `/api/v1/namespaces/${namespace}/serviceaccounts/${name}/token`, {
      apiVersion: "authentication.k8s.io/v1",
      kind: "TokenRequest",
      spec: { expirationSeconds: 7200 },
    });
    return (JSON.parse(body) as { status: { token: string } }).status.token;
  };
  const restrictedToken = await tokenFor(NAMESPACE, "bun-k8s-restricted", { kind: "ClusterRole", name: "admin" }, false);
  const userToken = await tokenFor(TOKEN_NAMESPACE, "bun-k8s-token-user", { kind: "ClusterRole", name: "cluster-admin" }, true);
  const fluxCrds = (await installCrds(server, tls, (await fluxCrdFiles()).files)).length > 0;

  const info: ClusterInfo = {
    mode: "external",
    server,
    expectedVersion: undefined,
    dir,
    kubeconfigs: {
      admin: kubeconfig,
      token: writeKubeconfig(dir, "token-user", server, caFile, { token: userToken }),
      restricted: writeKubeconfig(dir, "restricted", server, caFile, { token: restrictedToken }, NAMESPACE),
      anonymous: writeKubeconfig(dir, "anonymous", server, caFile, {}),
    },
    caFile,
    restrictedNamespace: NAMESPACE,
    pkiDir: undefined,
    serverNameAlias: undefined,
    staticTokens: {},
    kubectl: buildControlPlane().bin.kubectl,
    controlUrl: undefined,
    fluxCrds,
    // Its nodes are whatever the cluster has; pod I/O follows test/support/pod-io.ts only locally.
    nodes: undefined,
  };
  return { info, cleanup: async () => rmSync(dir, { recursive: true, force: true }) };
}
