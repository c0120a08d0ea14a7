import { AuthError, ConfigError } from "../../base/errors.ts";
import type { ConfigEnvironment } from "../environment.ts";
import { guardDescription } from "../redact.ts";
import type { AuthProvider, Credentials } from "../types.ts";
import { WatchedFile } from "./watched-file.ts";
import { SecretValues } from "../../base/secrets.ts";

/** A PEM value given inline (already decoded from a `-data` field) or as a file to (re-)read. */
export type PemSource = { pem: string } | { file: string };

/**
 * A TLS client certificate and key (kubeconfig client-certificate(-data) / client-key(-data)).
 * Files are re-read when they change, so renewed certificates are picked up.
 *
 * @example
 * const auth = new ClientCertificateAuth({ file: "/pki/admin.crt" }, { file: "/pki/admin.key" }, configEnvironment());
 */
export class ClientCertificateAuth implements AuthProvider {
  readonly description: string;
  readonly #cert: PemSource;
  readonly #key: PemSource;
  readonly #certFile: WatchedFile<string> | undefined;
  readonly #keyFile: WatchedFile<string> | undefined;
  readonly #secrets = new SecretValues();
  /** The last credentials handed out, reused while the PEM texts stay the same. */
  #last: Credentials & { clientCertificate: { cert: string; key: string } } | undefined;

  constructor(cert: PemSource, key: PemSource, env: Pick<ConfigEnvironment, "readFile" | "stat" | "now">) {
    this.#cert = cert;
    this.#key = key;
    this.description = `client-certificate ${"file" in cert ? cert.file : "(inline data)"}`;
    if ("file" in cert) this.#certFile = new WatchedFile(cert.file, "client certificate", env, pemCheck(cert.file, "CERTIFICATE", AuthError));
    if ("pem" in cert) pemCheck("client-certificate-data", "CERTIFICATE", ConfigError)(cert.pem);
    // The key is registered before it is checked: a malformed one is still secret.
    const registered = (check: (text: string) => string) => (text: string): string => {
      this.#secrets.addPem(text, "key");
      return check(text);
    };
    if ("file" in key) this.#keyFile = new WatchedFile(key.file, "client key", env, registered(pemCheck(key.file, "PRIVATE KEY", AuthError)));
    if ("pem" in key) registered(pemCheck("client-key-data", "PRIVATE KEY", ConfigError))(key.pem);
    guardDescription(this, "ClientCertificateAuth");
  }

  async credentials(): Promise<Credentials> {
    const [cert, key] = await Promise.all([
      this.#certFile ? this.#certFile.get() : (this.#cert as { pem: string }).pem,
      this.#keyFile ? this.#keyFile.get() : (this.#key as { pem: string }).pem,
    ]);
    return this.#credentialsOf(cert, key);
  }

  current(): Credentials | undefined {
    const cert = this.#certFile ? this.#certFile.peek() : (this.#cert as { pem: string }).pem;
    const key = this.#keyFile ? this.#keyFile.peek() : (this.#key as { pem: string }).pem;
    return cert === undefined || key === undefined ? undefined : this.#credentialsOf(cert, key);
  }

  #credentialsOf(cert: string, key: string): Credentials {
    const last = this.#last;
    if (last && last.clientCertificate.cert === cert && last.clientCertificate.key === key) return last;
    this.#last = { headers: {}, clientCertificate: { cert, key } };
    return this.#last;
  }

  async invalidate(): Promise<boolean> {
    const results = await Promise.all([this.#certFile?.reload(), this.#keyFile?.reload()]);
    return results.some((changed) => changed === true);
  }
}

/** Rejects content that is not PEM of the expected kind, without echoing it. */
function pemCheck(
  where: string,
  label: "CERTIFICATE" | "PRIVATE KEY",
  ErrorClass: typeof AuthError | typeof ConfigError,
): (text: string) => string {
  return (text) => {
    const ok = label === "CERTIFICATE" ? /-----BEGIN CERTIFICATE-----/.test(text) : /-----BEGIN [A-Z ]*PRIVATE KEY-----/.test(text);
    if (!ok) throw new ErrorClass(`${where} does not hold a PEM ${label.toLowerCase()}`);
    return text;
  };
}
