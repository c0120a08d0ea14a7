/**
 * What the auth, TLS, proxy/retry, impersonation and secret-leak contract files share:
 * kubeconfigs written into a temp folder from the cluster info, clients loaded from them
 * exactly as a user loads them (KubeClient.load), "who am I" through our own stack, the
 * same question through the harness's independent mini client, and extra bearer
 * identities (static tokens locally, TokenRequest tokens on an external cluster).
 */
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, inject, type TestContext } from "vitest";
import { KubeClient, type KubeClientOptions } from "../../src/client/kube-client.ts";
import { SelfSubjectReview } from "../../generated/k8s/authentication/v1/index.ts";
import { Namespace, ServiceAccount } from "../../generated/k8s/core/v1/index.ts";
import { readKubeconfigMaterial, type KubeconfigMaterial } from "../support/kubeconfig-material.ts";
import { miniRequest } from "../support/mini-client.ts";
import { tempDir, type TempDir } from "../unit/config/fixtures/temp-files.ts";

export const cluster = inject("cluster");
export const local = cluster.mode === "local";

export interface Identity {
  username: string;
  uid?: string;
  groups: string[];
  extra: Record<string, string[]>;
}

/** A bearer token and the user the API server maps it to. */
export interface TokenUser {
  token: string;
  username: string;
}

type Doc = Record<string, unknown>;

/** A cluster entry for the suite's API server, verified against the cluster CA file. */
export function clusterEntry(extra: Doc = {}): Doc {
  return { server: cluster.server, "certificate-authority": cluster.caFile, ...extra };
}

/** Writes a one-context kubeconfig (YAML, as kubectl writes it) and returns its path. */
export function writeKubeconfig(t: TempDir, rel: string, parts: { cluster: Doc; user?: Doc; namespace?: string }): string {
  const context: Doc = { cluster: "c" };
  if (parts.user) context.user = "u";
  if (parts.namespace) context.namespace = parts.namespace;
  return t.write(rel, {
    apiVersion: "v1",
    kind: "Config",
    "current-context": "ctx",
    clusters: [{ name: "c", cluster: parts.cluster }],
    users: parts.user ? [{ name: "u", user: parts.user }] : [],
    contexts: [{ name: "ctx", context }],
  });
}

export const b64 = (s: string): string => Buffer.from(s).toString("base64");

/**
 * Clients loaded from kubeconfig files with a hermetic environment (no KUBECONFIG, HOME
 * of our own), closed together at the end of a file.
 */
export class Clients {
  readonly #open: KubeClient[] = [];
  private readonly t: TempDir;

  constructor(t: TempDir) {
    this.t = t;
  }

  /** The environment exec plugins inherit and loadConfig reads: PATH only. */
  env(extra: Record<string, string> = {}): Record<string, string> {
    return { PATH: process.env.PATH ?? "/usr/bin:/bin", HOME: this.t.path("home"), ...extra };
  }

  async load(kubeconfigPath: string | undefined, options: KubeClientOptions = {}): Promise<KubeClient> {
    const kube = await KubeClient.load({
      ...(kubeconfigPath !== undefined && { kubeconfigPath }),
      env: this.env(),
      ...options,
    });
    this.#open.push(kube);
    return kube;
  }

  closeAll(): void {
    for (const k of this.#open.splice(0)) k.close();
  }
}

/** The identity the API server sees for this client, asked through our own stack. */
export async function whoAmI(kube: KubeClient): Promise<Identity> {
  const review = await kube.api(SelfSubjectReview).create({ apiVersion: "authentication.k8s.io/v1", kind: "SelfSubjectReview" });
  const info = review.status?.userInfo;
  if (!info?.username) throw new Error("SelfSubjectReview came back without status.userInfo.username");
  return { username: info.username, ...(info.uid && { uid: info.uid }), groups: info.groups ?? [], extra: info.extra ?? {} };
}

/** The same question through the harness's mini client, independent of src/ (for expected values). */
export async function harnessWhoAmI(m: KubeconfigMaterial): Promise<string> {
  const res = await miniRequest(`${m.server}/apis/authentication.k8s.io/v1/selfsubjectreviews`, m.tls, {
    method: "POST",
    ...(m.token && { token: m.token }),
    body: JSON.stringify({ apiVersion: "authentication.k8s.io/v1", kind: "SelfSubjectReview" }),
  });
  if (res.status !== 201) throw new Error(`harness SelfSubjectReview: HTTP ${res.status}`);
  return (JSON.parse(res.body) as { status: { userInfo: { username: string } } }).status.userInfo.username;
}

/**
 * A case an external cluster cannot support. Locally that is a failure (the local control
 * plane provides everything these tests need); externally the test is reported as skipped,
 * with the reason, never as passed.
 */
export function notApplicable(ctx: TestContext, reason: string): never {
  if (local) throw new Error(`the local control plane should support this case, but: ${reason}`);
  return ctx.skip(`not applicable to this external cluster: ${reason}`);
}

/** The rejection of a promise that must fail (the test fails if it resolves). */
export async function failure(p: Promise<unknown>): Promise<Error> {
  const outcome = await p.then(
    () => ({ ok: true as const }),
    (error: unknown) => ({ ok: false as const, error }),
  );
  if (outcome.ok) throw new Error("expected the call to fail, but it succeeded");
  if (!(outcome.error instanceof Error)) throw new Error(`expected an Error, got ${String(outcome.error)}`);
  return outcome.error;
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** A client certificate pair with the user the API server should see for it. */
export interface CertificateUser {
  cert: string;
  key: string;
  /** Where the pair came from, for test names. */
  source: string;
  expectedUser: () => Promise<string>;
}

/**
 * Client certificates the cluster trusts: locally the PKI's restricted and exec-user pairs
 * (two distinct users, so a test sees which one was presented); on an external cluster the
 * admin kubeconfig's pair, whose user the harness's own client reports.
 */
export function trustedCertificates(): { first: CertificateUser; second: CertificateUser } | { missing: string } {
  if (local && cluster.pkiDir) {
    const pair = (file: string, user: string): CertificateUser => ({
      cert: readFileSync(join(cluster.pkiDir!, `${file}.crt`), "utf8"),
      key: readFileSync(join(cluster.pkiDir!, `${file}.key`), "utf8"),
      source: `pki/${file}`,
      expectedUser: async () => user,
    });
    return { first: pair("restricted", "bun-k8s-restricted"), second: pair("exec-user", "bun-k8s-exec-user") };
  }
  const admin = readKubeconfigMaterial(cluster.kubeconfigs.admin);
  if (!admin.tls.cert || !admin.tls.key) {
    return { missing: "the external admin kubeconfig (BUN_K8S_TEST_KUBECONFIG) authenticates without a client certificate" };
  }
  const pair: CertificateUser = {
    cert: admin.tls.cert,
    key: admin.tls.key,
    source: "external admin kubeconfig",
    expectedUser: () => harnessWhoAmI(admin),
  };
  return { first: pair, second: pair };
}

/**
 * `count` distinct bearer identities the cluster accepts. Locally: the API server's static
 * tokens (token-user, token-user-2, exec-token-user). Externally: TokenRequest tokens of
 * ServiceAccounts made in a scratch namespace, which `cleanup` deletes.
 */
export async function tokenUsers(admin: KubeClient, count: number): Promise<{ users: TokenUser[]; cleanup: () => Promise<void> }> {
  if (local) {
    const names = ["token-user", "token-user-2", "exec-token-user"].slice(0, count);
    const users = names.map((username) => {
      const token = cluster.staticTokens[username];
      if (!token) throw new Error(`the local control plane has no static token for ${username}`);
      return { token, username };
    });
    if (users.length < count) throw new Error(`only ${users.length} static tokens, ${count} wanted`);
    return { users, cleanup: async () => {} };
  }
  const ns = (await admin.api(Namespace).create({ metadata: { generateName: "bun-k8s-auth-" } })).metadata!.name!;
  const accounts = admin.api(ServiceAccount, { namespace: ns });
  const users: TokenUser[] = [];
  for (let i = 0; i < count; i++) {
    const name = `user-${i}`;
    await accounts.create({ metadata: { name } });
    const token = (await accounts.createToken(name, { expirationSeconds: 3600 })).status?.token;
    if (!token) throw new Error(`TokenRequest for ${ns}/${name} returned no token`);
    users.push({ token, username: `system:serviceaccount:${ns}:${name}` });
  }
  return { users, cleanup: async () => void (await admin.api(Namespace).delete(ns).catch(() => undefined)) };
}

/**
 * A self-signed certificate and key made with openssl, for an external cluster where the
 * local PKI's rogue CA does not exist. Undefined (with the reason) when openssl is missing.
 */
export function selfSigned(t: TempDir, name: string, san: string): { cert: string; key: string } | { missing: string } {
  const cert = t.path(`${name}.crt`);
  const key = t.path(`${name}.key`);
  try {
    execFileSync(
      "openssl",
      ["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-days", "1", "-subj", `/CN=${name}`,
        "-addext", `subjectAltName=${san}`, "-keyout", key, "-out", cert],
      { stdio: "ignore" },
    );
  } catch (e) {
    return { missing: `openssl could not make a self-signed certificate (${(e as Error).message.split("\n")[0]})` };
  }
  return { cert: readFileSync(cert, "utf8"), key: readFileSync(key, "utf8") };
}

/**
 * The set-up the auth and exec-plugin files share: a temp folder, a client pool, the trusted
 * certificate users, and `count` token users made through an admin client before the file's
 * tests and removed (with the folder and clients) after them.
 */
export function authSuite(prefix: string, count = 3) {
  const t = tempDir(prefix);
  const clients = new Clients(t);
  let admin: KubeClient | undefined;
  let users: TokenUser[] = [];
  let cleanupUsers: () => Promise<void> = async () => {};
  beforeAll(async () => {
    admin = await clients.load(cluster.kubeconfigs.admin);
    ({ users, cleanup: cleanupUsers } = await tokenUsers(admin, count));
  });
  afterAll(async () => {
    await cleanupUsers();
    clients.closeAll();
    t.remove();
  });
  return {
    t,
    clients,
    certs: trustedCertificates(),
    admin(): KubeClient {
      if (!admin) throw new Error("the admin client is made in beforeAll");
      return admin;
    },
    user(i: number): TokenUser {
      const u = users[i];
      if (!u) throw new Error(`no token user ${i}`);
      return u;
    },
  };
}

export { tempDir, type TempDir };
