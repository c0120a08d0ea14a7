/**
 * The Secret a GitRepository's `spec.secretRef` names, built the way `flux create secret git`
 * writes it (pure): `username`/`password` for basic auth, `bearerToken`, or `identity`,
 * `identity.pub` and `known_hosts` (plus `password` as the key's passphrase) for SSH, and
 * `ca.crt` for a server certificate signed by a private CA. Values go into `data`, base64,
 * so a server-side apply owns exactly these keys.
 */
import { ValidationError } from "../base/errors.ts";
import type { ApplyConfiguration } from "../request/patch-types.ts";
import type { Secret } from "../../generated/k8s/core/v1/index.ts";
import { SecretValue } from "./secret-value.ts";

/** A secret part: a string, or a SecretValue read from elsewhere. */
export type SecretInput = string | SecretValue;

interface SecretTarget {
  name: string;
  namespace: string;
  labels?: { [key: string]: string };
  /** PEM of the CA that signed the Git server's certificate (`ca.crt`). */
  caCertificate?: string;
}

/** Exactly one way to authenticate, as the flux CLI offers them. */
export type GitCredentialsSpec = SecretTarget &
  (
    | { basicAuth: { username: string; password: SecretInput }; bearerToken?: never; ssh?: never }
    | { bearerToken: SecretInput; basicAuth?: never; ssh?: never }
    | {
        ssh: {
          /** The private key (PEM or OpenSSH). */
          identity: SecretInput;
          /** The public half (`identity.pub`), when you have it. */
          identityPublicKey?: string;
          /** known_hosts lines for the server, which source-controller requires on SSH. */
          knownHosts: string;
          /** The private key's passphrase. */
          passphrase?: SecretInput;
        };
        basicAuth?: never;
        bearerToken?: never;
      }
  );

/**
 * The apply configuration of a Git credentials Secret. Throws ValidationError naming the
 * field (never its value) when one is missing or empty.
 *
 * @example
 * const secret = gitCredentialsSecret({ name: "git-auth", namespace: "flux-system", basicAuth: { username: "git", password: token } });
 * await kube.api(Secret, { namespace: "flux-system" }).apply(secret, { fieldManager: "my-service" });
 */
export function gitCredentialsSecret(spec: GitCredentialsSpec): ApplyConfiguration<Secret> {
  const where = `Git credentials Secret ${spec.namespace}/${spec.name}`;
  if (!spec.name || !spec.namespace) throw new ValidationError("Git credentials Secret: name and namespace are required");
  const ways = [spec.basicAuth && "basicAuth", spec.bearerToken !== undefined && "bearerToken", spec.ssh && "ssh"].filter(Boolean);
  if (ways.length !== 1) {
    throw new ValidationError(`${where}: give exactly one of basicAuth, bearerToken and ssh (got ${ways.length ? ways.join(", ") : "none"})`);
  }
  const data: Record<string, string> = {};
  const put = (key: string, value: SecretInput | undefined, field: string, required: boolean): void => {
    const text = value instanceof SecretValue ? value.reveal() : value;
    if (text === undefined || text === "") {
      if (required) throw new ValidationError(`${where}: ${field} is empty`);
      return;
    }
    data[key] = Buffer.from(text, "utf8").toString("base64");
  };
  if (spec.basicAuth) {
    put("username", spec.basicAuth.username, "basicAuth.username", true);
    put("password", spec.basicAuth.password, "basicAuth.password", true);
  } else if (spec.bearerToken !== undefined) {
    put("bearerToken", spec.bearerToken, "bearerToken", true);
  } else if (spec.ssh) {
    put("identity", spec.ssh.identity, "ssh.identity", true);
    put("identity.pub", spec.ssh.identityPublicKey, "ssh.identityPublicKey", false);
    put("known_hosts", spec.ssh.knownHosts, "ssh.knownHosts", true);
    put("password", spec.ssh.passphrase, "ssh.passphrase", false);
  }
  put("ca.crt", spec.caCertificate, "caCertificate", false);
  return {
    apiVersion: "v1",
    kind: "Secret",
    metadata: { name: spec.name, namespace: spec.namespace, ...(spec.labels ? { labels: { ...spec.labels } } : {}) },
    type: "Opaque",
    data,
  };
}
