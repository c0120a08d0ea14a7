/**
 * src/config against the real thing: (1) for a dozen kubeconfig layouts, the context,
 * cluster, user and namespace we select must be what `kubectl config view --minify
 * --flatten --raw` selects (same kubectl as the suite's control plane); (2) credentials we
 * resolve from real kubeconfigs, an exec plugin and a token file authenticate against the
 * suite's kube-apiserver, and invalidate() recovers from a 401.
 */
import { execFileSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import yaml from "js-yaml";
import { afterAll, describe, expect, inject, test } from "vitest";
import { loadConfig } from "../../src/config/load-config.ts";
import { loadKubeconfig } from "../../src/config/kubeconfig-files.ts";
import { minifyKubeconfig } from "../../src/config/minify.ts";
import { resolveContext } from "../../src/config/resolve.ts";
import { selectContext } from "../../src/config/select.ts";
import type { ResolvedConfig } from "../../src/config/types.ts";
import { miniRequest } from "../support/mini-client.ts";
import { b64, CA_PEM, CERT_PEM, KEY_PEM, tempDir } from "../unit/config/fixtures/temp-files.ts";

const cluster = inject("cluster");
const t = tempDir("bun-k8s-kubectl-xcheck-");
afterAll(() => t.remove());

type Doc = Record<string, unknown>;
const kc = (parts: { current?: string; clusters?: Doc; users?: Doc; contexts?: Doc }): Doc => ({
  apiVersion: "v1",
  kind: "Config",
  ...(parts.current ? { "current-context": parts.current } : {}),
  clusters: Object.entries(parts.clusters ?? {}).map(([name, c]) => ({ name, cluster: c })),
  users: Object.entries(parts.users ?? {}).map(([name, u]) => ({ name, user: u })),
  contexts: Object.entries(parts.contexts ?? {}).map(([name, c]) => ({ name, context: c })),
});

interface Layout {
  name: string;
  files: Record<string, Doc | string>;
  /** KUBECONFIG entries, relative to the layout folder ("" stays empty). */
  kubeconfig: string[];
  context?: string;
}

const layouts: Layout[] = [
  {
    name: "one file, current-context",
    files: { a: kc({ current: "x", clusters: { c: { server: "https://a:6443" } }, users: { u: { token: "ta" } }, contexts: { x: { cluster: "c", user: "u", namespace: "apps" } } }) },
    kubeconfig: ["a"],
  },
  {
    name: "first file wins per name; current-context from the only file setting it",
    files: {
      a: kc({ clusters: { c: { server: "https://a" } }, users: { u: { token: "from-a" } }, contexts: { x: { cluster: "c", user: "u" } } }),
      b: kc({ current: "x", clusters: { c: { server: "https://b", "tls-server-name": "b" } }, users: { u: { token: "from-b" } }, contexts: { x: { cluster: "c", user: "u", namespace: "b" } } }),
    },
    kubeconfig: ["a", "b"],
  },
  {
    name: "current-context from the first of two files",
    files: {
      a: kc({ current: "one", clusters: { c: { server: "https://a" } }, contexts: { one: { cluster: "c" }, two: { cluster: "c", namespace: "n2" } } }),
      b: kc({ current: "two" }),
    },
    kubeconfig: ["a", "b"],
  },
  {
    name: "missing files and empty entries are skipped",
    files: { b: kc({ current: "x", clusters: { c: { server: "https://b" } }, contexts: { x: { cluster: "c" } } }) },
    kubeconfig: ["", "missing", "", "b", ""],
  },
  {
    name: "context, cluster and user each from a different file",
    files: {
      a: kc({ current: "x", contexts: { x: { cluster: "cb", user: "uc", namespace: "from-a" } } }),
      b: kc({ clusters: { cb: { server: "https://b:1234/prefix" } } }),
      c: kc({ users: { uc: { token: "from-c", as: "jane", "as-groups": ["g1", "g2"] } } }),
    },
    kubeconfig: ["a", "b", "c"],
  },
  {
    name: "relative certificate paths resolve against their own file's folder",
    files: {
      "one/ca.pem": CA_PEM,
      "two/pki/c.pem": CERT_PEM,
      "two/pki/k.pem": KEY_PEM,
      "one/a": kc({ current: "x", clusters: { c: { server: "https://a", "certificate-authority": "ca.pem" } }, contexts: { x: { cluster: "c", user: "u" } } }),
      "two/b": kc({ users: { u: { "client-certificate": "pki/c.pem", "client-key": "./pki/k.pem" } } }),
    },
    kubeconfig: ["one/a", "two/b"],
  },
  {
    name: "--context picks a non-current context",
    files: {
      a: kc({ current: "x", clusters: { c1: { server: "https://1" }, c2: { server: "https://2" } }, users: { u2: { token: "t2" } }, contexts: { x: { cluster: "c1" }, y2: { cluster: "c2", user: "u2", namespace: "n" } } }),
    },
    kubeconfig: ["a"],
    context: "y2",
  },
  {
    name: "tokenFile and exec command paths",
    files: {
      "sub/a": kc({
        current: "x",
        clusters: { c: { server: "https://a" } },
        users: { u: { tokenFile: "secrets/tok", exec: { command: "./bin/plugin", args: ["get"], apiVersion: "client.authentication.k8s.io/v1beta1" } } },
        contexts: { x: { cluster: "c", user: "u" } },
      }),
    },
    kubeconfig: ["sub/a"],
  },
  {
    name: "cluster TLS and transport fields",
    files: {
      a: kc({
        current: "x",
        clusters: { c: { server: "https://a", "insecure-skip-tls-verify": true, "tls-server-name": "api", "proxy-url": "http://proxy:3128", "disable-compression": true } },
        users: { u: { "client-certificate-data": b64(CERT_PEM), "client-key-data": b64(KEY_PEM) } },
        contexts: { x: { cluster: "c", user: "u" } },
      }),
    },
    kubeconfig: ["a"],
  },
  {
    name: "a bare exec command stays for PATH lookup; same context name in two files",
    files: {
      a: kc({ current: "x", clusters: { c: { server: "https://a" } }, users: { u: { exec: { command: "aws", args: ["eks", "get-token"], apiVersion: "client.authentication.k8s.io/v1beta1" } } }, contexts: { x: { cluster: "c", user: "u", namespace: "first" } } }),
      b: kc({ contexts: { x: { cluster: "c", namespace: "second" } } }),
    },
    kubeconfig: ["a", "b"],
  },
  {
    name: "JSON kubeconfig next to YAML",
    files: {
      "a.json": JSON.stringify(kc({ current: "j", clusters: { c: { server: "https://json" } }, contexts: { j: { cluster: "c", namespace: "js" } } })),
      b: kc({ clusters: { c: { server: "https://yaml" } } }),
    },
    kubeconfig: ["a.json", "b"],
  },
  {
    name: "YAML 1.1 as go-yaml v2 reads it: on is true, << merges, a quoted 'yes' is a string",
    files: {
      a: [
        "current-context: x",
        "clusters:",
        "- name: base",
        "  cluster: &b {server: 'https://a:6443', insecure-skip-tls-verify: on}",
        "- name: c",
        "  cluster:",
        "    <<: *b",
        "    server: https://c:6443",
        "contexts:",
        "- name: x",
        "  context: {cluster: c, namespace: 'yes'}",
        "",
      ].join("\n"),
    },
    kubeconfig: ["a"],
  },
];

function materialize(layout: Layout, index: number): { env: Record<string, string>; dir: string } {
  const dir = t.path(`layout-${index}`);
  for (const [rel, content] of Object.entries(layout.files)) {
    t.write(`layout-${index}/${rel}`, typeof content === "string" ? content : yaml.dump(content));
  }
  const list = layout.kubeconfig.map((f) => (f ? resolve(dir, f) : "")).join(":");
  return { env: { KUBECONFIG: list, HOME: dir, PATH: process.env.PATH ?? "" }, dir };
}

/** Nine levels of nine aliases each: 387 million nodes once expanded. */
function aliasBomb(): string {
  const levels = ["a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]"];
  for (const [i, name] of [..."bcdefghi"].entries()) levels.push(`${name}: &${name} [${Array(9).fill(`*${"abcdefghi"[i]}`).join(", ")}]`);
  return `preferences:\n  extensions:\n  - name: bomb\n    extension:\n${levels.map((l) => `      ${l}`).join("\n")}\n`;
}

function kubectlView(env: Record<string, string>, context?: string): Doc {
  const args = ["config", "view", "--minify", "--flatten", "--raw", ...(context ? ["--context", context] : [])];
  return yaml.load(execFileSync(cluster.kubectl, args, { env, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] })) as Doc;
}

const first = (doc: Doc, key: string): Doc => ((doc[key] as Doc[] | undefined)?.[0] ?? {}) as Doc;

let refusals = 0;

describe("kubeconfig selection matches kubectl config view --minify --flatten", () => {
  test.each(layouts.map((l, i) => [l.name, l, i] as const))("%s", async (_name, layout, index) => {
    const { env } = materialize(layout, index);
    const theirs = kubectlView(env, layout.context);
    const loaded = await loadKubeconfig({ env });
    const ours = await minifyKubeconfig(loaded, layout.context ? { context: layout.context } : {});
    const sel = selectContext(loaded, layout.context ? { context: layout.context } : {});

    expect(ours["current-context"]).toBe(theirs["current-context"]);
    const theirContext = { ...(first(theirs, "contexts").context as Doc) };
    // Go prints a context without a user as `user: ""`; we leave the key out.
    if (theirContext.user === "") delete theirContext.user;
    expect(sel.namespace).toBe((theirContext.namespace as string | undefined) ?? "default");
    expect(ours.contexts[0]?.context).toEqual(theirContext);

    const theirCluster = first(theirs, "clusters");
    expect(ours.clusters[0]?.name).toBe(theirCluster.name);
    expect({ ...ours.clusters[0]?.cluster }).toEqual(theirCluster.cluster);

    const theirUser = first(theirs, "users");
    expect(ours.users[0]?.name).toBe(theirUser.name);
    if (!theirUser.user) {
      expect(ours.users).toEqual([]);
      return;
    }
    const userTheirs = { ...(theirUser.user as Doc) };
    const userOurs: Doc = { ...ours.users[0]?.user };
    // kubectl prints tokenFile and exec paths as written; we make them absolute against the defining file.
    const origin = dirname(loaded.origins.users.get(String(theirUser.name)) ?? "/");
    if (typeof userTheirs.tokenFile === "string") userTheirs.tokenFile = resolve(origin, userTheirs.tokenFile);
    const execTheirs = userTheirs.exec as Doc | undefined;
    if (execTheirs) {
      const command = String(execTheirs.command);
      userTheirs.exec = { apiVersion: execTheirs.apiVersion, command: command.includes("/") ? resolve(origin, command) : command, args: execTheirs.args };
      const execOurs = userOurs.exec as Doc;
      userOurs.exec = { apiVersion: execOurs.apiVersion, command: execOurs.command, args: execOurs.args };
    }
    expect(userOurs).toEqual(userTheirs);
  });

  test.each([
    ["an unknown --context", { a: kc({ current: "x", clusters: { c: { server: "https://a" } }, contexts: { x: { cluster: "c" } } }) }, "nope"],
    ["a duplicate name in one file", { a: "clusters:\n- name: c\n  cluster: {server: https://a}\n- name: c\n  cluster: {server: https://b}\n" }, undefined],
    ["a malformed field", { a: "clusters:\n- name: c\n  cluster: {server: [1]}\n" }, undefined],
    ["a YAML 1.1 boolean where a string belongs (token: yes)", { a: "users:\n- name: u\n  user: {token: yes}\n" }, undefined],
    ["a YAML 1.1 number where a string belongs (namespace: 0755)", { a: "contexts:\n- name: x\n  context: {cluster: c, namespace: 0755}\n" }, undefined],
    ["an alias bomb", { a: aliasBomb() }, undefined],
  ] as const)("both refuse %s", async (name, files, context) => {
    const { env } = materialize({ name, files, kubeconfig: ["a"] }, 100 + ++refusals);
    expect(() => kubectlView(env, context)).toThrow();
    await expect((async () => minifyKubeconfig(await loadKubeconfig({ env }), context ? { context } : {}))()).rejects.toThrow();
  });
});

async function call(config: ResolvedConfig, path = "/api/v1/namespaces/default/configmaps"): Promise<number> {
  const creds = await config.auth.credentials();
  const token = creds.headers.authorization?.replace(/^Bearer /, "");
  const res = await miniRequest(`${config.server}${path}`, { ca: config.tls.ca ?? "", ...creds.clientCertificate }, token ? { token } : {});
  return res.status;
}

describe("resolved credentials authenticate against the real kube-apiserver", () => {
  test.each([
    ["admin (client certificate)", cluster.kubeconfigs.admin],
    ["token user", cluster.kubeconfigs.token],
  ])("%s via loadConfig({ kubeconfigPath })", async (_name, file) => {
    const config = await loadConfig({ kubeconfigPath: file, env: {} });
    expect(config.server).toBe(cluster.server);
    expect(await call(config)).toBe(200);
  });

  test("the restricted user's kubeconfig is refused outside its namespace", async () => {
    const config = await loadConfig({ kubeconfigPath: cluster.kubeconfigs.restricted, env: {} });
    expect(await call(config)).toBe(403);
    expect(await call(config, `/api/v1/namespaces/${cluster.restrictedNamespace}/configmaps`)).toBe(200);
  });

  test("an exec plugin whose first token is refused recovers through invalidate()", async () => {
    const tokenConfig = await loadConfig({ kubeconfigPath: cluster.kubeconfigs.token, env: {} });
    const good = (await tokenConfig.auth.credentials()).headers.authorization!.replace(/^Bearer /, "");
    const goodFile = t.write("exec/good-token", good);
    const plugin = t.script(
      "exec/plugin",
      [
        'n=$(( $(cat "$0.count" 2>/dev/null || echo 0) + 1 )); echo "$n" > "$0.count"',
        `if [ "$n" = 1 ]; then tok=not-a-valid-token; else tok=$(cat "${goodFile}"); fi`,
        'printf \'{"apiVersion":"client.authentication.k8s.io/v1","kind":"ExecCredential","status":{"token":"%s"}}\' "$tok"',
      ].join("\n"),
    );
    const kubeconfig = t.write(
      "exec/kubeconfig",
      yaml.dump(
        kc({
          current: "x",
          clusters: { c: { server: cluster.server, "certificate-authority": cluster.caFile } },
          users: { u: { exec: { command: plugin, apiVersion: "client.authentication.k8s.io/v1", interactiveMode: "Never" } } },
          contexts: { x: { cluster: "c", user: "u" } },
        }),
      ),
    );
    const config = await resolveContext(await loadKubeconfig({ kubeconfigPath: kubeconfig, env: {} }), { env: { PATH: process.env.PATH } });
    expect(await call(config)).toBe(401);
    expect(await config.auth.invalidate()).toBe(true);
    expect(await call(config)).toBe(200);
    expect(readFileSync(`${plugin}.count`, "utf8").trim()).toBe("2");
  });

  test("a rotated token file is used after invalidate()", async () => {
    const tokenConfig = await loadConfig({ kubeconfigPath: cluster.kubeconfigs.token, env: {} });
    const good = (await tokenConfig.auth.credentials()).headers.authorization!.replace(/^Bearer /, "");
    const tokenFile = t.write("tf/token", "stale-token\n");
    const kubeconfig = t.write(
      "tf/kubeconfig",
      yaml.dump(
        kc({
          current: "x",
          clusters: { c: { server: cluster.server, "certificate-authority": cluster.caFile } },
          users: { u: { tokenFile: "token" } },
          contexts: { x: { cluster: "c", user: "u" } },
        }),
      ),
    );
    const config = await loadConfig({ kubeconfigPath: kubeconfig, env: {} });
    expect(await call(config)).toBe(401);
    writeFileSync(tokenFile, `${good}\n`);
    expect(await config.auth.invalidate()).toBe(true);
    expect(await call(config)).toBe(200);
  });
});
