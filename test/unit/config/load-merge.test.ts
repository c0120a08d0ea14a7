import fc from "fast-check";
import { afterEach, describe, expect, it } from "vitest";
import { ConfigError } from "../../../src/base/errors.ts";
import { configEnvironment } from "../../../src/config/environment.ts";
import type { Config } from "../../../src/config/kubeconfig.ts";
import { kubeconfigPaths, loadKubeconfig, resolveRelativePaths } from "../../../src/config/kubeconfig-files.ts";
import { mergeKubeconfigs } from "../../../src/config/merge.ts";
import { kubeconfig, tempDir, type TempDir } from "./fixtures/temp-files.ts";

let t: TempDir;
afterEach(() => t?.remove());

describe("loadKubeconfig merging (kubectl rules)", () => {
  it("takes each name from the first file defining it, whole, and current-context from the first that sets it", async () => {
    t = tempDir();
    const a = t.write("a.yaml", kubeconfig({
      clusters: { shared: { server: "https://a" } },
      users: { alice: { token: "from-a" } },
      contexts: { ctx: { cluster: "shared", user: "alice", namespace: "ns-a" } },
    }));
    const b = t.write("b.yaml", kubeconfig({
      current: "from-b",
      clusters: { shared: { server: "https://b", "tls-server-name": "b-only" }, onlyB: { server: "https://b2" } },
      users: { alice: { token: "from-b", as: "b-only" }, bob: { token: "bob" } },
      contexts: { ctx: { cluster: "onlyB", user: "bob" }, other: { cluster: "onlyB" } },
    }));
    const c = t.write("c.yaml", kubeconfig({ current: "from-c", clusters: { onlyC: { server: "https://c" } } }));
    const loaded = await loadKubeconfig({ env: { KUBECONFIG: [a, b, c].join(":") }, cwd: t.dir });

    expect(loaded.files).toEqual([a, b, c]);
    expect(loaded.config["current-context"]).toBe("from-b");
    const clusters = Object.fromEntries(loaded.config.clusters.map((x) => [x.name, x.cluster]));
    // The whole entry of the first file wins: no tls-server-name leaks in from b.yaml.
    expect(clusters).toEqual({ shared: { server: "https://a" }, onlyB: { server: "https://b2" }, onlyC: { server: "https://c" } });
    const users = Object.fromEntries(loaded.config.users.map((x) => [x.name, x.user]));
    expect(users).toEqual({ alice: { token: "from-a" }, bob: { token: "bob" } });
    expect(loaded.config.contexts.find((x) => x.name === "ctx")?.context).toEqual({ cluster: "shared", user: "alice", namespace: "ns-a" });
    expect(loaded.origins.clusters.get("shared")).toBe(a);
    expect(loaded.origins.clusters.get("onlyB")).toBe(b);
    expect(loaded.origins.users.get("bob")).toBe(b);
    expect(loaded.origins.contexts.get("other")).toBe(b);
  });

  it("skips missing files and empty entries, resolves entries against cwd and reads a file once", async () => {
    t = tempDir();
    t.write("sub/a.yaml", kubeconfig({ current: "x", contexts: { x: { cluster: "c" } } }));
    const env = { KUBECONFIG: `::sub/a.yaml:${t.path("missing.yaml")}::sub/a.yaml:` };
    const loaded = await loadKubeconfig({ env, cwd: t.dir });
    expect(loaded.files).toEqual([t.path("sub/a.yaml")]);
    expect(loaded.searched).toEqual([t.path("sub/a.yaml"), t.path("missing.yaml")]);
    expect(loaded.source).toBe("KUBECONFIG");
    expect(loaded.config["current-context"]).toBe("x");
  });

  it("gives an empty config when every KUBECONFIG file is missing (no fallback to ~/.kube/config)", async () => {
    t = tempDir();
    t.write("home/.kube/config", kubeconfig({ current: "home" }));
    const loaded = await loadKubeconfig({ env: { KUBECONFIG: t.path("nope") }, homeDir: t.path("home"), cwd: t.dir });
    expect(loaded.files).toEqual([]);
    expect(loaded.config.contexts).toEqual([]);
    expect(loaded.config["current-context"]).toBeUndefined();
  });

  it("uses ~/.kube/config when KUBECONFIG is unset or empty", async () => {
    t = tempDir();
    const file = t.write("home/.kube/config", kubeconfig({ current: "home" }));
    for (const env of [{}, { KUBECONFIG: "" }]) {
      const loaded = await loadKubeconfig({ env, homeDir: t.path("home"), cwd: "/" });
      expect(loaded.source).toBe("default");
      expect(loaded.files).toEqual([file]);
      expect(loaded.config["current-context"]).toBe("home");
    }
  });

  it("requires an explicit kubeconfigPath to exist, and ignores KUBECONFIG then", async () => {
    t = tempDir();
    const other = t.write("other.yaml", kubeconfig({ current: "other" }));
    const explicit = t.write("explicit.yaml", kubeconfig({ current: "explicit" }));
    const loaded = await loadKubeconfig({ kubeconfigPath: "explicit.yaml", env: { KUBECONFIG: other }, cwd: t.dir });
    expect(loaded.files).toEqual([explicit]);
    expect(loaded.config["current-context"]).toBe("explicit");
    await expect(loadKubeconfig({ kubeconfigPath: t.path("gone.yaml"), env: {} })).rejects.toThrow(
      new RegExp(`cannot read kubeconfig ${t.path("gone.yaml")}: ENOENT`),
    );
  });

  it("fails on a malformed file in the list instead of skipping it", async () => {
    t = tempDir();
    const good = t.write("good.yaml", kubeconfig({ current: "x" }));
    const bad = t.write("bad.yaml", "clusters: 5\n");
    await expect(loadKubeconfig({ env: { KUBECONFIG: `${good}:${bad}` } })).rejects.toThrow(ConfigError);
    await expect(loadKubeconfig({ env: { KUBECONFIG: `${good}:${bad}` } })).rejects.toThrow(`kubeconfig ${bad}: clusters must be a list`);
  });

  it("splits KUBECONFIG on ';' and resolves Windows paths on win32", async () => {
    const files: Record<string, string> = {
      "C:\\kube\\a.yaml": "clusters:\n- name: c\n  cluster: {server: https://a, certificate-authority: certs\\ca.pem}\n",
      "D:\\b.yaml": "current-context: from-b\n",
    };
    const readFile = async (f: string): Promise<string> => {
      const text = files[f];
      if (text === undefined) throw Object.assign(new Error("missing"), { code: "ENOENT" });
      return text;
    };
    const loaded = await loadKubeconfig({
      env: { KUBECONFIG: "C:\\kube\\a.yaml;D:\\missing.yaml;D:\\b.yaml" },
      platform: "win32",
      cwd: "C:\\",
      readFile,
    });
    expect(loaded.files).toEqual(["C:\\kube\\a.yaml", "D:\\b.yaml"]);
    expect(loaded.config.clusters[0]?.cluster["certificate-authority"]).toBe("C:\\kube\\certs\\ca.pem");
    expect(loaded.config["current-context"]).toBe("from-b");
  });
});

describe("relative paths", () => {
  const base: Config = {
    clusters: [{ name: "c", cluster: { server: "https://x" } }],
    users: [{ name: "u", user: {} }],
    contexts: [],
  };
  const cases: [string, Partial<Record<"ca" | "cert" | "key" | "tokenFile" | "command", string>>, Record<string, string>][] = [
    ["relative paths join the file's folder", { ca: "ca.pem", cert: "pki/c.pem", key: "../k.pem", tokenFile: "./tok" },
      { ca: "/etc/kube/ca.pem", cert: "/etc/kube/pki/c.pem", key: "/etc/k.pem", tokenFile: "/etc/kube/tok" }],
    ["absolute paths stay", { ca: "/abs/ca.pem", cert: "/abs/c.pem" }, { ca: "/abs/ca.pem", cert: "/abs/c.pem" }],
    ["an exec command with a separator is a path", { command: "./bin/plugin" }, { command: "/etc/kube/bin/plugin" }],
    ["a bare exec command stays for PATH lookup", { command: "aws" }, { command: "aws" }],
  ];
  it.each(cases)("%s", (_name, input, expected) => {
    const config: Config = structuredClone(base);
    const cluster = config.clusters[0]!.cluster;
    const user = config.users[0]!.user;
    if (input.ca) cluster["certificate-authority"] = input.ca;
    if (input.cert) user["client-certificate"] = input.cert;
    if (input.key) user["client-key"] = input.key;
    if (input.tokenFile) user.tokenFile = input.tokenFile;
    if (input.command) user.exec = { command: input.command, apiVersion: "client.authentication.k8s.io/v1" };
    const out = resolveRelativePaths(config, "/etc/kube", "linux");
    const got: Record<string, string> = {};
    const c = out.clusters[0]!.cluster;
    const u = out.users[0]!.user;
    if (c["certificate-authority"]) got.ca = c["certificate-authority"];
    if (u["client-certificate"]) got.cert = u["client-certificate"];
    if (u["client-key"]) got.key = u["client-key"];
    if (u.tokenFile) got.tokenFile = u.tokenFile;
    if (u.exec) got.command = u.exec.command;
    expect(got).toEqual(expected);
    // The input is not mutated.
    expect(config.clusters[0]!.cluster["certificate-authority"]).toBe(input.ca);
  });

  it("resolves each file's paths against that file's own folder", async () => {
    t = tempDir();
    const a = t.write("one/a.yaml", kubeconfig({ clusters: { ca: { server: "https://a", "certificate-authority": "ca.pem" } } }));
    const b = t.write("two/deeper/b.yaml", kubeconfig({ users: { ub: { tokenFile: "tok", exec: { command: "bin/p", apiVersion: "v" } } } }));
    const loaded = await loadKubeconfig({ env: { KUBECONFIG: `${a}:${b}` } });
    expect(loaded.config.clusters[0]?.cluster["certificate-authority"]).toBe(t.path("one/ca.pem"));
    expect(loaded.config.users[0]?.user.tokenFile).toBe(t.path("two/deeper/tok"));
    expect(loaded.config.users[0]?.user.exec?.command).toBe(t.path("two/deeper/bin/p"));
  });
});

describe("kubeconfigPaths", () => {
  it.each([
    [{ KUBECONFIG: "a:b:a" }, "linux", "/w", ["/w/a", "/w/b"]],
    [{ KUBECONFIG: "/x/a::" }, "linux", "/w", ["/x/a"]],
    [{}, "linux", "/w", ["/home/me/.kube/config"]],
    [{ KUBECONFIG: "C:\\a;b" }, "win32", "D:\\w", ["C:\\a", "D:\\w\\b"]],
  ] as const)("%j on %s", (env, platform, cwd, expected) => {
    const e = configEnvironment({ env: { ...env }, platform, cwd, homeDir: "/home/me" });
    expect(kubeconfigPaths(e).paths).toEqual(expected);
  });
});

describe("mergeKubeconfigs (property)", () => {
  it("every name resolves to the entry of the first file that has it", () => {
    const name = fc.constantFrom("a", "b", "c", "d");
    const file = fc.record({
      clusters: fc.uniqueArray(name, { maxLength: 4 }),
      users: fc.uniqueArray(name, { maxLength: 4 }),
      current: fc.option(name, { nil: undefined }),
    });
    fc.assert(
      fc.property(fc.array(file, { maxLength: 5 }), (files) => {
        const sources = files.map((f, i) => ({
          file: `f${i}`,
          config: {
            clusters: f.clusters.map((n) => ({ name: n, cluster: { server: `https://${n}.f${i}` } })),
            users: f.users.map((n) => ({ name: n, user: { token: `${n}-f${i}` } })),
            contexts: [],
            ...(f.current ? { "current-context": f.current } : {}),
          } satisfies Config,
        }));
        const merged = mergeKubeconfigs(sources);
        for (const n of ["a", "b", "c", "d"] as const) {
          const first = files.findIndex((f) => f.clusters.includes(n));
          const got = merged.config.clusters.filter((c) => c.name === n);
          expect(got.length).toBe(first === -1 ? 0 : 1);
          if (first !== -1) expect(got[0]?.cluster.server).toBe(`https://${n}.f${first}`);
          const firstUser = files.findIndex((f) => f.users.includes(n));
          const user = merged.config.users.find((u) => u.name === n);
          expect(user?.user.token).toBe(firstUser === -1 ? undefined : `${n}-f${firstUser}`);
        }
        expect(merged.config["current-context"]).toBe(files.find((f) => f.current)?.current);
      }),
    );
  });
});
