import { inspect } from "node:util";
import { dirOutput } from "../../support/console-dir.ts";
import yaml from "js-yaml";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadKubeconfig, type LoadedKubeconfig } from "../../../src/config/kubeconfig-files.ts";
import { minifyKubeconfig } from "../../../src/config/minify.ts";
import { DATA_OMITTED, REDACTED, redactKubeconfig, redactUrl } from "../../../src/config/redact.ts";
import { resolveContext } from "../../../src/config/resolve.ts";
import type { ResolvedConfig } from "../../../src/config/types.ts";
import { b64, CA_PEM, CERT_PEM, KEY_PEM, kubeconfig, tempDir, type TempDir } from "./fixtures/temp-files.ts";

/** Every secret the kubeconfig holds; none may show up in any printed form. */
const SECRETS = {
  token: "TOKEN-secret-1111",
  password: "PASSWORD-secret-2222",
  idToken: "IDTOKEN-secret-3333",
  refreshToken: "REFRESH-secret-4444",
  clientSecret: "CLIENTSECRET-secret-5555",
  execEnv: "EXECENV-secret-6666",
  proxyPassword: "PROXYPW-secret-7777",
  keyBody: b64(KEY_PEM),
  keyPem: "S0VZLVNFQ1JFVC1CT0RZLXh5eno=",
};

let t: TempDir;
let loaded: LoadedKubeconfig;
let resolvedConfigs: ResolvedConfig[];

beforeAll(async () => {
  t = tempDir();
  const file = t.write(
    "kubeconfig",
    kubeconfig({
      current: "token",
      clusters: {
        c: { server: "https://k8s:6443", "certificate-authority-data": b64(CA_PEM), "proxy-url": `http://bob:${SECRETS.proxyPassword}@proxy:3128` },
      },
      users: {
        token: { token: SECRETS.token, "client-certificate-data": b64(CERT_PEM), "client-key-data": SECRETS.keyBody },
        basic: { username: "admin", password: SECRETS.password },
        oidc: {
          "auth-provider": {
            name: "oidc",
            config: { "idp-issuer-url": "https://idp", "client-id": "kube", "client-secret": SECRETS.clientSecret, "id-token": SECRETS.idToken, "refresh-token": SECRETS.refreshToken },
          },
        },
        exec: { exec: { command: "plugin", apiVersion: "client.authentication.k8s.io/v1beta1", env: [{ name: "API_KEY", value: SECRETS.execEnv }] } },
      },
      contexts: { token: { cluster: "c", user: "token" }, oidc: { cluster: "c", user: "oidc" }, exec: { cluster: "c", user: "exec" } },
    }),
  );
  loaded = await loadKubeconfig({ kubeconfigPath: file, env: {} });
  resolvedConfigs = await Promise.all(["token", "oidc", "exec"].map((context) => resolveContext(loaded, { context })));
});
afterAll(() => t.remove());

function assertNoSecret(text: string): void {
  for (const [name, secret] of Object.entries(SECRETS)) {
    expect(text.includes(secret), `${name} leaked in: ${text.slice(0, 300)}`).toBe(false);
  }
}

describe("redaction", () => {
  it("the test data really holds the secrets (so absence below means something)", () => {
    const raw = yaml.dump(structuredClone(loaded.config));
    for (const secret of [SECRETS.token, SECRETS.password, SECRETS.idToken, SECRETS.refreshToken, SECRETS.clientSecret, SECRETS.execEnv, SECRETS.keyBody]) {
      expect(raw).toContain(secret);
    }
  });

  it.each([
    ["util.inspect", (v: unknown) => inspect(v, { depth: 20 })],
    ["util.inspect showHidden", (v: unknown) => inspect(v, { depth: 20, showHidden: true })],
    // What Node's console.dir does: it ignores custom inspection.
    ["util.inspect customInspect: false", (v: unknown) => inspect(v, { depth: 20, customInspect: false })],
    ["console.dir", (v: unknown) => dirOutput(v)],
    ["JSON.stringify", (v: unknown) => JSON.stringify(v)],
    ["String template", (v: unknown) => `${String(v)}`],
  ])("%s of the config and of every part of it is secret-free", (_name, print) => {
    const c = loaded.config;
    const parts: unknown[] = [loaded, c, c.users, c.clusters, ...c.users, ...c.users.map((u) => u.user), ...c.clusters.map((x) => x.cluster)];
    for (const u of c.users) {
      if (u.user["auth-provider"]) parts.push(u.user["auth-provider"], u.user["auth-provider"].config);
      if (u.user.exec) parts.push(u.user.exec, ...(u.user.exec.env ?? []));
    }
    for (const part of parts) assertNoSecret(print(part));
  });

  it("shows kubectl's placeholders and keeps the non-secret fields", () => {
    const r = redactKubeconfig(loaded.config);
    const users = Object.fromEntries(r.users.map((u) => [u.name, u.user]));
    expect(users.token).toEqual({ token: REDACTED, "client-certificate-data": DATA_OMITTED, "client-key-data": DATA_OMITTED });
    expect(users.basic).toEqual({ username: "admin", password: REDACTED });
    expect(users.oidc?.["auth-provider"]?.config).toEqual({
      "idp-issuer-url": "https://idp",
      "client-id": "kube",
      "client-secret": REDACTED,
      "id-token": REDACTED,
      "refresh-token": REDACTED,
    });
    expect(users.exec?.exec?.env).toEqual([{ name: "API_KEY", value: REDACTED }]);
    expect(r.clusters[0]?.cluster).toEqual({
      server: "https://k8s:6443",
      "certificate-authority-data": DATA_OMITTED,
      "proxy-url": `http://bob:${REDACTED}@proxy:3128`,
    });
    // Redaction copies; the loaded config keeps its data, readable, copyable and writable.
    const user = loaded.config.users.find((u) => u.name === "token")!.user;
    expect(user.token).toBe(SECRETS.token);
    expect({ ...user }.token).toBe(SECRETS.token);
    expect(structuredClone(user).token).toBe(SECRETS.token);
    expect(Object.entries(user)).toContainEqual(["token", SECRETS.token]);
  });

  it("resolved configs and their auth providers print without secrets", async () => {
    for (const r of resolvedConfigs) {
      const printed = [inspect(r, { depth: 20, showHidden: true }), inspect(r, { depth: 20, customInspect: false }), dirOutput(r), JSON.stringify(r), inspect(r.auth), dirOutput(r.auth), JSON.stringify(r.auth), inspect(r.tls)];
      for (const text of printed) {
        assertNoSecret(text);
        expect(text).not.toContain("BEGIN CERTIFICATE");
      }
    }
    // Holding the credential still works.
    const token = resolvedConfigs[0]!;
    expect((await token.auth.credentials()).headers.authorization).toBe(`Bearer ${SECRETS.token}`);
    expect(JSON.parse(JSON.stringify(token))).toEqual({
      contextName: "token",
      clusterName: "c",
      userName: "token",
      server: "https://k8s:6443",
      namespace: "default",
      tls: { rejectUnauthorized: true, ca: DATA_OMITTED },
      disableCompression: false,
      auth: "client-certificate (inline data) + token",
      proxyUrl: `http://bob:${REDACTED}@proxy:3128`,
    });
  });

  it("minified views are protected too", async () => {
    const mini = await minifyKubeconfig(loaded, { context: "oidc" });
    assertNoSecret(inspect(mini, { depth: 20 }));
    assertNoSecret(JSON.stringify(mini));
    expect(mini.users[0]?.user["auth-provider"]?.config?.["id-token"]).toBe(SECRETS.idToken);
  });

  it.each([
    ["http://u:pw@proxy:3128", `http://u:${REDACTED}@proxy:3128`],
    ["http://proxy:3128", "http://proxy:3128"],
    ["https://u:pw@h/path/", `https://u:${REDACTED}@h/path/`],
    ["http://u:pw@[bad", `http://u:${REDACTED}@[bad`],
  ])("redactUrl(%s)", (input, output) => {
    expect(redactUrl(input)).toBe(output);
  });
});
