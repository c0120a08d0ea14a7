/**
 * A throwaway PKI for loopback TLS tests and benchmarks, made with the openssl CLI
 * (Node cannot create certificates). Everything lives in a fresh temp folder.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

export interface LoopbackPki {
  dir: string;
  /** CA that signed the server and client certificates. */
  ca: string;
  /** A second, unrelated CA (for "unknown CA" cases). */
  otherCa: string;
  /** Server certificate for IP 127.0.0.1 and DNS localhost. */
  serverCert: string;
  serverKey: string;
  /** Server certificate valid only for DNS "alias.bun-k8s.test" (tls-server-name cases). */
  aliasCert: string;
  aliasKey: string;
  /** Client certificates, CN alice and bob. */
  alice: { cert: string; key: string };
  bob: { cert: string; key: string };
  remove(): void;
}

function openssl(dir: string, args: string[]): void {
  execFileSync("openssl", args, { cwd: dir, stdio: ["ignore", "ignore", "pipe"] });
}

function makeCa(dir: string, name: string): void {
  openssl(dir, [
    "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
    "-keyout", `${name}.key`, "-out", `${name}.crt`, "-days", "2", "-subj", `/CN=${name}`,
  ]);
}

function makeLeaf(dir: string, name: string, subject: string, ext: string): void {
  writeFileSync(join(dir, `${name}.ext`), ext);
  openssl(dir, [
    "req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
    "-keyout", `${name}.key`, "-out", `${name}.csr`, "-subj", subject,
  ]);
  openssl(dir, [
    "x509", "-req", "-in", `${name}.csr`, "-CA", "ca.crt", "-CAkey", "ca.key", "-CAcreateserial",
    "-out", `${name}.crt`, "-days", "2", "-extfile", `${name}.ext`,
  ]);
}

/** Creates the PKI; call `remove()` when done. */
export function createLoopbackPki(): LoopbackPki {
  const dir = mkdtempSync(join(tmpdir(), "bun-k8s-pki-"));
  makeCa(dir, "ca");
  makeCa(dir, "other-ca");
  makeLeaf(dir, "server", "/CN=127.0.0.1",
    "subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\n");
  makeLeaf(dir, "alias", "/CN=alias.bun-k8s.test",
    "subjectAltName=DNS:alias.bun-k8s.test\nextendedKeyUsage=serverAuth\n");
  makeLeaf(dir, "alice", "/CN=alice/O=team-a", "extendedKeyUsage=clientAuth\n");
  makeLeaf(dir, "bob", "/CN=bob", "extendedKeyUsage=clientAuth\n");
  const read = (f: string): string => readFileSync(join(dir, f), "utf8");
  return {
    dir,
    ca: read("ca.crt"),
    otherCa: read("other-ca.crt"),
    serverCert: read("server.crt"),
    serverKey: read("server.key"),
    aliasCert: read("alias.crt"),
    aliasKey: read("alias.key"),
    alice: { cert: read("alice.crt"), key: read("alice.key") },
    bob: { cert: read("bob.crt"), key: read("bob.key") },
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}
