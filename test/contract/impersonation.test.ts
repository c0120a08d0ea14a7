/**
 * Impersonation from kubeconfig fields (as, as-uid, as-groups, as-user-extra) and from
 * KubeClient.load({ impersonate }) (kubectl --as), judged by the real API server's
 * authorizer: the admin may impersonate anyone; the restricted user gets 403, except for
 * what its namespace-admin role grants (impersonating a ServiceAccount of its namespace).
 */
import { readFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import yaml from "js-yaml";
import { afterAll, describe, expect, test } from "vitest";
import { ApiError, isForbidden } from "../../src/base/errors.ts";
import { ConfigMap } from "../../generated/k8s/core/v1/index.ts";
import { Clients, cluster, failure, tempDir, whoAmI } from "./auth-fixtures.ts";

const t = tempDir("bun-k8s-impersonation-");
const clients = new Clients(t);
afterAll(() => {
  clients.closeAll();
  t.remove();
});

type Doc = Record<string, unknown>;

/**
 * A copy of one of the suite's kubeconfigs with impersonation fields added to its user.
 * Relative paths in the original become absolute so the copy still finds them.
 */
function withImpersonation(original: string, rel: string, fields: Doc): string {
  const doc = yaml.load(readFileSync(original, "utf8")) as { users: { user: Doc }[]; clusters: { cluster: Doc }[] };
  const absolute = (entry: Doc, key: string) => {
    if (typeof entry[key] === "string") entry[key] = resolve(dirname(original), entry[key]);
  };
  for (const { user } of doc.users) {
    for (const key of ["client-certificate", "client-key", "tokenFile"]) absolute(user, key);
    Object.assign(user, fields);
  }
  for (const { cluster: c } of doc.clusters) absolute(c, "certificate-authority");
  return t.write(rel, doc);
}

describe("impersonation by the admin", () => {
  test("as, as-uid, as-groups and as-user-extra from the kubeconfig are what the server sees", async () => {
    const file = withImpersonation(cluster.kubeconfigs.admin, "admin-as-jane.kubeconfig", {
      as: "jane",
      "as-uid": "uid-jane-42",
      "as-groups": ["team-a", "team-b"],
      "as-user-extra": { "example.com/reason": ["on-call"], scopes: ["view", "debug"] },
    });
    const kube = await clients.load(file);
    const me = await whoAmI(kube);
    expect(me.username).toBe("jane");
    expect(me.uid).toBe("uid-jane-42");
    expect(me.groups).toEqual(expect.arrayContaining(["team-a", "team-b", "system:authenticated"]));
    expect(me.groups).not.toContain("system:masters");
    expect(me.extra).toEqual({ "example.com/reason": ["on-call"], scopes: ["view", "debug"] });
    // jane has no RBAC grants: the impersonated identity, not the admin's, is authorized.
    expect(isForbidden(await failure(kube.api(ConfigMap, { namespace: "default" }).list()))).toBe(true);
  });

  test("KubeClient.load({ impersonate }) replaces the kubeconfig's as-fields, like kubectl --as", async () => {
    const file = withImpersonation(cluster.kubeconfigs.admin, "admin-as-jane-2.kubeconfig", { as: "jane", "as-groups": ["team-a"] });
    const kube = await clients.load(file, { impersonate: { user: "bob", groups: ["system:masters"] } });
    const me = await whoAmI(kube);
    expect(me.username).toBe("bob");
    expect(me.groups).toContain("system:masters");
    expect(me.groups).not.toContain("team-a");
    // bob in system:masters may do anything.
    expect((await kube.api(ConfigMap, { namespace: "default" }).list()).kind).toBe("ConfigMapList");
  });
});

describe("impersonation by the restricted user", () => {
  test.each([
    ["a user", { as: "jane" }],
    ["a group", { as: "jane", "as-groups": ["system:masters"] }],
    ["a ServiceAccount of another namespace", { as: "system:serviceaccount:kube-system:default" }],
  ])("is refused with 403 when impersonating %s", async (_what, fields) => {
    const file = withImpersonation(cluster.kubeconfigs.restricted, `restricted-${Object.values(fields).flat().join("-").replace(/[^\w-]/g, "_")}.kubeconfig`, fields);
    const kube = await clients.load(file);
    const e = await failure(whoAmI(kube));
    expect(e).toBeInstanceOf(ApiError);
    expect(isForbidden(e)).toBe(true);
    expect((e as ApiError).code).toBe(403);
    expect((e as ApiError).status.message).toMatch(/cannot impersonate/);
  });

  test("may impersonate a ServiceAccount of its own namespace (granted by the namespace admin role)", async () => {
    const sa = `system:serviceaccount:${cluster.restrictedNamespace}:default`;
    const file = withImpersonation(cluster.kubeconfigs.restricted, "restricted-as-own-sa.kubeconfig", { as: sa });
    const me = await whoAmI(await clients.load(file));
    expect(me.username).toBe(sa);
    expect(me.groups).toEqual(expect.arrayContaining(["system:serviceaccounts", `system:serviceaccounts:${cluster.restrictedNamespace}`]));
  });
});
