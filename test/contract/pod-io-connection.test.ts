/**
 * The WebSocket upgrades of pod I/O use the whole connection, as HTTP requests do: a
 * bearer token, impersonation with several groups (one header line each), proxy-url
 * (CONNECT tunnel, TLS end to end), tls-server-name; and the proxy subresources of nodes,
 * pods and services, with what the API server does with this cluster's addresses.
 * Local control plane with nodes only.
 */
import { afterAll, beforeAll, describe, expect, inject, test } from "vitest";
import { ApiError, TlsError } from "../../src/base/errors.ts";
import type { KubeClient } from "../../src/client/kube-client.ts";
import { exec } from "../../src/pod-io/index.ts";
import { Namespace, Node, Pod, Service } from "../../generated/k8s/core/v1/index.ts";
import { startConnectProxy } from "../support/connect-proxy.ts";
import { readKubeconfigMaterial } from "../support/kubeconfig-material.ts";
import { readyPod } from "../support/pod-fixture.ts";
import { b64, Clients, clusterEntry, failure, tempDir, writeKubeconfig } from "./auth-fixtures.ts";

const cluster = inject("cluster");
const POD = "shell";

describe.skipIf(!cluster.nodes)("pod I/O over the connection's credentials, identity, proxy and TLS settings", () => {
  const t = tempDir("bun-k8s-pod-io-conn-");
  const clients = new Clients(t);
  let admin: KubeClient;
  let ns: string;
  const token = readKubeconfigMaterial(cluster.kubeconfigs.token).token!;
  const adminTls = readKubeconfigMaterial(cluster.kubeconfigs.admin).tls;
  const adminUser = { "client-certificate-data": b64(adminTls.cert!), "client-key-data": b64(adminTls.key!) };
  const whoami = (kube: KubeClient) => exec(kube.api(Pod, { namespace: ns }), POD, ["echo", "ran"]);

  beforeAll(async () => {
    admin = await clients.load(cluster.kubeconfigs.admin);
    ns = (await admin.api(Namespace).create({ metadata: { generateName: "pod-io-conn-" } })).metadata!.name!;
    await readyPod(cluster, admin.connection, ns, POD);
  });
  afterAll(async () => {
    await admin?.api(Namespace).delete(ns).catch(() => undefined);
    clients.closeAll();
    t.remove();
  });

  test("a bearer token", async () => {
    const kube = await clients.load(cluster.kubeconfigs.token);
    expect(await whoami(kube)).toEqual({ stdout: "ran\n", stderr: "" });
  });

  test("impersonation: a user alone is forbidden; with two groups, sent as two header lines, system:masters lets it in", async () => {
    const jane = await clients.load(cluster.kubeconfigs.admin, { impersonate: { user: "jane" } });
    const denied = await failure(whoami(jane));
    expect(denied).toBeInstanceOf(ApiError);
    expect(denied).toMatchObject({ code: 403, reason: "Forbidden" });
    expect((denied as ApiError).status.message).toMatch(/User "jane" cannot (get|create) resource "pods\/exec"/);
    const masters = await clients.load(cluster.kubeconfigs.admin, { impersonate: { user: "jane", groups: ["team-b", "system:masters"] } });
    expect((await whoami(masters)).stdout).toBe("ran\n");
  });

  test("proxy-url: the WebSocket goes through the CONNECT proxy", async () => {
    const proxy = await startConnectProxy();
    try {
      const file = writeKubeconfig(t, "proxy/kubeconfig", { cluster: clusterEntry({ "proxy-url": proxy.url }), user: adminUser });
      const kube = await clients.load(file);
      expect((await whoami(kube)).stdout).toBe("ran\n");
      expect(proxy.tunnels).toContain(new URL(cluster.server).host);
    } finally {
      await proxy.close();
    }
  });

  test("tls-server-name: the alias on the certificate works, a name not on it fails with TlsError", async () => {
    const good = writeKubeconfig(t, "alias/kubeconfig", { cluster: clusterEntry({ "tls-server-name": cluster.serverNameAlias }), user: { token } });
    expect((await whoami(await clients.load(good))).stdout).toBe("ran\n");
    const bad = writeKubeconfig(t, "wrong/kubeconfig", { cluster: clusterEntry({ "tls-server-name": "not-on-the-certificate.bun-k8s.invalid" }), user: { token } });
    const e = await failure(whoami(await clients.load(bad)));
    expect(e).toBeInstanceOf(TlsError);
  });

  test("proxy subresources: the request reaches the right handler, which refuses this cluster's addresses", async () => {
    const node = cluster.nodes!.names[0]!;
    // kwok registers its nodes at 127.0.0.1; the API server does not proxy to loopback.
    const nodeProxy = await failure(admin.api(Node).proxy(node, { path: "/healthz" }));
    expect(nodeProxy).toBeInstanceOf(ApiError);
    expect(nodeProxy).toMatchObject({ code: 400, site: { path: `/api/v1/nodes/${node}/proxy/healthz` } });
    expect((nodeProxy as ApiError).status.message).toBe("address not allowed");
    const withPort = await failure(admin.api(Node).proxy(node, { port: 10250, scheme: "https", path: "/pods" }));
    expect(withPort).toMatchObject({ site: { path: `/api/v1/nodes/https:${node}:10250/proxy/pods` } });

    // A pod's IP (10.244.0.0/16, from kwok) is not reachable from here.
    const podProxy = await failure(admin.api(Pod, { namespace: ns }).proxy(POD, { port: 8080, path: "/status" }));
    expect(podProxy).toBeInstanceOf(ApiError);
    expect((podProxy as ApiError).code).toBeGreaterThanOrEqual(400);
    expect(podProxy).toMatchObject({ site: { path: `/api/v1/namespaces/${ns}/pods/${POD}:8080/proxy/status` } });

    // A service without endpoints: the API server says so.
    await admin.api(Service, { namespace: ns }).create({ metadata: { name: "web" }, spec: { ports: [{ name: "http", port: 80 }] } });
    const serviceProxy = await failure(admin.api(Service, { namespace: ns }).proxy("web", { port: "http", path: "/" }));
    expect(serviceProxy).toMatchObject({ code: 503, site: { path: `/api/v1/namespaces/${ns}/services/web:http/proxy/` } });
    expect((serviceProxy as ApiError).status.message).toMatch(/no endpoints available for service "web"/);
  });
});
