import { readFileSync, readlinkSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AuthError, ConfigError } from "../../../src/base/errors.ts";
import { loadKubeconfig } from "../../../src/config/kubeconfig-files.ts";
import { resolveContext } from "../../../src/config/resolve.ts";
import { credential, execBench, failure, PLUGIN_BODY, V1, V1BETA1, type ExecBench, type Scenario } from "./fixtures/exec-plugin.ts";
import { b64, CA_PEM, CERT_PEM, KEY_PEM, kubeconfig, tempDir } from "./fixtures/temp-files.ts";

let bench: ExecBench;
beforeAll(() => {
  bench = execBench();
});
afterAll(() => bench.t.remove());
const scenario = (...args: Parameters<ExecBench["scenario"]>): Scenario => bench.scenario(...args);

describe("ExecAuth: credentials", () => {
  it.each([V1, V1BETA1])("%s token plugin: bearer token, KUBERNETES_EXEC_INFO, args and env merged over the process env", async (apiVersion) => {
    const s = scenario(credential(apiVersion, { token: "tok-RUN" }), {
      apiVersion,
      args: ["get-token", "--cluster", "x"],
      env: [{ name: "FOO", value: "from-exec-env" }],
    });
    expect(await s.auth.credentials()).toEqual({ headers: { authorization: "Bearer tok-1" } });
    expect(s.info()).toEqual({ apiVersion, kind: "ExecCredential", spec: { interactive: false } });
    expect(s.file("foo")).toBe("from-exec-env");
    expect(s.file("args")).toBe("get-token --cluster x");
  });

  it("passes the base env through when the exec env does not override it", async () => {
    const s = scenario(credential(V1, { token: "t" }));
    await s.auth.credentials();
    expect(s.file("foo")).toBe("from-base-env");
  });

  it("client certificate plugin", async () => {
    const s = scenario(credential(V1, { clientCertificateData: CERT_PEM, clientKeyData: KEY_PEM }));
    expect(await s.auth.credentials()).toEqual({ headers: {}, clientCertificate: { cert: CERT_PEM, key: KEY_PEM } });
  });

  it("caches forever without expirationTimestamp; concurrent callers share one run", async () => {
    const s = scenario(credential(V1, { token: "tok-RUN" }));
    const all = await Promise.all(Array.from({ length: 5 }, () => s.auth.credentials()));
    expect(all.map((c) => c.headers.authorization)).toEqual(Array(5).fill("Bearer tok-1"));
    s.clock.now += 365 * 24 * 3600_000;
    expect((await s.auth.credentials()).headers.authorization).toBe("Bearer tok-1");
    expect(s.runs()).toBe(1);
    expect(s.auth.runs).toBe(1);
  });

  it("re-runs once the expirationTimestamp has passed", async () => {
    const s = scenario(credential(V1, { token: "tok-RUN", expirationTimestamp: "2025-01-01T00:10:00Z" }));
    expect((await s.auth.credentials()).headers.authorization).toBe("Bearer tok-1");
    s.clock.now = Date.parse("2025-01-01T00:09:59Z");
    expect((await s.auth.credentials()).headers.authorization).toBe("Bearer tok-1");
    s.clock.now = Date.parse("2025-01-01T00:10:00Z");
    expect((await s.auth.credentials()).headers.authorization).toBe("Bearer tok-2");
    expect(s.runs()).toBe(2);
  });

  it("invalidate() re-runs exactly once, even when many callers invalidate together", async () => {
    const s = scenario(credential(V1, { token: "tok-RUN" }));
    await s.auth.credentials();
    const results = await Promise.all([s.auth.invalidate(), s.auth.invalidate(), s.auth.invalidate()]);
    expect(results).toEqual([true, true, true]);
    expect(s.runs()).toBe(2);
    expect((await s.auth.credentials()).headers.authorization).toBe("Bearer tok-2");
    expect(s.runs()).toBe(2);
  });

  it("invalidate() resolves false when the plugin hands out the same credential again", async () => {
    const s = scenario(credential(V1, { token: "constant" }));
    await s.auth.credentials();
    expect(await s.auth.invalidate()).toBe(false);
    expect(s.runs()).toBe(2);
  });
});

describe("ExecAuth: interactiveMode", () => {
  it.each([
    ["Never", true, false],
    ["IfAvailable", true, true],
    ["IfAvailable", false, false],
    ["Always", true, true],
  ] as const)("%s with tty=%s → spec.interactive %s, and our stdin only then", async (mode, tty, interactive) => {
    const s = scenario(credential(V1, { token: "t" }), { interactiveMode: mode }, { tty });
    await s.auth.credentials();
    expect(s.info().spec.interactive).toBe(interactive);
    // The test worker's stdin is a pipe or socket, so inheriting it is distinguishable from /dev/null.
    const ours = readlinkSync("/proc/self/fd/0");
    expect(ours).not.toBe("/dev/null");
    expect(s.file("stdin").trim()).toBe(interactive ? ours : "/dev/null");
  });

  it("defaults to IfAvailable for v1beta1", async () => {
    const s = scenario(credential(V1BETA1, { token: "t" }), { apiVersion: V1BETA1, interactiveMode: undefined }, { tty: true });
    await s.auth.credentials();
    expect(s.info().spec.interactive).toBe(true);
  });

  it("Always without a terminal fails before running the plugin", async () => {
    const s = scenario(credential(V1, { token: "t" }), { interactiveMode: "Always" }, { tty: false });
    const e = await failure(s.auth.credentials());
    expect(e).toBeInstanceOf(AuthError);
    expect(e.message).toMatch(/needs an interactive terminal \(interactiveMode: Always\), but standard input is not a terminal/);
    expect(s.runs()).toBe(0);
  });

  it("v1 requires interactiveMode", () => {
    expect(() => scenario(credential(V1, { token: "t" }), { interactiveMode: undefined })).toThrow(ConfigError);
  });
});

describe("ExecAuth from a kubeconfig", () => {
  it("resolves a relative command against the kubeconfig folder and passes cluster info when asked", async () => {
    const dir = tempDir("bun-k8s-exec-kc-");
    try {
      const state = dir.path("state");
      const response = dir.write("response.json", credential(V1BETA1, { token: "from-kubeconfig" }));
      dir.script("tools/plugin", PLUGIN_BODY);
      const file = dir.write(
        "conf/kubeconfig",
        kubeconfig({
          current: "x",
          clusters: {
            c: {
              server: "https://api.example:6443",
              "certificate-authority-data": b64(CA_PEM),
              "tls-server-name": "api.internal",
              "proxy-url": "http://proxy:3128",
              extensions: [{ name: "client.authentication.k8s.io/exec", extension: { audience: "demo", region: "eu" } }],
            },
          },
          users: {
            u: {
              exec: {
                command: "../tools/plugin",
                apiVersion: V1BETA1,
                provideClusterInfo: true,
                env: [{ name: "STATE", value: state }, { name: "RESPONSE", value: response }],
              },
            },
          },
          contexts: { x: { cluster: "c", user: "u" } },
        }),
      );
      const env = { KUBECONFIG: file, PATH: process.env.PATH };
      const resolved = await resolveContext(await loadKubeconfig({ env }), { env, isTerminal: () => false });
      expect(resolved.auth.description).toBe(`exec ${dir.path("tools/plugin")}`);
      expect(await resolved.auth.credentials()).toEqual({ headers: { authorization: "Bearer from-kubeconfig" } });
      expect(JSON.parse(readFileSync(`${state}.info`, "utf8"))).toEqual({
        apiVersion: V1BETA1,
        kind: "ExecCredential",
        spec: {
          interactive: false,
          cluster: {
            server: "https://api.example:6443",
            "certificate-authority-data": b64(CA_PEM),
            "tls-server-name": "api.internal",
            "proxy-url": "http://proxy:3128",
            config: { audience: "demo", region: "eu" },
          },
        },
      });
    } finally {
      dir.remove();
    }
  });
});
