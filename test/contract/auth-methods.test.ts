/**
 * Every way a kubeconfig (or a pod) authenticates, end to end through our stack
 * (kubeconfig file -> KubeClient.load -> Connection -> transport) against the real API
 * server, which tells us through SelfSubjectReview whom it saw: client certificates from
 * files and -data fields (and renewed files), bearer tokens, a token file rotated under a
 * live client, a ServiceAccount token from the TokenRequest API, and in-cluster config read
 * from a simulated service-account folder. Exec plugins are in exec-plugins.test.ts.
 */
import { readFileSync, renameSync, writeFileSync } from "node:fs";
import { describe, expect, test } from "vitest";
import { isForbidden } from "../../src/base/errors.ts";
import { ConfigMap, Namespace, ServiceAccount } from "../../generated/k8s/core/v1/index.ts";
import { Role, RoleBinding } from "../../generated/k8s/rbac/v1/index.ts";
import {
  authSuite,
  b64,
  cluster,
  clusterEntry,
  failure,
  notApplicable,
  sleep,
  whoAmI,
  writeKubeconfig,
} from "./auth-fixtures.ts";

const { t, clients, certs, admin, user } = authSuite("bun-k8s-auth-methods-");

/** WatchedFile looks at a file's mtime at most once a second; wait that out. */
const FILE_CHECK_MS = 1_100;

describe("client certificates", () => {
  test("from files (relative paths, resolved against the kubeconfig's folder)", async (ctx) => {
    if ("missing" in certs) notApplicable(ctx, certs.missing);
    t.write("cert-files/pki/user.crt", certs.first.cert);
    t.write("cert-files/pki/user.key", certs.first.key);
    const file = writeKubeconfig(t, "cert-files/kubeconfig", {
      cluster: clusterEntry(),
      user: { "client-certificate": "pki/user.crt", "client-key": "pki/user.key" },
    });
    const kube = await clients.load(file);
    expect(kube.config?.auth.description).toBe(`client-certificate ${t.path("cert-files/pki/user.crt")}`);
    expect((await whoAmI(kube)).username).toBe(await certs.first.expectedUser());
  });

  test("from client-certificate-data and client-key-data", async (ctx) => {
    if ("missing" in certs) notApplicable(ctx, certs.missing);
    const file = writeKubeconfig(t, "cert-data/kubeconfig", {
      cluster: clusterEntry(),
      user: { "client-certificate-data": b64(certs.second.cert), "client-key-data": b64(certs.second.key) },
    });
    const kube = await clients.load(file);
    expect(kube.config?.auth.description).toBe("client-certificate (inline data)");
    expect((await whoAmI(kube)).username).toBe(await certs.second.expectedUser());
  });

  test("renewed certificate files are picked up by a live client (new pool, new identity)", async (ctx) => {
    if ("missing" in certs) notApplicable(ctx, certs.missing);
    if (certs.first.cert === certs.second.cert) notApplicable(ctx, "only one trusted client certificate is available, so a renewal cannot be told apart");
    const cert = t.write("cert-renewal/user.crt", certs.first.cert);
    const key = t.write("cert-renewal/user.key", certs.first.key);
    const file = writeKubeconfig(t, "cert-renewal/kubeconfig", { cluster: clusterEntry(), user: { "client-certificate": cert, "client-key": key } });
    const kube = await clients.load(file);
    expect((await whoAmI(kube)).username).toBe(await certs.first.expectedUser());
    writeFileSync(key, certs.second.key);
    writeFileSync(cert, certs.second.cert);
    await sleep(FILE_CHECK_MS);
    expect((await whoAmI(kube)).username).toBe(await certs.second.expectedUser());
  });
});

describe("bearer tokens", () => {
  test("token", async () => {
    const file = writeKubeconfig(t, "token/kubeconfig", { cluster: clusterEntry(), user: { token: user(0).token } });
    expect((await whoAmI(await clients.load(file))).username).toBe(user(0).username);
  });

  test("tokenFile rotated under a live client: the next request after the file check uses the new token", async () => {
    const tokenFile = t.write("token-file/secrets/token", `${user(0).token}\n`);
    const file = writeKubeconfig(t, "token-file/kubeconfig", { cluster: clusterEntry(), user: { tokenFile: "secrets/token" } });
    const kube = await clients.load(file);
    expect(kube.config?.auth.description).toBe(`token-file ${tokenFile}`);
    expect((await whoAmI(kube)).username).toBe(user(0).username);

    // Rotate the way kubelet does: write a new file, then rename it over the old one.
    writeFileSync(`${tokenFile}.new`, `${user(1).token}\n`);
    renameSync(`${tokenFile}.new`, tokenFile);
    await sleep(FILE_CHECK_MS);
    // Both tokens are valid: no 401 forces a re-read, the file change alone must.
    expect((await whoAmI(kube)).username).toBe(user(1).username);
    expect((await whoAmI(kube)).username).toBe(user(1).username);
  });
});

describe("a ServiceAccount token from the TokenRequest API", () => {
  test("is minted through our client and authenticates as the ServiceAccount, within its Role", async () => {
    const ns = (await admin().api(Namespace).create({ metadata: { generateName: "bun-k8s-tokenrequest-" } })).metadata!.name!;
    try {
      await admin().api(ServiceAccount, { namespace: ns }).create({ metadata: { name: "robot" } });
      await admin().api(Role, { namespace: ns }).create({
        metadata: { name: "configmap-editor" },
        rules: [{ apiGroups: [""], resources: ["configmaps"], verbs: ["get", "list", "create", "delete"] }],
      });
      await admin().api(RoleBinding, { namespace: ns }).create({
        metadata: { name: "robot-edits-configmaps" },
        roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "Role", name: "configmap-editor" },
        subjects: [{ kind: "ServiceAccount", name: "robot", namespace: ns }],
      });
      const issued = await admin().api(ServiceAccount, { namespace: ns }).createToken("robot", { expirationSeconds: 600 });
      const token = issued.status?.token;
      expect(token).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+$/);
      expect(Date.parse(issued.status!.expirationTimestamp) - Date.now()).toBeGreaterThan(500_000);

      const file = writeKubeconfig(t, "tokenrequest/kubeconfig", { cluster: clusterEntry(), user: { token }, namespace: ns });
      const robot = await clients.load(file);
      expect(robot.namespace).toBe(ns);
      expect(await whoAmI(robot)).toMatchObject({
        username: `system:serviceaccount:${ns}:robot`,
        groups: expect.arrayContaining(["system:serviceaccounts", `system:serviceaccounts:${ns}`]),
      });
      // The RBAC authorizer sees the new RoleBinding through an informer: allow it a moment.
      const configMaps = robot.api(ConfigMap, { namespace: ns });
      const deadline = Date.now() + 10_000;
      for (;;) {
        const outcome = await configMaps.create({ metadata: { name: "made-by-robot" }, data: { ok: "yes" } }).catch((e: unknown) => e);
        if (!isForbidden(outcome) || Date.now() > deadline) {
          expect(outcome).toMatchObject({ metadata: { name: "made-by-robot", namespace: ns } });
          break;
        }
        await sleep(100);
      }
      expect(isForbidden(await failure(robot.api(ConfigMap, { namespace: "default" }).list()))).toBe(true);
      expect(isForbidden(await failure(robot.api(Namespace).list()))).toBe(true);
    } finally {
      await admin().api(Namespace).delete(ns).catch(() => undefined);
    }
  });
});

describe("in-cluster config from a simulated service-account folder", () => {
  test("server from KUBERNETES_SERVICE_HOST/PORT, CA, namespace and a token re-read when it rotates", async (ctx) => {
    const server = new URL(cluster.server);
    if (server.pathname !== "/") notApplicable(ctx, `the server URL has a path prefix (${server.pathname}), which in-cluster config cannot express`);
    const sa = {
      token: t.write("in-cluster/serviceaccount/token", user(0).token),
      ca: t.write("in-cluster/serviceaccount/ca.crt", readFileSync(cluster.caFile, "utf8")),
      namespace: t.write("in-cluster/serviceaccount/namespace", "team-in-cluster\n"),
    };
    const env = clients.env({ KUBERNETES_SERVICE_HOST: server.hostname, KUBERNETES_SERVICE_PORT: server.port || "443" });
    // No kubeconfig anywhere (HOME is empty, no KUBECONFIG): loadConfig falls back to in-cluster.
    const kube = await clients.load(undefined, {
      env,
      inCluster: { tokenFile: sa.token, caFile: sa.ca, namespaceFile: sa.namespace },
    });
    expect(kube.config?.server).toBe(`https://${server.host}`);
    expect(kube.config?.contextName).toBeUndefined();
    expect(kube.namespace).toBe("team-in-cluster");
    expect(kube.describe()).toMatchObject({ auth: `token-file ${sa.token}`, tls: { ca: "DATA+OMITTED", rejectUnauthorized: true } });
    expect((await whoAmI(kube)).username).toBe(user(0).username);

    writeFileSync(`${sa.token}.new`, user(1).token);
    renameSync(`${sa.token}.new`, sa.token);
    await sleep(FILE_CHECK_MS);
    expect((await whoAmI(kube)).username).toBe(user(1).username);
  });

  test("without KUBERNETES_SERVICE_HOST there is no silent fallback", async () => {
    const e = await failure(clients.load(undefined, { env: clients.env(), inCluster: { tokenFile: t.path("in-cluster/none") } }));
    expect(e.name).toBe("ConfigError");
    expect(e.message).toMatch(/no Kubernetes configuration found/);
  });
});
