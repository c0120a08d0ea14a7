import { afterEach, describe, expect, it } from "vitest";
import { ConfigError } from "../../../src/base/errors.ts";
import { parseKubeconfig } from "../../../src/config/kubeconfig-parse.ts";
import type { Config } from "../../../src/config/kubeconfig.ts";
import { loadKubeconfig } from "../../../src/config/kubeconfig-files.ts";
import { resolveContext } from "../../../src/config/resolve.ts";
import { selectContext, type ContextOverrides } from "../../../src/config/select.ts";
import { b64, CA_PEM, CERT_PEM, KEY_PEM, kubeconfig, tempDir, type TempDir } from "./fixtures/temp-files.ts";

let t: TempDir | undefined;
afterEach(() => t?.remove());

function config(obj: object): Config {
  return parseKubeconfig(JSON.stringify(obj), "/test/kubeconfig");
}

const multi = config(
  kubeconfig({
    current: "dev",
    clusters: { c1: { server: "https://one:6443" }, c2: { server: "https://two:6443" } },
    users: { u1: { token: "t1" }, u2: { token: "t2" } },
    contexts: {
      dev: { cluster: "c1", user: "u1", namespace: "apps" },
      prod: { cluster: "c2", user: "u2" },
      anon: { cluster: "c2" },
    },
  }),
);

describe("selectContext", () => {
  const cases: [string, ContextOverrides, { contextName?: string; clusterName: string; userName?: string; namespace: string }][] = [
    ["current-context", {}, { contextName: "dev", clusterName: "c1", userName: "u1", namespace: "apps" }],
    ["named context, namespace defaults to default", { context: "prod" }, { contextName: "prod", clusterName: "c2", userName: "u2", namespace: "default" }],
    ["namespace override", { namespace: "x" }, { contextName: "dev", clusterName: "c1", userName: "u1", namespace: "x" }],
    ["cluster override", { cluster: "c2" }, { contextName: "dev", clusterName: "c2", userName: "u1", namespace: "apps" }],
    ["user override", { context: "prod", user: "u1" }, { contextName: "prod", clusterName: "c2", userName: "u1", namespace: "default" }],
    ["context without a user", { context: "anon" }, { contextName: "anon", clusterName: "c2", namespace: "default" }],
  ];
  it.each(cases)("%s", (_name, overrides, expected) => {
    const sel = selectContext(multi, overrides);
    expect({
      contextName: sel.contextName,
      clusterName: sel.clusterName,
      userName: sel.userName,
      namespace: sel.namespace,
    }).toEqual({ userName: undefined, ...expected });
  });

  it("allows --cluster/--user without any context", () => {
    const noCurrent = config(kubeconfig({ clusters: { c: { server: "https://c" } }, users: { u: { token: "x" } } }));
    const sel = selectContext(noCurrent, { cluster: "c", user: "u" });
    expect([sel.contextName, sel.clusterName, sel.userName, sel.namespace]).toEqual([undefined, "c", "u", "default"]);
  });

  const errors: [string, Config, ContextOverrides, RegExp][] = [
    ["unknown context lists the available ones", multi, { context: "nope" }, /context "nope" not found in the kubeconfig; available contexts: dev, prod, anon/],
    ["unknown cluster override", multi, { cluster: "c9" }, /cluster "c9" not found .*available clusters: c1, c2/],
    ["unknown user override", multi, { user: "u9" }, /user "u9" not found .*available users: u1, u2/],
    ["no current-context", config(kubeconfig({ contexts: { a: { cluster: "c" }, b: { cluster: "c" } } })), {}, /sets no current-context; pass a context \(available contexts: a, b\)/],
    ["empty config", config({}), {}, /defines no contexts/],
    ["context naming a missing cluster", config(kubeconfig({ current: "a", contexts: { a: { cluster: "gone" } } })), {}, /cluster "gone" not found in the kubeconfig; it defines no clusters/],
    ["context naming no cluster", config({ "current-context": "a", contexts: [{ name: "a", context: { user: "u" } }] }), {}, /context "a" in the kubeconfig names no cluster/],
  ];
  it.each(errors)("%s", (_name, cfg, overrides, message) => {
    expect(() => selectContext(cfg, overrides)).toThrow(ConfigError);
    expect(() => selectContext(cfg, overrides)).toThrow(message);
  });

  it("names the files it looked at", async () => {
    t = tempDir();
    const loaded = await loadKubeconfig({ env: { KUBECONFIG: t.path("none.yaml") } });
    expect(() => selectContext(loaded)).toThrow(`no file found at ${t.path("none.yaml")}`);
  });
});

function single(cluster: object, user: object = {}, ns?: string): Config {
  return config(
    kubeconfig({ current: "x", clusters: { c: cluster }, users: { u: user }, contexts: { x: { cluster: "c", user: "u", ...(ns ? { namespace: ns } : {}) } } }),
  );
}

describe("resolveContext: cluster fields", () => {
  it.each([
    ["https URL kept, trailing slash dropped", { server: "https://k8s.example:6443/" }, "https://k8s.example:6443"],
    ["path prefix kept", { server: "https://rancher.example/k8s/clusters/c-1/" }, "https://rancher.example/k8s/clusters/c-1"],
    ["host:port with a CA gets https", { server: "10.0.0.1:6443", "certificate-authority-data": b64(CA_PEM) }, "https://10.0.0.1:6443"],
    ["host:port without TLS settings gets http (client-go)", { server: "10.0.0.1:8080" }, "http://10.0.0.1:8080"],
    ["localhost:port without TLS settings gets http (client-go)", { server: "localhost:8001" }, "http://localhost:8001"],
    ["host:port with insecure gets https", { server: "localhost:6443", "insecure-skip-tls-verify": true }, "https://localhost:6443"],
    ["IPv6 literal", { server: "https://[fd00::1]:6443" }, "https://[fd00::1]:6443"],
  ])("server: %s", async (_name, cluster, server) => {
    const r = await resolveContext(single(cluster));
    expect(r.server).toBe(server);
  });

  it.each([
    ["a token", { token: "t0ken-value-1" }],
    ["a token file", { tokenFile: "/var/run/token" }],
    ["a client certificate", { "client-certificate-data": b64(CERT_PEM), "client-key-data": b64(KEY_PEM) }],
    ["an exec plugin", { exec: { command: "aws", apiVersion: "client.authentication.k8s.io/v1", interactiveMode: "Never" } }],
    ["an OIDC auth-provider", { "auth-provider": { name: "oidc", config: { "idp-issuer-url": "https://idp", "client-id": "k" } } }],
  ])("refuses %s for a plain-HTTP server (also a scheme-less one without TLS settings), as credentials go only over TLS", async (_name, user) => {
    for (const server of ["http://10.0.0.1:8080", "10.0.0.1:8080"]) {
      const e = await resolveContext(single({ server }, user)).catch((x: unknown) => x);
      expect(e).toBeInstanceOf(ConfigError);
      expect((e as Error).message).toMatch(/has the plain-HTTP server http:\/\/10\.0\.0\.1:8080, and user "u" has credentials; credentials go only over TLS/);
    }
  });

  it("a client certificate alone does not make a scheme-less server https (kubectl reads the cluster only)", async () => {
    const e = await resolveContext(single({ server: "10.0.0.1:6443" }, { "client-certificate-data": b64(CERT_PEM), "client-key-data": b64(KEY_PEM) })).catch((x: unknown) => x);
    expect((e as Error).message).toMatch(/plain-HTTP server http:\/\/10\.0\.0\.1:6443/);
    const withCa = await resolveContext(single({ server: "10.0.0.1:6443", "certificate-authority-data": b64(CA_PEM) }, { "client-certificate-data": b64(CERT_PEM), "client-key-data": b64(KEY_PEM) }));
    expect(withCa.server).toBe("https://10.0.0.1:6443");
  });

  it("maps CA data, tls-server-name, proxy-url and disable-compression", async () => {
    const r = await resolveContext(
      single({
        server: "https://a",
        "certificate-authority-data": b64(CA_PEM),
        "tls-server-name": "api.internal",
        "proxy-url": "http://proxy.local:3128",
        "disable-compression": true,
      }),
    );
    expect(r.tls).toEqual({ ca: CA_PEM, rejectUnauthorized: true, serverName: "api.internal" });
    expect(r.proxyUrl).toBe("http://proxy.local:3128");
    expect(r.disableCompression).toBe(true);
    expect([r.contextName, r.clusterName, r.userName, r.namespace]).toEqual(["x", "c", "u", "default"]);
  });

  it("reads the CA file and turns verification off only for insecure-skip-tls-verify", async () => {
    t = tempDir();
    const ca = t.write("ca.pem", CA_PEM);
    expect((await resolveContext(single({ server: "https://a", "certificate-authority": ca }))).tls).toEqual({ ca: CA_PEM, rejectUnauthorized: true });
    expect((await resolveContext(single({ server: "https://a" }))).tls).toEqual({ rejectUnauthorized: true });
    expect((await resolveContext(single({ server: "https://a", "insecure-skip-tls-verify": true }))).tls).toEqual({ rejectUnauthorized: false });
  });

  const failures: [string, object, RegExp][] = [
    ["insecure with CA data", { server: "https://a", "insecure-skip-tls-verify": true, "certificate-authority-data": b64(CA_PEM) }, /insecure-skip-tls-verify together with a certificate authority/],
    ["insecure with a CA file", { server: "https://a", "insecure-skip-tls-verify": true, "certificate-authority": "/etc/hosts" }, /insecure-skip-tls-verify together with a certificate authority/],
    ["both CA file and data", { server: "https://a", "certificate-authority": "/x", "certificate-authority-data": b64(CA_PEM) }, /both certificate-authority and certificate-authority-data/],
    ["unreadable CA file", { server: "https://a", "certificate-authority": "/nonexistent/ca.pem" }, /cannot read certificate-authority \/nonexistent\/ca.pem: ENOENT/],
    ["CA data that is not PEM", { server: "https://a", "certificate-authority-data": b64("garbage") }, /certificate-authority-data holds no PEM certificate/],
    ["no server", {}, /cluster "c" has no server/],
    ["non-http server", { server: "ftp://a" }, /server must be an http\(s\) URL, not ftp:/],
    ["server with a query", { server: "https://a/?x=1" }, /must not carry a query/],
    ["bad proxy scheme", { server: "https://a", "proxy-url": "ftp://p" }, /proxy-url must use http, https or socks5/],
    ["bad proxy URL hides its password", { server: "https://a", "proxy-url": "http://user:pw-SECRET@[bad" }, /proxy-url ".*" is not a valid URL/],
  ];
  it.each(failures)("rejects %s", async (_name, cluster, message) => {
    const p = resolveContext(single(cluster));
    await expect(p).rejects.toThrow(ConfigError);
    await expect(resolveContext(single(cluster))).rejects.toThrow(message);
    await expect(resolveContext(single(cluster))).rejects.not.toThrow(/pw-SECRET/);
    await expect(resolveContext(single(cluster))).rejects.toThrow(/\(context x\)$/);
  });
});

describe("resolveContext: users", () => {
  const server = { server: "https://a" };
  it.each([
    ["no user", {}, "anonymous"],
    ["token", { token: "abc" }, "token"],
    ["tokenFile beats token", { token: "abc", tokenFile: "/run/tok" }, "token-file /run/tok"],
    ["inline client certificate", { "client-certificate-data": b64(CERT_PEM), "client-key-data": b64(KEY_PEM) }, "client-certificate (inline data)"],
    ["certificate + token", { "client-certificate-data": b64(CERT_PEM), "client-key-data": b64(KEY_PEM), token: "abc" }, "client-certificate (inline data) + token"],
    ["exec", { exec: { command: "plugin", apiVersion: "client.authentication.k8s.io/v1beta1" } }, "exec plugin"],
    ["token makes client-go skip exec", { token: "abc", exec: { command: "plugin", apiVersion: "client.authentication.k8s.io/v1beta1" } }, "token"],
    ["oidc", { "auth-provider": { name: "oidc", config: { "idp-issuer-url": "https://idp", "client-id": "k" } } }, "oidc https://idp"],
  ])("%s", async (_name, user, description) => {
    const r = await resolveContext(single(server, user));
    expect(r.auth.description).toBe(description);
  });

  it("hands out the token and the inline certificate together", async () => {
    const r = await resolveContext(single(server, { "client-certificate-data": b64(CERT_PEM), "client-key-data": b64(KEY_PEM), token: "abc" }));
    expect(await r.auth.credentials()).toEqual({ headers: { authorization: "Bearer abc" }, clientCertificate: { cert: CERT_PEM, key: KEY_PEM } });
  });

  it("reads certificate files at resolve time", async () => {
    t = tempDir();
    const cert = t.write("c.pem", CERT_PEM);
    const key = t.write("k.pem", KEY_PEM);
    const r = await resolveContext(single(server, { "client-certificate": cert, "client-key": key }));
    expect((await r.auth.credentials()).clientCertificate).toEqual({ cert: CERT_PEM, key: KEY_PEM });
    await expect(resolveContext(single(server, { "client-certificate": cert, "client-key": t.path("gone.pem") }))).rejects.toThrow(
      new RegExp(`cannot read client key ${t.path("gone.pem")}: ENOENT`),
    );
  });

  const failures: [string, object, RegExp][] = [
    ["username/password", { username: "admin", password: "hunter2-SECRET" }, /removed basic authentication from kube-apiserver in 1\.19; use a token, tokenFile, a client certificate, or an exec credential plugin/],
    ["gcp auth-provider", { "auth-provider": { name: "gcp", config: { "access-token": "ya29-SECRET" } } }, /auth-provider "gcp".*exec credential plugin instead, e\.g\. gke-gcloud-auth-plugin/],
    ["azure auth-provider", { "auth-provider": { name: "azure" } }, /auth-provider "azure".*kubelogin/],
    ["unknown auth-provider", { "auth-provider": { name: "custom" } }, /auth-provider "custom", which client-go no longer supports; configure an exec credential plugin instead/],
    ["exec + auth-provider", { exec: { command: "p", apiVersion: "client.authentication.k8s.io/v1beta1" }, "auth-provider": { name: "oidc" } }, /both exec and auth-provider/],
    ["cert file and data", { "client-certificate": "/c", "client-certificate-data": b64(CERT_PEM), "client-key-data": b64(KEY_PEM) }, /both client-certificate and client-certificate-data/],
    ["cert without key", { "client-certificate-data": b64(CERT_PEM) }, /client certificate but no client-key/],
    ["key without cert", { "client-key-data": b64(KEY_PEM) }, /client key but no client-certificate/],
    ["key data that is not a key", { "client-certificate-data": b64(CERT_PEM), "client-key-data": b64("not-a-key-SECRET") }, /client-key-data does not hold a PEM private key/],
    ["exec without apiVersion", { exec: { command: "p" } }, /apiVersion is required/],
    ["exec with unknown apiVersion", { exec: { command: "p", apiVersion: "client.authentication.k8s.io/v1alpha1" } }, /not supported/],
    ["exec v1 without interactiveMode", { exec: { command: "p", apiVersion: "client.authentication.k8s.io/v1" } }, /interactiveMode must be specified/],
    ["oidc without issuer", { "auth-provider": { name: "oidc", config: { "client-id": "k" } } }, /idp-issuer-url is required/],
    ["impersonation extras without as", { token: "x", "as-groups": ["g"] }, /as-uid, as-groups or as-user-extra without as/],
  ];
  it.each(failures)("rejects %s", async (_name, user, message) => {
    const err = await resolveContext(single(server, user)).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as Error).message).toMatch(message);
    expect((err as Error).message).not.toMatch(/SECRET/);
  });

  it("maps impersonation fields, and an explicit impersonation replaces them", async () => {
    const user = { token: "x", as: "jane", "as-uid": "1", "as-groups": ["a", "b"], "as-user-extra": { scopes: ["s1"] } };
    const r = await resolveContext(single(server, user));
    expect(r.impersonate).toEqual({ user: "jane", uid: "1", groups: ["a", "b"], extra: { scopes: ["s1"] } });
    const o = await resolveContext(single(server, user), { impersonate: { user: "other" } });
    expect(o.impersonate).toEqual({ user: "other" });
    expect((await resolveContext(single(server, { token: "x" }))).impersonate).toBeUndefined();
  });
});
