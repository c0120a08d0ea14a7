/**
 * Credentials never go over plain HTTP: not a bearer token to an http:// server (nor to a
 * scheme-less one, which kubectl resolves to http://), not an OIDC refresh token to an
 * http:// token endpoint; and an OIDC discovery document naming another issuer is refused.
 * The plain-HTTP servers count what reached them: nothing may.
 */
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { runChild } from "./child-runner.ts";
import { expectNoSecrets, failed, hostileBench, oidcUser, printTable, record, secret, type Bench } from "./hostile-fixtures.ts";
import { json, startHostileServer, type HostileServer } from "./hostile-server.ts";

let bench: Bench;
let plain: HostileServer;
let issuer: HostileServer;

beforeAll(async () => {
  bench = hostileBench();
  plain = await startHostileServer(bench.pki, "plain");
  issuer = await startHostileServer(bench.pki, "http1");
  plain.handle = (_req, res) => json(res, 200, { kind: "ConfigMap", apiVersion: "v1", metadata: { name: "x" } });
});
afterAll(async () => {
  printTable();
  await Promise.all([plain.close(), issuer.close()]);
  bench.remove();
});

describe("no credential in clear text", () => {
  test.each([
    ["an http:// server", () => plain.url],
    ["a server without a scheme (kubectl: http:// without a CA)", () => `127.0.0.1:${plain.port}`],
  ])("a bearer token for %s is refused with ConfigError, nothing sent", async (name, server) => {
    const token = secret("tok");
    const before = plain.requests.length;
    const run = await runChild({ op: "get", kubeconfig: bench.kubeconfig(`http-${name.length}`, server(), { token }, {}) });
    record(`bearer token to ${name}`, run);
    const error = failed(run);
    expect(error.name).toBe("ConfigError");
    expect(error.message).toMatch(new RegExp(`has the plain-HTTP server http://127\\.0\\.0\\.1:${plain.port}, and user "me" has credentials; credentials go only over TLS`));
    expectNoSecrets(error.printed, [token]);
    expect(plain.requests.length).toBe(before);
  });

  test("a server without a scheme and a user without credentials: http://, as kubectl resolves it", async () => {
    const before = plain.requests.length;
    const run = await runChild({ op: "get", kubeconfig: bench.kubeconfig("anonymous", `127.0.0.1:${plain.port}`, {}, {}) });
    record("scheme-less server, no credentials", run);
    expect(run.result?.ok).toBe(true);
    expect(plain.requests.slice(before)).toEqual([{ method: "GET", path: "/api/v1/namespaces/default/configmaps/x", authorization: undefined }]);
  });

  test("an OIDC discovery document whose token_endpoint is http:// gets nothing, ConfigError", async () => {
    const refreshToken = secret("rt");
    const clientSecret = secret("cs");
    const before = plain.requests.length;
    issuer.handle = (_req, res) => json(res, 200, { issuer: issuer.url, token_endpoint: `${plain.url}/token` });
    const run = await runChild({ op: "get", kubeconfig: oidcKubeconfig(refreshToken, clientSecret) });
    record("OIDC token_endpoint over http://", run);
    const error = failed(run);
    expect(error.name).toBe("ConfigError");
    expect(error.message).toMatch(/names a token_endpoint that is not https/);
    expectNoSecrets(error.printed, [refreshToken, clientSecret]);
    expect(plain.requests.length).toBe(before);
  });

  test("an OIDC discovery document that names another issuer is refused (AuthError)", async () => {
    issuer.handle = (req, res) => {
      if (req.url === "/.well-known/openid-configuration") return json(res, 200, { issuer: "https://evil.example", token_endpoint: `${issuer.url}/token` });
      json(res, 200, { id_token: "never-used" });
    };
    const run = await runChild({ op: "get", kubeconfig: oidcKubeconfig(secret("rt"), secret("cs")) });
    record("OIDC issuer mismatch", run);
    const error = failed(run);
    expect(error.name).toBe("AuthError");
    expect(error.message).toMatch(/names issuer "https:\/\/evil\.example", not the configured idp-issuer-url/);
    expect(issuer.requests.filter((r) => r.path === "/token")).toEqual([]);
  });
});

function oidcKubeconfig(refreshToken: string, clientSecret: string): string {
  return bench.kubeconfig(`oidc-${refreshToken.slice(-6)}`, issuer.url, oidcUser(bench, issuer.url, { clientSecret, refreshToken }));
}
