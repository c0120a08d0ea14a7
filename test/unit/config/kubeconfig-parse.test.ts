import { describe, expect, it } from "vitest";
import { ConfigError } from "../../../src/base/errors.ts";
import { parseKubeconfig } from "../../../src/config/kubeconfig-parse.ts";

const FILE = "/cfg/kube.yaml";
const SECRET = "s3cr3t-VALUE-never-printed";

describe("parseKubeconfig", () => {
  it("reads every field kubectl writes", () => {
    const text = `
apiVersion: v1
kind: Config
current-context: dev
preferences: { colors: true }
clusters:
- name: c1
  cluster:
    server: https://k8s.example:6443/prefix
    tls-server-name: api.example
    insecure-skip-tls-verify: false
    certificate-authority: ca.pem
    certificate-authority-data: ${Buffer.from("pem").toString("base64")}
    proxy-url: http://proxy:3128
    disable-compression: true
    extensions:
    - name: client.authentication.k8s.io/exec
      extension: { audience: demo }
users:
- name: u1
  user:
    client-certificate: c.pem
    client-key-data: ${Buffer.from("key").toString("base64")}
    token: ${SECRET}
    tokenFile: /t
    as: jane
    as-uid: "42"
    as-groups: [g1, g2]
    as-user-extra: { scopes: [a, b] }
    auth-provider: { name: oidc, config: { client-id: k, id-token: x } }
    exec:
      command: plugin
      args: [a, b]
      env: [{ name: A, value: "1" }]
      apiVersion: client.authentication.k8s.io/v1
      installHint: brew install plugin
      provideClusterInfo: true
      interactiveMode: Never
contexts:
- name: dev
  context: { cluster: c1, user: u1, namespace: apps }
`;
    const c = parseKubeconfig(text, FILE);
    expect(c["current-context"]).toBe("dev");
    expect(c.preferences).toEqual({ colors: true });
    expect(c.clusters).toEqual([
      {
        name: "c1",
        cluster: {
          server: "https://k8s.example:6443/prefix",
          "tls-server-name": "api.example",
          "insecure-skip-tls-verify": false,
          "certificate-authority": "ca.pem",
          "certificate-authority-data": Buffer.from("pem").toString("base64"),
          "proxy-url": "http://proxy:3128",
          "disable-compression": true,
          extensions: [{ name: "client.authentication.k8s.io/exec", extension: { audience: "demo" } }],
        },
      },
    ]);
    const u = c.users[0]?.user;
    expect(u?.token).toBe(SECRET);
    expect(u?.["as-groups"]).toEqual(["g1", "g2"]);
    expect(u?.["as-user-extra"]).toEqual({ scopes: ["a", "b"] });
    expect(u?.["auth-provider"]).toEqual({ name: "oidc", config: { "client-id": "k", "id-token": "x" } });
    expect(u?.exec).toEqual({
      command: "plugin",
      args: ["a", "b"],
      env: [{ name: "A", value: "1" }],
      apiVersion: "client.authentication.k8s.io/v1",
      installHint: "brew install plugin",
      provideClusterInfo: true,
      interactiveMode: "Never",
    });
    expect(c.contexts).toEqual([{ name: "dev", context: { cluster: "c1", user: "u1", namespace: "apps" } }]);
  });

  const empty = { clusters: [], users: [], contexts: [] };
  it.each([
    ["an empty file", "", empty],
    ["a null document", "~\n", empty],
    ["JSON", '{"apiVersion":"v1","kind":"Config","clusters":[],"users":[],"contexts":[]}', { ...empty, apiVersion: "v1", kind: "Config" }],
    [
      "nulls as kubectl writes them",
      "clusters: null\nusers:\n- name: u\n  user:\n    exec: {command: x, apiVersion: v, args: null, env: null}\n",
      { ...empty, users: [{ name: "u", user: { exec: { command: "x", apiVersion: "v" } } }] },
    ],
  ])("accepts %s", (_name, text, expected) => {
    expect(parseKubeconfig(text, FILE)).toEqual(expected);
  });

  const failures: [string, string, RegExp][] = [
    ["wrong kind", "kind: Pod\n", /kind must be "Config"/],
    ["wrong apiVersion", "apiVersion: v2\n", /apiVersion must be "v1"/],
    ["a list document", "- a\n", /document must be a mapping/],
    ["clusters not a list", "clusters: {}\n", /clusters must be a list/],
    ["entry without a name", "clusters:\n- cluster: {server: x}\n", /clusters\[0\]\.name is required/],
    ["server a number", "clusters:\n- name: c\n  cluster: {server: 42}\n", /clusters\[name=c\]\.cluster\.server must be a string, not a number/],
    ["insecure as a string", "clusters:\n- name: c\n  cluster: {insecure-skip-tls-verify: 'yes'}\n", /insecure-skip-tls-verify must be true or false/],
    ["token a number", "users:\n- name: u\n  user: {token: 12345}\n", /users\[name=u\]\.user\.token must be a string/],
    ["bad base64", `users:\n- name: u\n  user: {client-key-data: "${SECRET}!"}\n`, /users\[name=u\]\.user\.client-key-data is not valid base64/],
    ["duplicate cluster", "clusters:\n- name: c\n- name: c\n", /clusters lists the name "c" twice/],
    ["duplicate user", "users:\n- name: u\n- name: u\n", /users lists the name "u" twice/],
    ["as-groups not a list", "users:\n- name: u\n  user: {as-groups: admins}\n", /as-groups must be a list of strings/],
    ["exec args with a number", "users:\n- name: u\n  user:\n    exec: {command: x, apiVersion: v, args: [1]}\n", /exec\.args\[0\] must be a string/],
    ["exec env without name", "users:\n- name: u\n  user:\n    exec: {command: x, apiVersion: v, env: [{value: x}]}\n", /exec\.env\[0\]\.name is required/],
    ["bad interactiveMode", "users:\n- name: u\n  user:\n    exec: {command: x, apiVersion: v, interactiveMode: Sometimes}\n", /interactiveMode must be one of Never, IfAvailable, Always/],
    ["auth-provider config not a map", "users:\n- name: u\n  user:\n    auth-provider: {name: oidc, config: [a]}\n", /auth-provider\.config must be a mapping/],
  ];
  it.each(failures)("rejects %s, naming file and field", (_name, text, message) => {
    let error: unknown;
    try {
      parseKubeconfig(text, FILE);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as Error).message).toContain(FILE);
    expect((error as Error).message).toMatch(message);
    expect((error as Error).message).not.toContain(SECRET);
  });

  it("reports YAML syntax errors by position without quoting the file", () => {
    const text = `users:\n- name: u\n  user:\n    token: ${SECRET}\n   bad: [\n`;
    expect(() => parseKubeconfig(text, FILE)).toThrow(ConfigError);
    try {
      parseKubeconfig(text, FILE);
    } catch (e) {
      expect((e as Error).message).toMatch(/^kubeconfig \/cfg\/kube.yaml: not valid YAML at line \d+, column \d+/);
      expect((e as Error).message).not.toContain(SECRET);
    }
  });

  it("keeps YAML timestamps and quoted 'yes' as strings", () => {
    const c = parseKubeconfig("contexts:\n- name: 'yes'\n  context: {cluster: 2024-01-01, namespace: \"on\"}\n", FILE);
    expect(c.contexts[0]).toEqual({ name: "yes", context: { cluster: "2024-01-01", namespace: "on" } });
  });

  // What kubectl 1.37 answers for these (go-yaml v2 reads YAML 1.1): test/contract/kubeconfig-kubectl.test.ts.
  it.each([
    ["yes", "a boolean"],
    ["No", "a boolean"],
    ["on", "a boolean"],
    ["y", "a boolean"],
    ["0755", "a number"],
    ["1_000", "a number"],
    ["1e3", "a number"],
    [".inf", "a number"],
  ])("refuses the YAML 1.1 scalar %s where a string is expected, as kubectl does", (value, kind) => {
    expect(() => parseKubeconfig(`users:\n- name: u\n  user: {token: ${value}}\n`, FILE)).toThrow(`users[name=u].user.token must be a string, not ${kind}`);
  });

  it.each([
    ["yes", true],
    ["on", true],
    ["Y", true],
    ["off", false],
    ["NO", false],
  ])("reads the YAML 1.1 boolean %s as %s where a boolean is expected, as kubectl does", (value, expected) => {
    const c = parseKubeconfig(`clusters:\n- name: c\n  cluster: {server: "https://k", insecure-skip-tls-verify: ${value}}\n`, FILE);
    expect(c.clusters[0]?.cluster["insecure-skip-tls-verify"]).toBe(expected);
  });

  it("merges << keys, as kubectl does", () => {
    const c = parseKubeconfig("clusters:\n- name: a\n  cluster: &base {server: https://a, insecure-skip-tls-verify: true}\n- name: b\n  cluster:\n    <<: *base\n    server: https://b\n", FILE);
    expect(c.clusters[1]?.cluster).toEqual({ server: "https://b", "insecure-skip-tls-verify": true });
  });

  it("refuses an alias bomb at load, fast, with kubectl's words", () => {
    const levels = ["a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]"];
    for (const [i, name] of [..."bcdefghi"].entries()) levels.push(`${name}: &${name} [${Array(9).fill(`*${"abcdefghi"[i]}`).join(", ")}]`);
    const text = `clusters:\n- name: c\n  cluster:\n    server: https://k\n    extensions:\n    - name: bomb\n      extension:\n${levels.map((l) => `        ${l}`).join("\n")}\n`;
    const started = performance.now();
    expect(() => parseKubeconfig(text, FILE)).toThrow(new ConfigError(`kubeconfig ${FILE}: document contains excessive aliasing`));
    expect(performance.now() - started).toBeLessThan(5_000);
  });

  it("accepts moderate aliasing (300 clusters sharing one anchor), as kubectl does", () => {
    const entries = ["- name: c0\n  cluster: &base {server: https://k}", ...Array.from({ length: 299 }, (_, i) => `- name: c${i + 1}\n  cluster: *base`)];
    expect(parseKubeconfig(`clusters:\n${entries.join("\n")}\n`, FILE).clusters).toHaveLength(300);
  });

  it("refuses nesting deeper than 1000 levels without overflowing the stack", () => {
    const deep = `${"[".repeat(5000)}${"]".repeat(5000)}`;
    expect(() => parseKubeconfig(`preferences:\n  extensions:\n  - name: deep\n    extension: ${deep}\n`, FILE)).toThrow(ConfigError);
  });
});
