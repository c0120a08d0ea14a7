import { AuthError } from "../../base/errors.ts";
import { isRecord } from "../../base/object.ts";
import { excerpt } from "../../base/secrets.ts";

/** What an ExecCredential's status grants. */
export interface ExecGrant {
  token?: string;
  clientCertificate?: { cert: string; key: string };
  /** Epoch ms of status.expirationTimestamp, if any. */
  expiresAt: number | undefined;
}

/**
 * Checks and decodes a plugin's stdout (an ExecCredential). Messages describe what is
 * wrong with the output and never quote it: it holds the credential.
 */
export function decodeExecCredential(stdout: string, apiVersion: string, where: string): ExecGrant {
  let doc: unknown;
  try {
    doc = JSON.parse(stdout);
  } catch {
    throw new AuthError(`${where} did not print an ExecCredential as JSON on stdout (${stdout.length} bytes)`);
  }
  if (!isRecord(doc)) throw new AuthError(`${where} printed JSON that is not an object`);
  if (doc.apiVersion !== apiVersion) {
    const got = typeof doc.apiVersion === "string" ? `"${excerpt(doc.apiVersion, 80)}"` : "no apiVersion";
    throw new AuthError(`${where} is configured for ${apiVersion} but returned ${got}`);
  }
  if (doc.kind !== "ExecCredential") throw new AuthError(`${where} returned kind other than ExecCredential`);
  const status = doc.status;
  if (!isRecord(status)) throw new AuthError(`${where} returned no status`);
  const token = optionalString(status, "token", where);
  const cert = optionalString(status, "clientCertificateData", where);
  const key = optionalString(status, "clientKeyData", where);
  if (!token && !cert && !key) throw new AuthError(`${where} returned neither a token nor a client certificate and key`);
  if (!cert !== !key) throw new AuthError(`${where} returned only one of clientCertificateData and clientKeyData`);

  let expiresAt: number | undefined;
  const exp = status.expirationTimestamp;
  if (exp !== undefined && exp !== null) {
    expiresAt = typeof exp === "string" ? Date.parse(exp) : Number.NaN;
    if (Number.isNaN(expiresAt)) throw new AuthError(`${where} returned an expirationTimestamp that is not an RFC 3339 time`);
  }
  const grant: ExecGrant = { expiresAt };
  if (token) grant.token = token;
  if (cert && key) grant.clientCertificate = { cert, key };
  return grant;
}

function optionalString(status: Record<string, unknown>, key: string, where: string): string | undefined {
  const v = status[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== "string") throw new AuthError(`${where} returned status.${key} that is not a string`);
  return v;
}
