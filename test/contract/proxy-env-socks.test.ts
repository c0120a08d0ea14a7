/**
 * Proxies a kubeconfig does not name, and SOCKS5, against the real API server and the kubectl
 * we build. The server is addressed by a name on its certificate that no DNS resolves
 * (apiserver.bun-k8s.test): only a proxy that maps it can reach it, so a request that works went
 * through the proxy, and one that NO_PROXY exempts fails. For each NO_PROXY value, our decision
 * must be kubectl's. SOCKS5 (proxy-url socks5://user:pass@...) is checked the same way, with
 * kubectl's own SOCKS client as the witness that the loopback proxy speaks the protocol.
 */
import { execFile } from "node:child_process";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { ConfigError, TransportError } from "../../src/base/errors.ts";
import { Namespace, ConfigMap } from "../../generated/k8s/core/v1/index.ts";
import { startConnectProxy, type ConnectProxy } from "../support/connect-proxy.ts";
import { readKubeconfigMaterial } from "../support/kubeconfig-material.ts";
import { startSocks5Proxy, type Socks5Proxy } from "../support/socks5-proxy.ts";
import { b64, Clients, cluster, failure, tempDir, writeKubeconfig } from "./auth-fixtures.ts";

const alias = cluster.serverNameAlias;
const t = tempDir("bun-k8s-proxy-env-");
const clients = new Clients(t);
const tokenUser = readKubeconfigMaterial(cluster.kubeconfigs.token);
const port = new URL(cluster.server).port;
const aliasServer = `https://${alias}:${port}`;
let connectProxy: ConnectProxy;
let socks: Socks5Proxy;

function kubeconfig(rel: string, extra: Record<string, string> = {}): string {
  return writeKubeconfig(t, rel, {
    cluster: { server: aliasServer, "certificate-authority-data": b64(tokenUser.tls.ca ?? ""), ...extra },
    user: { token: tokenUser.token ?? "" },
  });
}

/** Whether kubectl, with this environment, reaches the server. */
function kubectlReaches(file: string, env: Record<string, string>): Promise<boolean> {
  return new Promise((resolve) =>
    execFile(cluster.kubectl, ["get", "--raw", "/version", "--request-timeout=20s"], { env: { PATH: process.env.PATH ?? "", HOME: t.path("home"), KUBECONFIG: file, ...env } }, (error) =>
      resolve(error === null),
    ),
  );
}

/** Whether we, with this environment, reach the server (and whether we chose the proxy). */
async function weReach(file: string, env: Record<string, string>): Promise<{ proxy: string | undefined; reached: boolean }> {
  const kube = await clients.load(file, { env: clients.env(env), retry: false, timeoutMs: 20_000 });
  const reached = await kube.version().then(() => true, () => false);
  return { proxy: kube.config?.proxyUrl, reached };
}

beforeAll(async () => {
  if (!alias) return;
  connectProxy = await startConnectProxy({ [alias]: "127.0.0.1" });
  socks = await startSocks5Proxy({ login: { user: "proxy-user", password: "pw-never-printed" }, hosts: { [alias]: "127.0.0.1" } });
});
afterAll(async () => {
  clients.closeAll();
  await connectProxy?.close();
  await socks?.close();
  t.remove();
});

describe.runIf(alias)("HTTPS_PROXY and NO_PROXY, as client-go reads them", () => {
  test("HTTPS_PROXY carries the requests (TLS and the token end to end); the server name goes to the proxy", async () => {
    const file = kubeconfig("env/kubeconfig");
    const before = connectProxy.tunnels.length;
    const kube = await clients.load(file, { env: clients.env({ HTTPS_PROXY: connectProxy.url.replace("http://", "") }) });
    expect(kube.config?.proxyUrl).toBe(connectProxy.url);
    expect((await kube.api(Namespace).get("default")).metadata?.name).toBe("default");
    expect(connectProxy.tunnels.slice(before)).toContain(`${alias}:${port}`);
    // Without the proxy the name does not resolve: there is no silent direct connection.
    const direct = await clients.load(file, { env: clients.env(), retry: false, timeoutMs: 20_000 });
    expect(direct.config?.proxyUrl).toBeUndefined();
    expect(await failure(direct.api(Namespace).get("default"))).toBeInstanceOf(TransportError);
  });

  test.each([
    ["", true],
    [`${alias}`, false],
    [`bun-k8s.test`, false],
    [`.bun-k8s.test`, false],
    [`*.bun-k8s.test`, false],
    [`APIServer.Bun-K8s.TEST`, false],
    [`other.test, ${alias}:${port}`, false],
    [`${alias}:1`, true],
    ["k8s.test", true],
    ["127.0.0.0/8", true],
    ["*", false],
  ])("NO_PROXY=%j: proxied %s, as kubectl decides", async (noProxy, proxied) => {
    const file = kubeconfig(`no-proxy/${Buffer.from(noProxy).toString("hex") || "empty"}/kubeconfig`);
    const env = { https_proxy: connectProxy.url, NO_PROXY: noProxy };
    const ours = await weReach(file, env);
    expect(ours).toEqual({ proxy: proxied ? connectProxy.url : undefined, reached: proxied });
    expect(await kubectlReaches(file, env)).toBe(proxied);
  });

  test("a kubeconfig's proxy-url wins over the environment; loopback servers never use the environment's proxy", async () => {
    const file = kubeconfig("both/kubeconfig", { "proxy-url": socks.url });
    const kube = await clients.load(file, { env: clients.env({ HTTPS_PROXY: "http://127.0.0.1:9" }) });
    expect(kube.config?.proxyUrl).toBe(socks.url);
    const loopback = writeKubeconfig(t, "loopback/kubeconfig", { cluster: { server: cluster.server, "certificate-authority-data": b64(tokenUser.tls.ca ?? "") }, user: { token: tokenUser.token ?? "" } });
    expect((await weReach(loopback, { HTTPS_PROXY: "http://127.0.0.1:9" })).proxy).toBeUndefined();
    const bad = await clients.load(file, { env: clients.env({ HTTPS_PROXY: "ftp://x" }) }).then(() => "loaded", (e: unknown) => e);
    expect(bad).toBe("loaded"); // proxy-url wins; the bad variable is never read
    const badEnv = await KubeLoadError(kubeconfig("bad-env/kubeconfig"), { HTTPS_PROXY: "ftp://user:secret-pw@x" });
    expect(badEnv).toBeInstanceOf(ConfigError);
    expect(badEnv.message).toMatch(/HTTPS_PROXY\/HTTP_PROXY must use http, https or socks5, not ftp:/);
    expect(badEnv.message).not.toContain("secret-pw");
  });
});

async function KubeLoadError(file: string, env: Record<string, string>): Promise<Error> {
  return failure(clients.load(file, { env: clients.env(env) }));
}

describe.runIf(alias)("proxy-url socks5://", () => {
  test("requests and a watch go through SOCKS5 with a login; the proxy resolves the server's name; kubectl agrees", async () => {
    const file = kubeconfig("socks/kubeconfig", { "proxy-url": socks.url });
    const before = socks.tunnels.length;
    const kube = await clients.load(file);
    expect((await kube.api(Namespace).get("default")).metadata?.name).toBe("default");
    expect(socks.tunnels.slice(before)).toContain(`${alias}:${port}`);
    // A stream stays open through the tunnel and delivers what happens.
    const configMaps = kube.api(ConfigMap, { namespace: "default" });
    const name = `socks-${Math.random().toString(36).slice(2, 8)}`;
    const { resourceVersion } = (await configMaps.list({ labelSelector: { socks: name } })).metadata;
    const seen = (async () => {
      for await (const ev of configMaps.watch({ labelSelector: { socks: name }, resourceVersion, timeoutSeconds: 30 })) {
        if (ev.type === "ADDED") return ev.object.metadata?.name;
      }
      return undefined;
    })();
    await configMaps.create({ metadata: { name, labels: { socks: name } } });
    expect(await seen).toBe(name);
    await configMaps.delete(name);
    expect(await kubectlReaches(file, {})).toBe(true);
  });

  test("HTTPS_PROXY may name a SOCKS5 proxy too", async () => {
    expect(await weReach(kubeconfig("socks-env/kubeconfig"), { HTTPS_PROXY: socks.url })).toEqual({ proxy: socks.url, reached: true });
  });

  test("a refused login is a TransportError that names the proxy, never the password", async () => {
    const wrong = socks.url.replace("pw-never-printed", "wrong-pw-never-printed");
    const kube = await clients.load(kubeconfig("socks-bad/kubeconfig", { "proxy-url": wrong }), { retry: false });
    const refusedBefore = socks.refusedLogins;
    const e = await failure(kube.api(Namespace).get("default"));
    expect(e).toBeInstanceOf(TransportError);
    expect(e.message).toMatch(/SOCKS5 proxy socks5:\/\/127\.0\.0\.1:\d+: the proxy refused the username and password/);
    expect(`${e.message}${e.stack}`).not.toMatch(/never-printed|proxy-user/);
    expect(socks.refusedLogins).toBeGreaterThan(refusedBefore);
  });
});
