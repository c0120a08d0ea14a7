import { utimesSync, writeFileSync } from "node:fs";
import { afterEach, describe, expect, it } from "vitest";
import { AuthError, ConfigError } from "../../../src/base/errors.ts";
import { TokenFileAuth } from "../../../src/config/auth/token-file.ts";
import { configEnvironment } from "../../../src/config/environment.ts";
import { inClusterConfig, isInCluster } from "../../../src/config/in-cluster.ts";
import { loadConfig } from "../../../src/config/load-config.ts";
import { CA_PEM, kubeconfig, tempDir, type TempDir } from "./fixtures/temp-files.ts";

let t: TempDir;
afterEach(() => t?.remove());

/** A real-file environment whose clock the test moves, counting file reads. */
function clockEnv() {
  const clock = { now: 1_000_000, reads: 0 };
  const real = configEnvironment();
  const env = configEnvironment({
    now: () => clock.now,
    readFile: (f) => {
      clock.reads++;
      return real.readFile(f);
    },
  });
  return { clock, env };
}

function rewrite(file: string, content: string, mtimeSec: number): void {
  writeFileSync(file, content);
  utimesSync(file, mtimeSec, mtimeSec);
}

describe("TokenFileAuth", () => {
  it("trims the token, re-reads when the mtime moves, and stats at most once per interval", async () => {
    t = tempDir();
    const file = t.write("token", "first\n");
    utimesSync(file, 1000, 1000);
    const { clock, env } = clockEnv();
    const auth = new TokenFileAuth(file, env);
    expect(await auth.credentials()).toEqual({ headers: { authorization: "Bearer first" } });

    rewrite(file, "second", 2000);
    // Within the check interval the cached token is used without touching the disk.
    clock.now += 500;
    expect((await auth.credentials()).headers.authorization).toBe("Bearer first");
    clock.now += 600;
    expect((await auth.credentials()).headers.authorization).toBe("Bearer second");
    expect(clock.reads).toBe(2);

    // Unchanged mtime: no re-read until the file is a minute old.
    clock.now += 5_000;
    await auth.credentials();
    expect(clock.reads).toBe(2);
    clock.now += 60_000;
    await auth.credentials();
    expect(clock.reads).toBe(3);
  });

  it("picks up a rewrite that keeps the mtime once a minute has passed", async () => {
    t = tempDir();
    const file = t.write("token", "old");
    utimesSync(file, 1000, 1000);
    const { clock, env } = clockEnv();
    const auth = new TokenFileAuth(file, env);
    await auth.credentials();
    rewrite(file, "new", 1000);
    clock.now += 2_000;
    expect((await auth.credentials()).headers.authorization).toBe("Bearer old");
    clock.now += 60_000;
    expect((await auth.credentials()).headers.authorization).toBe("Bearer new");
  });

  it("invalidate() re-reads at once and says whether the token changed", async () => {
    t = tempDir();
    const file = t.write("token", "one");
    utimesSync(file, 1000, 1000);
    const { env } = clockEnv();
    const auth = new TokenFileAuth(file, env);
    await auth.credentials();
    expect(await auth.invalidate()).toBe(false);
    rewrite(file, "two", 1000);
    expect(await auth.invalidate()).toBe(true);
    expect((await auth.credentials()).headers.authorization).toBe("Bearer two");
  });

  it("keeps the last good token when the file vanishes; falls back to `token` when it was never readable", async () => {
    t = tempDir();
    const file = t.write("token", "good");
    const { clock, env } = clockEnv();
    const auth = new TokenFileAuth(file, env);
    await auth.credentials();
    t.remove();
    clock.now += 120_000;
    expect((await auth.credentials()).headers.authorization).toBe("Bearer good");

    const fallback = new TokenFileAuth("/nonexistent/token", env, { fallbackToken: "static" });
    expect((await fallback.credentials()).headers.authorization).toBe("Bearer static");
  });

  it.each([
    ["a missing file", "/nonexistent/token", /cannot read token file \/nonexistent\/token: ENOENT/],
    ["an empty file", "", /token file .* is empty/],
  ])("rejects %s", async (_name, path, message) => {
    t = tempDir();
    const file = path || t.write("empty", "  \n");
    const e = await new TokenFileAuth(file, configEnvironment()).credentials().catch((x: unknown) => x);
    expect(e).toBeInstanceOf(AuthError);
    expect((e as Error).message).toMatch(message);
  });
});

describe("inClusterConfig", () => {
  function pod(files: { token?: string; ca?: string; namespace?: string }) {
    t = tempDir();
    if (files.token !== undefined) t.write("sa/token", files.token);
    if (files.ca !== undefined) t.write("sa/ca.crt", files.ca);
    if (files.namespace !== undefined) t.write("sa/namespace", files.namespace);
    return { tokenFile: t.path("sa/token"), caFile: t.path("sa/ca.crt"), namespaceFile: t.path("sa/namespace") };
  }

  it.each([
    ["IPv4", "10.96.0.1", "443", "https://10.96.0.1:443"],
    ["IPv6", "fd00:10:96::1", "443", "https://[fd00:10:96::1]:443"],
    ["IPv6 already bracketed", "[fd00::1]", "6443", "https://[fd00::1]:6443"],
    ["DNS name", "kubernetes.default.svc", "443", "https://kubernetes.default.svc:443"],
  ])("%s service host", async (_name, host, port, server) => {
    const paths = pod({ token: "sa-token\n", ca: CA_PEM, namespace: "team-a\n" });
    const c = await inClusterConfig({ ...paths, env: { KUBERNETES_SERVICE_HOST: host, KUBERNETES_SERVICE_PORT: port } });
    expect(c.server).toBe(server);
    expect(c.namespace).toBe("team-a");
    expect(c.tls).toEqual({ ca: CA_PEM, rejectUnauthorized: true });
    expect(c.auth.description).toBe(`token-file ${paths.tokenFile}`);
    expect(await c.auth.credentials()).toEqual({ headers: { authorization: "Bearer sa-token" } });
  });

  it.each([
    ["option", { namespace: "opt" }, { POD_NAMESPACE: "pod" }, "ns-file", "opt"],
    ["POD_NAMESPACE before the file", {}, { POD_NAMESPACE: "pod" }, "ns-file", "pod"],
    ["the file", {}, {}, "ns-file", "ns-file"],
    ["default without a file", {}, {}, undefined, "default"],
  ])("namespace from %s", async (_name, opts, extraEnv, nsFile, expected) => {
    const paths = pod({ token: "t", ca: CA_PEM, ...(nsFile ? { namespace: nsFile } : {}) });
    const env = { KUBERNETES_SERVICE_HOST: "10.0.0.1", KUBERNETES_SERVICE_PORT: "443", ...extraEnv };
    expect((await inClusterConfig({ ...paths, ...opts, env })).namespace).toBe(expected);
  });

  it("follows token rotation", async () => {
    const paths = pod({ token: "v1", ca: CA_PEM });
    utimesSync(paths.tokenFile, 1000, 1000);
    const clock = { now: 0 };
    const c = await inClusterConfig({ ...paths, env: { KUBERNETES_SERVICE_HOST: "h", KUBERNETES_SERVICE_PORT: "1" }, now: () => clock.now });
    rewrite(paths.tokenFile, "v2", 2000);
    clock.now += 1_500;
    expect((await c.auth.credentials()).headers.authorization).toBe("Bearer v2");
  });

  it("goes on without ca.crt (system trust), as client-go does", async () => {
    const paths = pod({ token: "t" });
    const c = await inClusterConfig({ ...paths, env: { KUBERNETES_SERVICE_HOST: "h", KUBERNETES_SERVICE_PORT: "1" } });
    expect(c.tls).toEqual({ rejectUnauthorized: true });
  });

  it.each([
    ["no service env", {}, { token: "t" }, /not running in a cluster: KUBERNETES_SERVICE_HOST and KUBERNETES_SERVICE_PORT/],
    ["no port", { KUBERNETES_SERVICE_HOST: "h" }, { token: "t" }, /not running in a cluster/],
    ["no token", { KUBERNETES_SERVICE_HOST: "h", KUBERNETES_SERVICE_PORT: "1" }, {}, /in-cluster config: cannot read token file .*: ENOENT/],
  ])("fails with %s", async (_name, env, files, message) => {
    const paths = pod(files);
    const e = await inClusterConfig({ ...paths, env }).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(ConfigError);
    expect((e as Error).message).toMatch(message);
  });

  it("isInCluster needs host and port", () => {
    expect(isInCluster({ KUBERNETES_SERVICE_HOST: "h", KUBERNETES_SERVICE_PORT: "1" })).toBe(true);
    expect(isInCluster({ KUBERNETES_SERVICE_HOST: "h" })).toBe(false);
  });
});

describe("loadConfig", () => {
  const inPod = { KUBERNETES_SERVICE_HOST: "10.0.0.1", KUBERNETES_SERVICE_PORT: "443" };

  it("prefers a kubeconfig, and falls back to in-cluster when there is none", async () => {
    t = tempDir();
    t.write("sa/token", "sa");
    const inCluster = { tokenFile: t.path("sa/token"), caFile: t.path("sa/none"), namespaceFile: t.path("sa/none") };
    const home = t.path("home");
    const fromPod = await loadConfig({ env: inPod, homeDir: home, inCluster, namespace: "override" });
    expect([fromPod.server, fromPod.namespace, fromPod.contextName]).toEqual(["https://10.0.0.1:443", "override", undefined]);

    t.write("home/.kube/config", kubeconfig({ current: "k", clusters: { c: { server: "https://kc" } }, contexts: { k: { cluster: "c" } } }));
    const fromFile = await loadConfig({ env: inPod, homeDir: home, inCluster });
    expect([fromFile.server, fromFile.contextName, fromFile.auth.description]).toEqual(["https://kc", "k", "anonymous"]);
  });

  it("explains where it looked when there is nothing", async () => {
    t = tempDir();
    const e = await loadConfig({ env: {}, homeDir: t.path("home") }).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(ConfigError);
    expect((e as Error).message).toBe(
      `no Kubernetes configuration found: no kubeconfig at ${t.path("home/.kube/config")}, and not running in a cluster (KUBERNETES_SERVICE_HOST is not set)`,
    );
  });

  it("does not fall back when asked for a context, or when inCluster is false", async () => {
    t = tempDir();
    t.write("sa/token", "sa");
    const inCluster = { tokenFile: t.path("sa/token") };
    await expect(loadConfig({ env: inPod, homeDir: t.path("home"), inCluster, context: "prod" })).rejects.toThrow(/context "prod" not found/);
    await expect(loadConfig({ env: inPod, homeDir: t.path("home"), inCluster: false })).rejects.toThrow(/no Kubernetes configuration found/);
  });
});
