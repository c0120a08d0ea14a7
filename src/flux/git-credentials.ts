/**
 * The credentials a GitRepository's `spec.secretRef` Secret holds, typed (pure). The keys
 * are source-controller's: `username`/`password` or `bearerToken` for HTTP(S), `identity`,
 * `identity.pub`, `known_hosts` (and `password` as the key's passphrase) for SSH, `ca.crt`,
 * `tls.crt`, `tls.key` for TLS, and `githubApp*` for the GitHub App provider. Every secret
 * part is a SecretValue, so printing the result never shows one.
 */
import type { Secret } from "../../generated/k8s/core/v1/index.ts";
import { SecretValue } from "./secret-value.ts";

/**
 * A GitRepository's credentials as read from its Secret; every secret part is a SecretValue that prints as REDACTED.
 */
export interface GitCredentials {
  /** The Secret they were read from. */
  secret: { name: string; namespace: string };
  /** From the repository URL's scheme; it decides what `password` means. */
  transport: "ssh" | "https" | "http" | "unknown";
  basicAuth?: { username: string; password: SecretValue | undefined };
  bearerToken?: SecretValue;
  ssh?: {
    /** The private key (PEM or OpenSSH). */
    identity: SecretValue;
    /** The public half, not secret. */
    identityPublicKey: string | undefined;
    /** known_hosts lines the server key must match; not secret. */
    knownHosts: string | undefined;
    /** The private key's passphrase (the Secret's `password` key on SSH URLs). */
    passphrase: SecretValue | undefined;
    username: string | undefined;
  };
  tls?: {
    caCertificate: string | undefined;
    clientCertificate: string | undefined;
    clientKey: SecretValue | undefined;
  };
  githubApp?: {
    appId: string;
    installationId: string | undefined;
    installationOwner: string | undefined;
    privateKey: SecretValue | undefined;
    baseUrl: string | undefined;
  };
  /** Keys of the Secret none of the above read (names only). */
  otherKeys: string[];
}

/**
 * Reads Git credentials out of a Secret for a repository URL.
 *
 * @example
 * const creds = parseGitCredentials(secret, "ssh://git@github.com/org/repo");
 * console.log(creds); // identity: SecretValue(REDACTED), knownHosts: "github.com ssh-ed25519 ..."
 * sshAgent.add(creds.ssh!.identity.reveal());
 */
export function parseGitCredentials(secret: Secret, repositoryUrl: string): GitCredentials {
  return readGitCredentials(secret, transportOf(repositoryUrl));
}

/** parseGitCredentials for a transport known without a URL (a Secret just written for SSH, say). */
export function readGitCredentials(secret: Secret, transport: GitCredentials["transport"]): GitCredentials {
  const data = decodeSecretData(secret);
  const used = new Set<string>();
  const text = (key: string): string | undefined => {
    const value = data.get(key);
    if (value !== undefined) used.add(key);
    return value;
  };
  const hidden = (key: string): SecretValue | undefined => {
    const value = text(key);
    return value === undefined ? undefined : new SecretValue(value);
  };

  const credentials: GitCredentials = {
    secret: { name: secret.metadata?.name ?? "", namespace: secret.metadata?.namespace ?? "" },
    transport,
    otherKeys: [],
  };

  const identity = hidden("identity");
  if (identity) {
    credentials.ssh = {
      identity,
      identityPublicKey: text("identity.pub"),
      knownHosts: text("known_hosts"),
      passphrase: transport === "ssh" ? hidden("password") : undefined,
      username: transport === "ssh" ? text("username") : undefined,
    };
  }
  if (transport !== "ssh" && (data.has("username") || data.has("password"))) {
    credentials.basicAuth = { username: text("username") ?? "", password: hidden("password") };
  }
  const bearerToken = hidden("bearerToken");
  if (bearerToken) credentials.bearerToken = bearerToken;

  const caCertificate = text("ca.crt") ?? text("caFile");
  const clientCertificate = text("tls.crt");
  const clientKey = hidden("tls.key");
  if (caCertificate !== undefined || clientCertificate !== undefined || clientKey !== undefined) {
    credentials.tls = { caCertificate, clientCertificate, clientKey };
  }

  const appId = text("githubAppID");
  if (appId !== undefined) {
    credentials.githubApp = {
      appId,
      installationId: text("githubAppInstallationID"),
      installationOwner: text("githubAppInstallationOwner"),
      privateKey: hidden("githubAppPrivateKey"),
      baseUrl: text("githubAppBaseURL"),
    };
  }
  credentials.otherKeys = [...data.keys()].filter((key) => !used.has(key)).sort();
  return credentials;
}

/** "ssh", "https", "http" from the URL scheme (GitRepository URLs always carry one). */
export function transportOf(url: string): GitCredentials["transport"] {
  const scheme = /^([a-z][a-z0-9+.-]*):\/\//i.exec(url)?.[1]?.toLowerCase();
  return scheme === "ssh" || scheme === "https" || scheme === "http" ? scheme : "unknown";
}

/** The Secret's data, base64-decoded; stringData (never returned by the API, but set on objects built locally) wins. */
function decodeSecretData(secret: Secret): Map<string, string> {
  const out = new Map<string, string>();
  for (const [key, value] of Object.entries(secret.data ?? {})) out.set(key, Buffer.from(value, "base64").toString("utf8"));
  for (const [key, value] of Object.entries(secret.stringData ?? {})) out.set(key, value);
  return out;
}
