/**
 * No credential ever reaches an error a user might print. For each credential type a real
 * failure is provoked (the API server's 401, a TLS failure, a broken exec plugin, an OIDC
 * issuer refusing a refresh, an unreachable proxy with a password, a malformed key), and
 * the token, key or certificate body must not appear in error.message, error.stack,
 * String(error), util.inspect(error) (which follows `cause`) or JSON.stringify(error).
 */
import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import type { Server } from "node:http";
import { createServer as createHttpsServer } from "node:https";
import { createServer as createNetServer } from "node:net";
import { join } from "node:path";
import { inspect } from "node:util";
import { afterAll, describe, expect, test } from "vitest";
import { ApiError, AuthError, ConfigError, TlsError, TransportError, isUnauthorized } from "../../src/base/errors.ts";
import {
  b64,
  Clients,
  cluster,
  clusterEntry,
  failure,
  local,
  notApplicable,
  selfSigned,
  tempDir,
  trustedCertificates,
  whoAmI,
  writeKubeconfig,
} from "./auth-fixtures.ts";
import { EXEC_V1, writePlugin } from "./exec-plugin-script.ts";

const t = tempDir("bun-k8s-secret-free-");
const clients = new Clients(t);
const servers: Server[] = [];
afterAll(async () => {
  clients.closeAll();
  for (const s of servers) await new Promise((r) => s.close(r));
  t.remove();
});

/** A fresh secret-looking value, so a match can only come from this test. */
const secret = (prefix: string): string => `${prefix}${randomBytes(24).toString("hex")}`;

/** The base64 lines of a PEM body (each 64 characters), any of which would betray it. */
function pemLines(pem: string): string[] {
  return pem.split("\n").filter((l) => l.length >= 32 && !l.startsWith("-----"));
}

/** Every printable form of the error must be free of every secret (and says where, not what). */
function expectNoSecrets(error: Error, secrets: string[]): void {
  expect(secrets.length).toBeGreaterThan(0);
  const surfaces: Record<string, string> = {
    message: error.message,
    stack: error.stack ?? "",
    "String(error)": String(error),
    "util.inspect(error)": inspect(error, { depth: 10 }),
    "JSON.stringify(error)": JSON.stringify(error) ?? "",
  };
  for (const [surface, text] of Object.entries(surfaces)) {
    const leaked = secrets.findIndex((s) => text.includes(s));
    expect(leaked, `${surface} contains secret #${leaked}`).toBe(-1);
  }
}

async function closedPort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createNetServer().listen(0, "127.0.0.1", () => {
      const address = s.address();
      s.close(() => resolve(typeof address === "object" && address ? address.port : 0));
    });
  });
}

describe("no secret in errors", () => {
  test("token refused by the API server (401)", async () => {
    const token = secret("tok");
    const kube = await clients.load(writeKubeconfig(t, "token/kubeconfig", { cluster: clusterEntry(), user: { token } }));
    const e = await failure(whoAmI(kube));
    expect(isUnauthorized(e)).toBe(true);
    expectNoSecrets(e, [token]);
  });

  test("tokenFile refused by the API server (401, after a re-read)", async () => {
    const token = secret("tokfile");
    t.write("token-file/token", token);
    const kube = await clients.load(writeKubeconfig(t, "token-file/kubeconfig", { cluster: clusterEntry(), user: { tokenFile: "token" } }));
    const e = await failure(whoAmI(kube));
    expect(isUnauthorized(e)).toBe(true);
    expectNoSecrets(e, [token]);
  });

  test("exec plugin token refused by the API server (401, after one re-exec)", async () => {
    const token = secret("exectok");
    const plugin = writePlugin(t, "exec-401/plugin", EXEC_V1, [{ token }]);
    const kube = await clients.load(
      writeKubeconfig(t, "exec-401/kubeconfig", { cluster: clusterEntry(), user: { exec: { apiVersion: EXEC_V1, command: plugin.command, interactiveMode: "Never" } } }),
    );
    const e = await failure(whoAmI(kube));
    expect(isUnauthorized(e)).toBe(true);
    expect(plugin.runs()).toBe(2);
    expectNoSecrets(e, [token]);
  });

  test("exec plugin printing a malformed ExecCredential that holds a token", async () => {
    const token = secret("badexec");
    const raw = JSON.stringify({ apiVersion: "client.authentication.k8s.io/v1alpha1", kind: "ExecCredential", status: { token } });
    const plugin = writePlugin(t, "exec-bad/plugin", EXEC_V1, [{ raw }]);
    const kube = await clients.load(
      writeKubeconfig(t, "exec-bad/kubeconfig", { cluster: clusterEntry(), user: { exec: { apiVersion: EXEC_V1, command: plugin.command, interactiveMode: "Never" } } }),
    );
    const e = await failure(whoAmI(kube));
    expect(e).toBeInstanceOf(AuthError);
    expect(e.message).toMatch(/is configured for client\.authentication\.k8s\.io\/v1 but returned "client\.authentication\.k8s\.io\/v1alpha1"/);
    expectNoSecrets(e, [token]);
  });

  test("client certificate the API server does not trust (401)", async (ctx) => {
    const rogue = local && cluster.pkiDir
      ? { cert: readFileSync(join(cluster.pkiDir, "rogue-admin.crt"), "utf8"), key: readFileSync(join(cluster.pkiDir, "rogue-admin.key"), "utf8") }
      : selfSigned(t, "rogue", "DNS:rogue.bun-k8s.invalid");
    if ("missing" in rogue) notApplicable(ctx, rogue.missing);
    const kube = await clients.load(
      writeKubeconfig(t, "rogue/kubeconfig", { cluster: clusterEntry(), user: { "client-certificate-data": b64(rogue.cert), "client-key-data": b64(rogue.key) } }),
    );
    const e = await failure(whoAmI(kube));
    expect(e).toBeInstanceOf(ApiError);
    expect(isUnauthorized(e)).toBe(true);
    expectNoSecrets(e, [...pemLines(rogue.cert), ...pemLines(rogue.key), b64(rogue.key).slice(0, 64)]);
  });

  test("trusted client certificate and key, presented to a server that fails verification (TLS error)", async (ctx) => {
    const certs = trustedCertificates();
    if ("missing" in certs) notApplicable(ctx, certs.missing);
    const { cert, key } = certs.second;
    const kube = await clients.load(
      writeKubeconfig(t, "tls/kubeconfig", {
        cluster: { server: cluster.server, "tls-server-name": "not-on-the-certificate.bun-k8s.invalid", "certificate-authority": cluster.caFile },
        user: { "client-certificate-data": b64(cert), "client-key-data": b64(key) },
      }),
    );
    const e = await failure(whoAmI(kube));
    expect(e).toBeInstanceOf(TlsError);
    expectNoSecrets(e, [...pemLines(cert), ...pemLines(key)]);
  });

  test("client-key-data that is not a PEM key (refused while loading)", async () => {
    const notAKey = secret("not-a-pem-key-");
    const certs = trustedCertificates();
    const cert = "missing" in certs ? "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n" : certs.first.cert;
    const e = await failure(
      clients.load(writeKubeconfig(t, "bad-key/kubeconfig", { cluster: clusterEntry(), user: { "client-certificate-data": b64(cert), "client-key-data": b64(notAKey) } })),
    );
    expect(e).toBeInstanceOf(ConfigError);
    expectNoSecrets(e, [notAKey, b64(notAKey)]);
  });

  test("OIDC: the issuer refuses the refresh and echoes the refresh token in its error", async (ctx) => {
    const refreshToken = secret("rt");
    const clientSecret = secret("cs");
    const expired = `${b64url({ alg: "RS256" })}.${b64url({ exp: Math.floor(Date.now() / 1000) - 3600, sub: "me" })}.${secret("sig")}`;
    const issuer = await startRefusingIssuer(refreshToken);
    if ("missing" in issuer) notApplicable(ctx, issuer.missing);
    const kube = await clients.load(
      writeKubeconfig(t, "oidc/kubeconfig", {
        cluster: clusterEntry(),
        user: {
          "auth-provider": {
            name: "oidc",
            config: {
              "idp-issuer-url": issuer.url,
              "idp-certificate-authority-data": b64(issuer.ca),
              "client-id": "bun-k8s",
              "client-secret": clientSecret,
              "id-token": expired,
              "refresh-token": refreshToken,
            },
          },
        },
      }),
    );
    const e = await failure(whoAmI(kube));
    expect(e).toBeInstanceOf(AuthError);
    expect(e.message).toMatch(/refused the refresh token \(HTTP 400, invalid_grant/);
    expectNoSecrets(e, [refreshToken, clientSecret, expired]);
  });

  test("in-cluster service-account token refused by the API server (401)", async (ctx) => {
    const server = new URL(cluster.server);
    if (server.pathname !== "/") notApplicable(ctx, "the server URL has a path prefix, which in-cluster config cannot express");
    const token = secret("sa");
    const tokenFile = t.write("in-cluster/token", token);
    const kube = await clients.load(undefined, {
      env: clients.env({ KUBERNETES_SERVICE_HOST: server.hostname, KUBERNETES_SERVICE_PORT: server.port || "443" }),
      inCluster: { tokenFile, caFile: cluster.caFile, namespaceFile: t.path("in-cluster/namespace") },
    });
    const e = await failure(whoAmI(kube));
    expect(isUnauthorized(e)).toBe(true);
    expectNoSecrets(e, [token]);
  });

  test("proxy-url with a password, proxy unreachable (TransportError)", async () => {
    const password = secret("pw");
    const token = secret("tok");
    const kube = await clients.load(
      writeKubeconfig(t, "proxy/kubeconfig", { cluster: clusterEntry({ "proxy-url": `http://alice:${password}@127.0.0.1:${await closedPort()}` }), user: { token } }),
      { retry: false },
    );
    const e = await failure(whoAmI(kube));
    expect(e).toBeInstanceOf(TransportError);
    expectNoSecrets(e, [password, token]);
  });

  test("a printed client shows no credential", async () => {
    const token = secret("printed");
    const kube = await clients.load(writeKubeconfig(t, "printed/kubeconfig", { cluster: clusterEntry(), user: { token } }));
    const printed = [inspect(kube, { depth: 10 }), inspect(kube.config, { depth: 10 }), JSON.stringify(kube.config), JSON.stringify(kube.describe())];
    expect(printed.map((p) => p.includes(token))).toEqual([false, false, false, false]);
    expect(kube.describe()).toMatchObject({ auth: "token" });
  });
});

function b64url(value: object): string {
  return Buffer.from(JSON.stringify(value)).toString("base64url");
}

/** A loopback HTTPS OIDC issuer whose token endpoint refuses every refresh, quoting the token back. */
async function startRefusingIssuer(refreshToken: string): Promise<{ url: string; ca: string } | { missing: string }> {
  const pem = selfSigned(t, "oidc-issuer", "IP:127.0.0.1");
  if ("missing" in pem) return pem;
  let base = "";
  const server = createHttpsServer({ cert: pem.cert, key: pem.key }, (req, res) => {
    res.setHeader("content-type", "application/json");
    if (req.url === "/.well-known/openid-configuration") {
      res.end(JSON.stringify({ issuer: base, token_endpoint: `${base}/token` }));
      return;
    }
    req.resume();
    res.statusCode = 400;
    res.end(JSON.stringify({ error: "invalid_grant", error_description: `refresh token ${refreshToken} has been revoked` }));
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  base = `https://127.0.0.1:${typeof address === "object" && address ? address.port : 0}`;
  return { url: base, ca: pem.cert };
}
