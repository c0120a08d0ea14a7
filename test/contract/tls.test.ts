/**
 * Server verification and client certificates, driven by kubeconfig fields through
 * KubeClient.load against the real API server: a CA that did not sign the serving
 * certificate, insecure-skip-tls-verify (and only when set), tls-server-name for a name on
 * the certificate that is not the dialled address, and a client certificate from a CA the
 * API server does not trust (a typed 401, not a TLS failure).
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { connect as tlsConnect, rootCertificates } from "node:tls";
import { afterAll, describe, expect, test } from "vitest";
import type { RetryEvent } from "../../src/connection/connection.ts";
import { ApiError, TlsError, isUnauthorized } from "../../src/base/errors.ts";
import { readKubeconfigMaterial } from "../support/kubeconfig-material.ts";
import { b64, Clients, cluster, clusterEntry, failure, local, notApplicable, selfSigned, tempDir, whoAmI, writeKubeconfig } from "./auth-fixtures.ts";

const t = tempDir("bun-k8s-tls-");
const clients = new Clients(t);
afterAll(() => {
  clients.closeAll();
  t.remove();
});

const server = new URL(cluster.server);
const token = readKubeconfigMaterial(cluster.kubeconfigs.token).token;
if (!token) throw new Error("the token kubeconfig has no token");
const tokenUser = { token };
// OpenSSL's verdicts for a chain it cannot build or a name it cannot match, as Node and Bun report them.
const VERIFY_FAILED = /UNABLE_TO_(VERIFY_LEAF_SIGNATURE|GET_ISSUER_CERT(_LOCALLY)?)|SELF_SIGNED_CERT_IN_CHAIN|DEPTH_ZERO_SELF_SIGNED_CERT|CERT_SIGNATURE_FAILURE/;
const NAME_MISMATCH = /ERR_TLS_CERT_ALTNAME_INVALID|HOSTNAME_MISMATCH|CERT_COMMON_NAME_INVALID/;

/** Loads a kubeconfig and records every retry the connection makes. */
async function loadWithRetries(file: string): Promise<{ kube: Awaited<ReturnType<Clients["load"]>>; retries: RetryEvent[] }> {
  const retries: RetryEvent[] = [];
  const kube = await clients.load(file, { onRetry: (e) => retries.push(e) });
  return { kube, retries };
}

/** A CA certificate that did not sign the API server's certificate. */
function wrongCa(): { pem: string; source: string } {
  if (local && cluster.pkiDir) return { pem: readFileSync(join(cluster.pkiDir, "rogue-ca.crt"), "utf8"), source: "pki/rogue-ca.crt" };
  const pem = rootCertificates[0];
  if (!pem) throw new Error("this runtime ships no root certificates to use as a wrong CA");
  return { pem, source: "the runtime's first public root CA" };
}

/** DNS names on the serving certificate, read from a handshake that does not verify (external clusters). */
async function servingCertificateNames(): Promise<string[]> {
  const socket = tlsConnect({ host: server.hostname, port: Number(server.port || 443), rejectUnauthorized: false });
  try {
    await new Promise<void>((resolve, reject) => {
      socket.once("secureConnect", resolve);
      socket.once("error", reject);
    });
    const san = socket.getPeerCertificate().subjectaltname ?? "";
    return san.split(/,\s*/).filter((s) => s.startsWith("DNS:")).map((s) => s.slice(4));
  } finally {
    socket.destroy();
  }
}

describe("server verification", () => {
  test.each(["certificate-authority", "certificate-authority-data"] as const)(
    "a %s that did not sign the serving certificate is rejected with TlsError, not retried",
    async (field) => {
      const ca = wrongCa();
      const value = field === "certificate-authority" ? t.write(`wrong-ca/${field}.crt`, ca.pem) : b64(ca.pem);
      const file = writeKubeconfig(t, `wrong-ca/${field}.kubeconfig`, { cluster: { server: cluster.server, [field]: value }, user: tokenUser });
      const { kube, retries } = await loadWithRetries(file);
      const e = await failure(whoAmI(kube));
      expect(e, `CA from ${ca.source}`).toBeInstanceOf(TlsError);
      expect((e as TlsError).code).toMatch(VERIFY_FAILED);
      expect(e.message).toContain(`server ${cluster.server}`);
      expect(e.message).toContain("context ctx");
      expect(retries).toEqual([]);
    },
  );

  test("insecure-skip-tls-verify connects without a CA, and only when it is set", async () => {
    const insecure = writeKubeconfig(t, "insecure/on.kubeconfig", {
      cluster: { server: cluster.server, "insecure-skip-tls-verify": true },
      user: tokenUser,
    });
    const kube = await clients.load(insecure);
    expect(kube.config?.tls.rejectUnauthorized).toBe(false);
    expect((await whoAmI(kube)).username).toBeTruthy();

    for (const [name, clusterFields] of [
      ["absent", { server: cluster.server }],
      ["false", { server: cluster.server, "insecure-skip-tls-verify": false }],
    ] as const) {
      const file = writeKubeconfig(t, `insecure/${name}.kubeconfig`, { cluster: clusterFields, user: tokenUser });
      const strict = await clients.load(file);
      expect(strict.config?.tls.rejectUnauthorized, `insecure-skip-tls-verify ${name}`).toBe(true);
      const e = await failure(whoAmI(strict));
      expect(e, `insecure-skip-tls-verify ${name}`).toBeInstanceOf(TlsError);
      expect((e as TlsError).code).toMatch(VERIFY_FAILED);
    }
  });
});

describe("tls-server-name", async () => {
  // Locally the serving certificate carries an alias that nothing resolves; externally pick
  // any DNS name on the certificate other than the dialled host.
  const names = local ? [] : await servingCertificateNames();
  const alias = cluster.serverNameAlias ?? names.find((n) => n !== server.hostname && !n.includes("*"));
  const hasLocalhost = server.hostname === "127.0.0.1" && (local || names.includes("localhost"));
  const localhost = `https://localhost${server.port ? `:${server.port}` : ""}`;
  const wrongName = "not-on-the-certificate.bun-k8s.invalid";
  const ALIAS = "(alias)";

  const rows: { server: string; serverName: string | undefined; ok: boolean }[] = [
    { server: cluster.server, serverName: ALIAS, ok: true },
    { server: cluster.server, serverName: wrongName, ok: false },
    { server: localhost, serverName: undefined, ok: true },
    { server: localhost, serverName: ALIAS, ok: true },
    { server: localhost, serverName: wrongName, ok: false },
  ];

  test.for(rows)("server $server with tls-server-name $serverName: ok=$ok", async (row, ctx) => {
    if (row.serverName === ALIAS && !alias) {
      notApplicable(ctx, `no DNS name other than ${server.hostname} on the serving certificate (${names.join(", ")})`);
    }
    if (row.server === localhost && !hasLocalhost) {
      notApplicable(ctx, `server ${cluster.server} is not 127.0.0.1 with "localhost" on its certificate`);
    }
    const serverName = row.serverName === ALIAS ? alias : row.serverName;
    const fields = { server: row.server, ...(serverName !== undefined && { "tls-server-name": serverName }) };
    const file = writeKubeconfig(t, `server-name/${rows.indexOf(row)}.kubeconfig`, { cluster: clusterEntry(fields), user: tokenUser });
    const kube = await clients.load(file);
    expect(kube.config?.tls.serverName).toBe(serverName);
    if (row.ok) {
      expect((await whoAmI(kube)).username).toBeTruthy();
      return;
    }
    const e = await failure(whoAmI(kube));
    expect(e).toBeInstanceOf(TlsError);
    expect((e as TlsError).code).toMatch(NAME_MISMATCH);
  });
});

describe("client certificate from an untrusted CA", () => {
  test("gets a typed 401 (ApiError, isUnauthorized), not a TLS error", async (ctx) => {
    const rogue = local && cluster.pkiDir
      ? { cert: readFileSync(join(cluster.pkiDir, "rogue-admin.crt"), "utf8"), key: readFileSync(join(cluster.pkiDir, "rogue-admin.key"), "utf8") }
      : selfSigned(t, "rogue-admin", "DNS:rogue.bun-k8s.invalid");
    if ("missing" in rogue) notApplicable(ctx, rogue.missing);
    const file = writeKubeconfig(t, "rogue/kubeconfig", {
      cluster: clusterEntry(),
      user: { "client-certificate-data": b64(rogue.cert), "client-key-data": b64(rogue.key) },
    });
    const { kube, retries } = await loadWithRetries(file);
    const e = await failure(whoAmI(kube));
    expect(e).toBeInstanceOf(ApiError);
    expect(e).not.toBeInstanceOf(TlsError);
    expect(isUnauthorized(e)).toBe(true);
    expect((e as ApiError).status).toMatchObject({ kind: "Status", code: 401, reason: "Unauthorized" });
    expect(e.message).toContain("POST /apis/authentication.k8s.io/v1/selfsubjectreviews");
    expect(retries).toEqual([]);
  });
});
