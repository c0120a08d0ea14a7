import { inspect } from "node:util";
import { describe, expect, test } from "vitest";
import { parseGitCredentials, transportOf } from "../../../src/flux/git-credentials.ts";
import { SecretValue } from "../../../src/flux/secret-value.ts";
import type { Secret } from "../../../generated/k8s/core/v1/index.ts";

const b64 = (s: string) => Buffer.from(s, "utf8").toString("base64");
const secret = (data: Record<string, string>): Secret => ({
  metadata: { name: "git-auth", namespace: "flux-system" },
  data: Object.fromEntries(Object.entries(data).map(([k, v]) => [k, b64(v)])),
});

const PASSWORD = "p4ss-ÄÖ-word";
const TOKEN = "ghp_bearer_token_value";
const KEY = "-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAA\n-----END OPENSSH PRIVATE KEY-----\n";
const PASSPHRASE = "key-passphrase";
const TLS_KEY = "-----BEGIN EC PRIVATE KEY-----\nMHcCAQEE\n-----END EC PRIVATE KEY-----\n";
const APP_KEY = "-----BEGIN RSA PRIVATE KEY-----\nMIIEow\n-----END RSA PRIVATE KEY-----\n";
const SECRETS = [PASSWORD, TOKEN, KEY, PASSPHRASE, TLS_KEY, APP_KEY, "b3BlbnNzaC1rZXktdjEAAAAA", "MHcCAQEE", "MIIEow"];

describe("parseGitCredentials", () => {
  test("HTTPS basic auth, bearer token and TLS", () => {
    const c = parseGitCredentials(
      secret({ username: "git", password: PASSWORD, bearerToken: TOKEN, "ca.crt": "CA PEM", "tls.crt": "CERT PEM", "tls.key": TLS_KEY, extra: "x" }),
      "https://github.com/org/repo",
    );
    expect(c.transport).toBe("https");
    expect(c.secret).toEqual({ name: "git-auth", namespace: "flux-system" });
    expect(c.basicAuth?.username).toBe("git");
    expect(c.basicAuth?.password?.reveal()).toBe(PASSWORD);
    expect(c.bearerToken?.reveal()).toBe(TOKEN);
    expect(c.tls?.caCertificate).toBe("CA PEM");
    expect(c.tls?.clientCertificate).toBe("CERT PEM");
    expect(c.tls?.clientKey?.reveal()).toBe(TLS_KEY);
    expect(c.ssh).toBeUndefined();
    expect(c.otherKeys).toEqual(["extra"]);
  });

  test("SSH: identity, public key, known_hosts, and password as the key's passphrase", () => {
    const c = parseGitCredentials(
      secret({ identity: KEY, "identity.pub": "ssh-ed25519 AAAA", known_hosts: "github.com ssh-ed25519 AAAA", password: PASSPHRASE }),
      "ssh://git@github.com/org/repo",
    );
    expect(c.transport).toBe("ssh");
    expect(c.ssh?.identity.reveal()).toBe(KEY);
    expect(c.ssh?.identityPublicKey).toBe("ssh-ed25519 AAAA");
    expect(c.ssh?.knownHosts).toBe("github.com ssh-ed25519 AAAA");
    expect(c.ssh?.passphrase?.reveal()).toBe(PASSPHRASE);
    expect(c.basicAuth).toBeUndefined();
    expect(c.otherKeys).toEqual([]);
  });

  test("GitHub App keys", () => {
    const c = parseGitCredentials(
      secret({ githubAppID: "123", githubAppInstallationOwner: "acme", githubAppPrivateKey: APP_KEY, githubAppBaseURL: "https://ghe.example/api/v3" }),
      "https://github.com/acme/repo",
    );
    expect(c.githubApp).toMatchObject({ appId: "123", installationOwner: "acme", installationId: undefined, baseUrl: "https://ghe.example/api/v3" });
    expect(c.githubApp?.privateKey?.reveal()).toBe(APP_KEY);
  });

  test("stringData (objects built locally) is read too, and wins over data", () => {
    const c = parseGitCredentials({ data: { username: b64("old") }, stringData: { username: "new", password: PASSWORD } }, "http://h/r");
    expect(c.transport).toBe("http");
    expect(c.basicAuth?.username).toBe("new");
    expect(c.basicAuth?.password?.reveal()).toBe(PASSWORD);
  });

  test("an empty Secret gives no credentials", () => {
    const c = parseGitCredentials({ metadata: { name: "e" } }, "https://h/r");
    expect(c).toEqual({ secret: { name: "e", namespace: "" }, transport: "https", otherKeys: [] });
  });

  test("no secret survives console.log, util.inspect, JSON or string conversion", () => {
    const all = parseGitCredentials(
      secret({ username: "git", password: PASSWORD, bearerToken: TOKEN, "tls.key": TLS_KEY, githubAppID: "1", githubAppPrivateKey: APP_KEY }),
      "https://h/r",
    );
    const ssh = parseGitCredentials(secret({ identity: KEY, password: PASSPHRASE }), "ssh://git@h/r");
    for (const c of [all, ssh]) {
      const renderings = [
        inspect(c, { depth: 20, showHidden: true }),
        JSON.stringify(c),
        String(Object.values(c)),
        `${c.basicAuth?.password} ${c.ssh?.identity} ${c.bearerToken}`,
        [c.ssh?.passphrase, c.tls?.clientKey].join(","),
      ];
      for (const text of renderings) for (const s of SECRETS) expect(text).not.toContain(s);
    }
    expect(JSON.stringify(all)).toContain('"password":"REDACTED"');
    expect(inspect(ssh)).toContain("SecretValue(REDACTED)");
  });

  test("a SecretValue hides from spreads, keys and structuredClone, but reports its length", () => {
    const v = new SecretValue(TOKEN);
    expect(Object.keys(v)).toEqual([]);
    expect(JSON.stringify({ ...v })).toBe("{}");
    expect(JSON.stringify(structuredClone(v))).not.toContain(TOKEN);
    expect(v.length).toBe(TOKEN.length);
    expect(v + "").toBe("REDACTED");
  });
});

test.each([
  ["ssh://git@github.com/org/repo", "ssh"],
  ["SSH://git@host:2222/repo", "ssh"],
  ["https://github.com/org/repo", "https"],
  ["http://gitea.local/repo", "http"],
  ["git@github.com:org/repo.git", "unknown"],
  ["", "unknown"],
])("transportOf(%j) is %s", (url, transport) => {
  expect(transportOf(url)).toBe(transport);
});
