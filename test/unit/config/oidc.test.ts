import { readFileSync } from "node:fs";
import yaml from "js-yaml";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { inspect } from "node:util";
import { AuthError, ConfigError } from "../../../src/base/errors.ts";
import { OidcAuth, jwtExpiry } from "../../../src/config/auth/oidc.ts";
import { configEnvironment } from "../../../src/config/environment.ts";
import { loadKubeconfig } from "../../../src/config/kubeconfig-files.ts";
import { resolveContext } from "../../../src/config/resolve.ts";
import { createLoopbackPki, type LoopbackPki } from "../../support/loopback-pki.ts";
import { jwt, nowSeconds, startFakeIssuer, type FakeIssuer } from "./fixtures/fake-issuer.ts";
import { b64, kubeconfig, tempDir } from "./fixtures/temp-files.ts";

const CLIENT_SECRET = "client-SECRET-xyz";
let pki: LoopbackPki;
let issuer: FakeIssuer;

beforeAll(() => {
  pki = createLoopbackPki();
});
afterAll(() => pki.remove());
beforeEach(async () => {
  issuer = await startFakeIssuer({ cert: pki.serverCert, key: pki.serverKey });
});
afterEach(() => issuer.close());

/** The issuer is https only; its CA comes from the throwaway PKI. */
const trustIssuer = (): Record<string, string> => ({ "idp-certificate-authority-data": b64(pki.ca) });

function oidc(config: Record<string, string>, onRefresh?: (t: { "id-token": string; "refresh-token"?: string }) => void): OidcAuth {
  return new OidcAuth({
    config: { "idp-issuer-url": issuer.url, "client-id": "kube", "client-secret": CLIENT_SECRET, ...trustIssuer(), ...config },
    userName: "me",
    env: configEnvironment(),
    ...(onRefresh ? { onRefresh } : {}),
  });
}

const bearer = async (auth: OidcAuth): Promise<string | undefined> => (await auth.credentials()).headers.authorization;

describe("OidcAuth", () => {
  it("uses a valid id-token as is, without calling the issuer", async () => {
    const token = jwt({ exp: nowSeconds() + 3600 });
    expect(await bearer(oidc({ "id-token": token, "refresh-token": "rt-0" }))).toBe(`Bearer ${token}`);
    expect(issuer.discoveries + issuer.tokenRequests.length).toBe(0);
  });

  it.each([
    ["expired", jwt({ exp: nowSeconds() - 60 })],
    ["inside the 10 s skew", jwt({ exp: nowSeconds() + 5 })],
    ["without exp", jwt({ sub: "x" })],
    ["not a JWT", "opaque"],
    ["missing", ""],
  ])("refreshes an id-token that is %s, and rotates the refresh token", async (_name, idToken) => {
    const seen: unknown[] = [];
    const auth = oidc({ "id-token": idToken, "refresh-token": "rt-0" }, (t) => void seen.push(t));
    const first = await bearer(auth);
    expect(first).not.toBe(`Bearer ${idToken}`);
    expect(jwtExpiry(first!.slice(7))).toBeGreaterThan(nowSeconds());
    expect(issuer.tokenRequests).toHaveLength(1);
    expect(issuer.tokenRequests[0]?.form).toEqual({ grant_type: "refresh_token", refresh_token: "rt-0" });
    expect(issuer.tokenRequests[0]?.authorization).toBe(`Basic ${b64(`kube:${CLIENT_SECRET}`)}`);
    expect(seen).toEqual([{ "id-token": first!.slice(7), "refresh-token": "rt-1" }]);
    // The fresh token is cached; invalidate() refreshes again with the rotated refresh token.
    expect(await bearer(auth)).toBe(first);
    expect(await auth.invalidate()).toBe(true);
    expect(issuer.tokenRequests[1]?.form.refresh_token).toBe("rt-1");
    expect(await bearer(auth)).not.toBe(first);
  });

  it("keeps the refresh token when the issuer does not rotate it", async () => {
    issuer.rotate = false;
    const auth = oidc({ "refresh-token": "rt-0" });
    await auth.credentials();
    await auth.invalidate();
    expect(issuer.tokenRequests.map((r) => r.form.refresh_token)).toEqual(["rt-0", "rt-0"]);
  });

  it("shares one refresh between concurrent callers", async () => {
    const auth = oidc({ "id-token": jwt({ exp: 1 }), "refresh-token": "rt-0" });
    const all = await Promise.all(Array.from({ length: 6 }, () => bearer(auth)));
    expect(new Set(all).size).toBe(1);
    expect(issuer.tokenRequests).toHaveLength(1);
  });

  it.each([
    ["only client_secret_post advertised", ["client_secret_post"], CLIENT_SECRET, { client_id: "kube", client_secret: CLIENT_SECRET }, false],
    ["no methods advertised: Basic", undefined, CLIENT_SECRET, {}, true],
    ["public client (no secret)", ["none"], "", { client_id: "kube" }, false],
  ])("client authentication: %s", async (_name, methods, secret, formExtra, basic) => {
    issuer.authMethods = methods;
    await oidc({ "refresh-token": "rt-0", "client-secret": secret }).credentials();
    const req = issuer.tokenRequests[0]!;
    expect(req.form).toEqual({ grant_type: "refresh_token", refresh_token: "rt-0", ...formExtra });
    expect(req.authorization !== undefined).toBe(basic);
  });

  it("invalidate() is false when there is no refresh token", async () => {
    const auth = oidc({ "id-token": jwt({ exp: nowSeconds() + 3600 }) });
    expect(await auth.invalidate()).toBe(false);
  });

  it.each([
    ["no refresh token for an expired id-token", {}, undefined, /id-token is missing or expired and there is no refresh-token/],
    ["an issuer refusing the refresh token", { status: 400, error: "invalid_grant", description: "session ended" }, "rt-0", /refused the refresh token \(HTTP 400, invalid_grant: session ended\)/],
    ["an issuer failing", { status: 500, error: "server_error", description: "db down" }, "rt-0", /HTTP 500, server_error/],
  ])("fails with AuthError for %s, without leaking tokens or the secret", async (_name, fail, refresh, message) => {
    issuer.fail = fail && "status" in fail ? (fail as FakeIssuer["fail"]) : undefined;
    const expired = jwt({ exp: 1, secret: "ID-TOKEN-SECRET" });
    const auth = oidc({ "id-token": expired, ...(refresh ? { "refresh-token": `${refresh}` } : {}) });
    const e = await auth.credentials().catch((x: unknown) => x);
    expect(e).toBeInstanceOf(AuthError);
    const text = (e as Error).message;
    expect(text).toMatch(message);
    for (const secret of [CLIENT_SECRET, expired, "rt-0"]) expect(text).not.toContain(secret);
  });

  it("fails clearly when the issuer is unreachable", async () => {
    const url = issuer.url;
    await issuer.close();
    const auth = new OidcAuth({ config: { "idp-issuer-url": url, "client-id": "k", "refresh-token": "rt", ...trustIssuer() }, userName: "me", env: configEnvironment() });
    await expect(auth.credentials()).rejects.toThrow(/OIDC request to https:\/\/127\.0\.0\.1:\d+ failed/);
    issuer = await startFakeIssuer({ cert: pki.serverCert, key: pki.serverKey });
  });

  it("scrubs the Basic header (base64 of client id and secret) that an issuer echoes back", async () => {
    const basic = b64(`kube:${CLIENT_SECRET}`);
    issuer.fail = { status: 401, error: "invalid_client", description: `client authenticated with Basic ${basic} is unknown` };
    const e = await oidc({ "id-token": jwt({ exp: 1 }), "refresh-token": "rt-0" }).credentials().catch((x: unknown) => x);
    expect(e).toBeInstanceOf(AuthError);
    expect((e as Error).message).toMatch(/invalid_client: client authenticated with Basic REDACTED is unknown/);
    for (const text of [(e as Error).message, (e as Error).stack ?? "", JSON.stringify(e), inspect(e)]) expect(text).not.toContain(basic);
  });
});

describe("OIDC credentials go only over TLS, to the configured issuer", () => {
  it("refuses an http:// idp-issuer-url when the provider is built (ConfigError)", () => {
    const build = () => new OidcAuth({ config: { "idp-issuer-url": "http://dex.example", "client-id": "k", "refresh-token": "rt" }, userName: "me", env: configEnvironment() });
    expect(build).toThrow(ConfigError);
    expect(build).toThrow(/idp-issuer-url must be an https URL/);
  });

  it("refuses a discovery document whose token_endpoint is http://, sending it nothing", async () => {
    let hits = 0;
    const plain = http.createServer((req, res) => {
      hits++;
      req.resume();
      res.end("{}");
    });
    await new Promise<void>((resolve) => plain.listen(0, "127.0.0.1", resolve));
    try {
      issuer.tokenEndpoint = `http://127.0.0.1:${(plain.address() as AddressInfo).port}/token`;
      const e = await oidc({ "refresh-token": "rt-0" }).credentials().catch((x: unknown) => x);
      expect(e).toBeInstanceOf(ConfigError);
      expect((e as Error).message).toMatch(/names a token_endpoint that is not https/);
      expect(hits).toBe(0);
      expect(issuer.tokenRequests).toHaveLength(0);
    } finally {
      plain.close();
    }
  });

  it("refuses a discovery document that names another issuer (AuthError)", async () => {
    issuer.advertisedIssuer = "https://evil.example";
    const e = await oidc({ "refresh-token": "rt-0" }).credentials().catch((x: unknown) => x);
    expect(e).toBeInstanceOf(AuthError);
    expect((e as Error).message).toMatch(/names issuer "https:\/\/evil\.example", not the configured idp-issuer-url https:\/\/127\.0\.0\.1:\d+/);
    expect(issuer.tokenRequests).toHaveLength(0);
  });

  it("accepts the configured issuer with or without a trailing slash", async () => {
    issuer.advertisedIssuer = `${issuer.url}/`;
    expect(await bearer(oidc({ "refresh-token": "rt-0" }))).toMatch(/^Bearer ey/);
  });
});

describe("OidcAuth over HTTPS with idp-certificate-authority", () => {
  let secure: FakeIssuer;
  beforeAll(async () => {
    secure = await startFakeIssuer({ cert: pki.serverCert, key: pki.serverKey });
  });
  afterAll(async () => {
    await secure.close();
  });

  it.each([
    ["idp-certificate-authority-data", () => ({ "idp-certificate-authority-data": b64(pki.ca) })],
    ["idp-certificate-authority file", () => ({ "idp-certificate-authority": `${pki.dir}/ca.crt` })],
  ])("trusts %s", async (_name, caConfig) => {
    const auth = new OidcAuth({
      config: { "idp-issuer-url": secure.url, "client-id": "k", "refresh-token": secure.validRefreshToken, ...caConfig() },
      userName: "me",
      env: configEnvironment(),
    });
    expect((await auth.credentials()).headers.authorization).toMatch(/^Bearer ey/);
  });

  it("does not trust the issuer without its CA", async () => {
    const auth = new OidcAuth({ config: { "idp-issuer-url": secure.url, "client-id": "k", "refresh-token": "rt-x" }, userName: "me", env: configEnvironment() });
    await expect(auth.credentials()).rejects.toThrow(AuthError);
  });
});

describe("OIDC tokens written back to the kubeconfig", () => {
  it.each([
    [true, "rewrites the user's file"],
    [false, "leaves the file alone"],
  ])("persistOidcTokens %s %s", async (persist) => {
    const dir = tempDir();
    try {
      const file = dir.write(
        "kubeconfig",
        kubeconfig({
          current: "x",
          clusters: { c: { server: "https://k" } },
          users: { me: { "auth-provider": { name: "oidc", config: { "idp-issuer-url": issuer.url, "client-id": "kube", "id-token": "", "refresh-token": "rt-0", ...trustIssuer() } } } },
          contexts: { x: { cluster: "c", user: "me" } },
        }),
        0o600,
      );
      const before = readFileSync(file, "utf8");
      const resolved = await resolveContext(await loadKubeconfig({ kubeconfigPath: file, env: {} }), { persistOidcTokens: persist });
      const header = (await resolved.auth.credentials()).headers.authorization!;
      const after = readFileSync(file, "utf8");
      if (!persist) {
        expect(after).toBe(before);
        return;
      }
      const doc = yaml.load(after) as { users: { user: { "auth-provider": { config: Record<string, string> } } }[]; clusters: unknown };
      expect(doc.users[0]?.user["auth-provider"].config).toEqual({
        "idp-issuer-url": issuer.url,
        "client-id": "kube",
        ...trustIssuer(),
        "id-token": header.slice(7),
        "refresh-token": "rt-1",
      });
      expect(doc.clusters).toEqual((yaml.load(before) as { clusters: unknown }).clusters);
      const { statSync } = await import("node:fs");
      expect(statSync(file).mode & 0o777).toBe(0o600);
    } finally {
      dir.remove();
    }
  });
});
