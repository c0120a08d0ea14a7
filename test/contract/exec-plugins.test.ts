/**
 * Exec credential plugins, for real: executable scripts in a temp folder that print an
 * ExecCredential and count their runs, named by kubeconfigs loaded with KubeClient.load,
 * judged by the API server's SelfSubjectReview. Token and client-certificate answers,
 * args/env/KUBERNETES_EXEC_INFO, caching until expirationTimestamp and re-exec after it,
 * and exactly one re-exec after a 401.
 */
import { describe, expect, test } from "vitest";
import { ApiError, isUnauthorized } from "../../src/base/errors.ts";
import {
  authSuite,
  cluster,
  clusterEntry,
  failure,
  notApplicable,
  sleep,
  whoAmI,
  writeKubeconfig,
} from "./auth-fixtures.ts";
import { EXEC_V1, EXEC_V1BETA1, writePlugin } from "./exec-plugin-script.ts";

const { t, clients, certs, user } = authSuite("bun-k8s-exec-plugins-");

describe("exec credential plugins (real scripts)", () => {
  test("token (v1beta1): args, env and KUBERNETES_EXEC_INFO reach the plugin; the answer is cached", async () => {
    const plugin = writePlugin(t, "exec-token/plugin", EXEC_V1BETA1, [{ token: user(2).token }]);
    const file = writeKubeconfig(t, "exec-token/kubeconfig", {
      cluster: clusterEntry(),
      user: {
        exec: {
          apiVersion: EXEC_V1BETA1,
          command: plugin.command,
          args: ["get-token", "--cluster", "bun-k8s"],
          env: [{ name: "PLUGIN_MARKER", value: "from-kubeconfig" }],
          provideClusterInfo: true,
        },
      },
    });
    const kube = await clients.load(file);
    expect(plugin.runs()).toBe(0);
    expect((await whoAmI(kube)).username).toBe(user(2).username);
    expect((await whoAmI(kube)).username).toBe(user(2).username);
    expect(plugin.runs()).toBe(1);
    expect(plugin.lastArgs()).toEqual(["get-token", "--cluster", "bun-k8s"]);
    expect(plugin.lastMarker()).toBe("from-kubeconfig");
    expect(plugin.execInfo(1)).toMatchObject({
      apiVersion: EXEC_V1BETA1,
      kind: "ExecCredential",
      spec: { interactive: false, cluster: { server: cluster.server, "certificate-authority-data": expect.any(String) } },
    });
  });

  test("client certificate (v1): the plugin's certificate is presented in the TLS handshake", async (ctx) => {
    if ("missing" in certs) notApplicable(ctx, certs.missing);
    const pair = certs.second;
    const plugin = writePlugin(t, "exec-cert/plugin", EXEC_V1, [{ clientCertificateData: pair.cert, clientKeyData: pair.key }]);
    const file = writeKubeconfig(t, "exec-cert/kubeconfig", {
      cluster: clusterEntry(),
      user: { exec: { apiVersion: EXEC_V1, command: plugin.command, interactiveMode: "Never" } },
    });
    const kube = await clients.load(file);
    const me = await whoAmI(kube);
    expect(me.username).toBe(await pair.expectedUser());
    if (cluster.mode === "local") expect(me.groups).toContain("system:masters");
    expect(plugin.runs()).toBe(1);
  });

  test("expirationTimestamp: cached until it passes, then the plugin runs again and its new answer is used", async () => {
    const plugin = writePlugin(t, "exec-expiry/plugin", EXEC_V1, [
      { token: user(0).token, expiresInSeconds: 2 },
      { token: user(1).token, expiresInSeconds: 3600 },
    ]);
    const file = writeKubeconfig(t, "exec-expiry/kubeconfig", {
      cluster: clusterEntry(),
      user: { exec: { apiVersion: EXEC_V1, command: plugin.command, interactiveMode: "Never" } },
    });
    const kube = await clients.load(file);
    const first = Date.now();
    expect((await whoAmI(kube)).username).toBe(user(0).username);
    expect((await whoAmI(kube)).username).toBe(user(0).username);
    expect(plugin.runs()).toBe(1);
    // The script rounds "now" down to a second, so its expiry is at most 2 s after `first`.
    await sleep(Math.max(0, first + 2_100 - Date.now()));
    expect((await whoAmI(kube)).username).toBe(user(1).username);
    expect(plugin.runs()).toBe(2);
    expect((await whoAmI(kube)).username).toBe(user(1).username);
    expect(plugin.runs()).toBe(2);
  });

  test("an expiring client certificate from the plugin is replaced by the next one it prints", async (ctx) => {
    if ("missing" in certs) notApplicable(ctx, certs.missing);
    if (certs.first.cert === certs.second.cert) notApplicable(ctx, "only one trusted client certificate is available, so a rotation cannot be told apart");
    const plugin = writePlugin(t, "exec-cert-rotation/plugin", EXEC_V1, [
      { clientCertificateData: certs.first.cert, clientKeyData: certs.first.key, expiresInSeconds: 2 },
      { clientCertificateData: certs.second.cert, clientKeyData: certs.second.key, expiresInSeconds: 3600 },
    ]);
    const file = writeKubeconfig(t, "exec-cert-rotation/kubeconfig", {
      cluster: clusterEntry(),
      user: { exec: { apiVersion: EXEC_V1, command: plugin.command, interactiveMode: "Never" } },
    });
    const kube = await clients.load(file);
    const first = Date.now();
    expect((await whoAmI(kube)).username).toBe(await certs.first.expectedUser());
    await sleep(Math.max(0, first + 2_100 - Date.now()));
    expect((await whoAmI(kube)).username).toBe(await certs.second.expectedUser());
    expect(plugin.runs()).toBe(2);
  });

  test("a 401 makes the connection re-run the plugin exactly once", async () => {
    const recovering = writePlugin(t, "exec-401/plugin", EXEC_V1, [{ token: "not-a-valid-token-0001" }, { token: user(2).token }]);
    const kubeconfig = (plugin: string, rel: string) =>
      writeKubeconfig(t, rel, { cluster: clusterEntry(), user: { exec: { apiVersion: EXEC_V1, command: plugin, interactiveMode: "Never" } } });
    const kube = await clients.load(kubeconfig(recovering.command, "exec-401/kubeconfig"));
    expect((await whoAmI(kube)).username).toBe(user(2).username);
    expect(recovering.runs()).toBe(2);
    expect((await whoAmI(kube)).username).toBe(user(2).username);
    expect(recovering.runs()).toBe(2);

    const hopeless = writePlugin(t, "exec-401-hopeless/plugin", EXEC_V1, [{ token: "not-a-valid-token-0002" }]);
    const stuck = await clients.load(kubeconfig(hopeless.command, "exec-401-hopeless/kubeconfig"));
    const e = await failure(whoAmI(stuck));
    expect(e).toBeInstanceOf(ApiError);
    expect(isUnauthorized(e)).toBe(true);
    // One run for the request, one re-run after the 401, and no loop.
    expect(hopeless.runs()).toBe(2);
  });
});
