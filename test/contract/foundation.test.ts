/**
 * The foundation's contract: the control plane the suite runs is a real, TLS-serving
 * kube-apiserver with the authentication and RBAC set-up the rest of the suite relies on.
 * Uses the harness's mini client, not the SDK (the SDK has its own contract tests).
 */
import { describe, expect, inject, test } from "vitest";
import { readKubeconfigMaterial } from "../support/kubeconfig-material.ts";
import { miniRequest } from "../support/mini-client.ts";
import { expectedRuntime } from "../support/expected-runtime.ts";
import { runtimeInfo } from "../../src/base/runtime-info.ts";

const cluster = inject("cluster");
const admin = readKubeconfigMaterial(cluster.kubeconfigs.admin);

describe(`foundation (${cluster.mode} cluster ${cluster.server})`, () => {
  test("runs on the runtime the script asked for", () => {
    const expected = expectedRuntime();
    const actual = runtimeInfo();
    expect(["bun", "deno", "node"]).toContain(actual.name);
    if (expected) expect(actual.name).toBe(expected.name);
    if (expected?.major) expect(actual.version.split(".")[0]).toBe(expected.major);
  });

  test("/version reports the pinned Kubernetes version", async () => {
    const res = await miniRequest(`${admin.server}/version`, admin.tls, { token: admin.token });
    expect(res.status).toBe(200);
    const version = JSON.parse(res.body) as { gitVersion: string; major: string; minor: string };
    expect(version.gitVersion).toMatch(/^v1\.\d+\.\d+/);
    if (cluster.expectedVersion) {
      expect(version.gitVersion).toBe(cluster.expectedVersion);
      expect(`v${version.major}.${version.minor}`).toBe(cluster.expectedVersion.split(".").slice(0, 2).join("."));
    }
  });

  test("the admin lists namespaces with its client certificate", async () => {
    const res = await miniRequest(`${admin.server}/api/v1/namespaces`, admin.tls, { token: admin.token });
    expect(res.status).toBe(200);
    const list = JSON.parse(res.body) as { kind: string; items: { metadata: { name: string } }[] };
    expect(list.kind).toBe("NamespaceList");
    const names = list.items.map((n) => n.metadata.name);
    expect(names).toEqual(expect.arrayContaining(["default", "kube-system", cluster.restrictedNamespace]));
  });

  test("a call with no credentials is refused", async () => {
    const anonymous = readKubeconfigMaterial(cluster.kubeconfigs.anonymous);
    expect(anonymous.tls.cert).toBeUndefined();
    expect(anonymous.token).toBeUndefined();
    const res = await miniRequest(`${anonymous.server}/api/v1/namespaces`, anonymous.tls);
    // Local: --anonymous-auth=false gives 401. A kind cluster admits anonymous and forbids it: 403.
    expect(cluster.mode === "local" ? [401] : [401, 403]).toContain(res.status);
    if (res.status === 401) expect(JSON.parse(res.body)).toMatchObject({ kind: "Status", reason: "Unauthorized" });
  });

  test("the restricted user is refused outside its namespace and admitted inside", async () => {
    const restricted = readKubeconfigMaterial(cluster.kubeconfigs.restricted);
    const outside = await miniRequest(`${restricted.server}/api/v1/namespaces/default/configmaps`, restricted.tls, { token: restricted.token });
    expect(outside.status).toBe(403);
    expect(JSON.parse(outside.body)).toMatchObject({ kind: "Status", reason: "Forbidden" });
    const everywhere = await miniRequest(`${restricted.server}/api/v1/configmaps`, restricted.tls, { token: restricted.token });
    expect(everywhere.status).toBe(403);
    const inside = await miniRequest(`${restricted.server}/api/v1/namespaces/${cluster.restrictedNamespace}/configmaps`, restricted.tls, { token: restricted.token });
    expect(inside.status).toBe(200);
    expect(JSON.parse(inside.body)).toMatchObject({ kind: "ConfigMapList" });
  });

  test("the bearer-token user works", async () => {
    const tokenUser = readKubeconfigMaterial(cluster.kubeconfigs.token);
    expect(tokenUser.token).toBeTruthy();
    expect(tokenUser.tls.cert).toBeUndefined();
    const review = await miniRequest(`${tokenUser.server}/apis/authentication.k8s.io/v1/selfsubjectreviews`, tokenUser.tls, {
      method: "POST",
      token: tokenUser.token,
      body: JSON.stringify({ apiVersion: "authentication.k8s.io/v1", kind: "SelfSubjectReview" }),
    });
    expect(review.status).toBe(201);
    const user = (JSON.parse(review.body) as { status: { userInfo: { username: string } } }).status.userInfo.username;
    expect(user).toMatch(cluster.mode === "local" ? /^token-user$/ : /bun-k8s-token-user$/);
    const res = await miniRequest(`${tokenUser.server}/api/v1/namespaces/kube-system`, tokenUser.tls, { token: tokenUser.token });
    expect(res.status).toBe(200);
  });

  test("kube-controller-manager runs: the default ServiceAccount appears in a new namespace", async () => {
    const name = `foundation-${Date.now().toString(36)}`;
    const created = await miniRequest(`${admin.server}/api/v1/namespaces`, admin.tls, {
      method: "POST",
      token: admin.token,
      body: JSON.stringify({ apiVersion: "v1", kind: "Namespace", metadata: { name } }),
    });
    expect(created.status).toBe(201);
    let status = 0;
    for (let i = 0; i < 100 && status !== 200; i++) {
      status = (await miniRequest(`${admin.server}/api/v1/namespaces/${name}/serviceaccounts/default`, admin.tls, { token: admin.token })).status;
      if (status !== 200) await new Promise((r) => setTimeout(r, 200));
    }
    expect(status).toBe(200);
    await miniRequest(`${admin.server}/api/v1/namespaces/${name}`, admin.tls, { method: "DELETE", token: admin.token });
  });

  test("the Flux CRDs are installed and served", async () => {
    expect(cluster.fluxCrds).toBe(true);
    const res = await miniRequest(`${admin.server}/apis/source.toolkit.fluxcd.io/v1/gitrepositories`, admin.tls, { token: admin.token });
    expect(res.status).toBe(200);
    expect(JSON.parse(res.body)).toMatchObject({ kind: "GitRepositoryList" });
  });
});
