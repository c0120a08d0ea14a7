import { inspect } from "node:util";
import { describe, expect, test } from "vitest";
import { ValidationError } from "../../../src/base/errors.ts";
import { readGitCredentials } from "../../../src/flux/git-credentials.ts";
import { gitCredentialsSecret, type GitCredentialsSpec } from "../../../src/flux/git-secret.ts";
import { SecretValue } from "../../../src/flux/secret-value.ts";
import type { Secret } from "../../../generated/k8s/core/v1/index.ts";

const PASSWORD = "pa55-w0rd-that-must-not-leak";
const KEY = "-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAA\n-----END OPENSSH PRIVATE KEY-----\n";
const decoded = (config: { data?: { [key: string]: string | undefined } }) =>
  Object.fromEntries(Object.entries(config.data ?? {}).map(([k, v]) => [k, Buffer.from(v ?? "", "base64").toString("utf8")]));

describe("gitCredentialsSecret writes the keys the flux CLI writes", () => {
  test("basic auth, with a CA", () => {
    const config = gitCredentialsSecret({ name: "git-auth", namespace: "flux-system", basicAuth: { username: "git", password: PASSWORD }, caCertificate: "CA PEM" });
    expect(config).toMatchObject({ apiVersion: "v1", kind: "Secret", type: "Opaque", metadata: { name: "git-auth", namespace: "flux-system" } });
    expect(decoded(config)).toEqual({ username: "git", password: PASSWORD, "ca.crt": "CA PEM" });
  });

  test("bearer token, from a SecretValue", () => {
    const config = gitCredentialsSecret({ name: "t", namespace: "n", bearerToken: new SecretValue("tok-123"), labels: { team: "a" } });
    expect(decoded(config)).toEqual({ bearerToken: "tok-123" });
    expect(config.metadata.labels).toEqual({ team: "a" });
  });

  test("SSH: identity, identity.pub, known_hosts and the passphrase as password", () => {
    const config = gitCredentialsSecret({
      name: "ssh",
      namespace: "n",
      ssh: { identity: KEY, identityPublicKey: "ssh-ed25519 AAAA me", knownHosts: "git.example.com ssh-ed25519 AAAA", passphrase: "phrase" },
    });
    expect(decoded(config)).toEqual({ identity: KEY, "identity.pub": "ssh-ed25519 AAAA me", known_hosts: "git.example.com ssh-ed25519 AAAA", password: "phrase" });
    const read = readGitCredentials({ ...config, metadata: config.metadata } as Secret, "ssh");
    expect(read.ssh?.identity.reveal()).toBe(KEY);
    expect(read.ssh?.passphrase?.reveal()).toBe("phrase");
    expect(read.basicAuth).toBeUndefined();
  });

  test("what it writes reads back through readGitCredentials, redacted", () => {
    const config = gitCredentialsSecret({ name: "git-auth", namespace: "ns", basicAuth: { username: "git", password: PASSWORD } });
    const read = readGitCredentials(config as Secret, "https");
    expect(read.basicAuth?.password?.reveal()).toBe(PASSWORD);
    expect(inspect(read, { depth: 10 })).not.toContain(PASSWORD);
  });
});

describe("gitCredentialsSecret refuses incomplete input, naming the field and never the value", () => {
  const cases: [string, GitCredentialsSpec, string][] = [
    ["empty password", { name: "a", namespace: "n", basicAuth: { username: "git", password: "" } }, "basicAuth.password is empty"],
    ["empty username", { name: "a", namespace: "n", basicAuth: { username: "", password: PASSWORD } }, "basicAuth.username is empty"],
    ["no known_hosts", { name: "a", namespace: "n", ssh: { identity: KEY, knownHosts: "" } }, "ssh.knownHosts is empty"],
    ["no way at all", { name: "a", namespace: "n" } as unknown as GitCredentialsSpec, "give exactly one of basicAuth, bearerToken and ssh (got none)"],
    [
      "two ways",
      { name: "a", namespace: "n", basicAuth: { username: "git", password: PASSWORD }, bearerToken: PASSWORD } as unknown as GitCredentialsSpec,
      "(got basicAuth, bearerToken)",
    ],
    ["no namespace", { name: "a", namespace: "", bearerToken: "x" }, "name and namespace are required"],
  ];
  test.each(cases)("%s", (_what, spec, message) => {
    let error: unknown;
    try {
      gitCredentialsSecret(spec);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as Error).message).toContain(message);
    expect((error as Error).message).not.toContain(PASSWORD);
  });
});
