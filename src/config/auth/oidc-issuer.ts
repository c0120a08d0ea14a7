import http from "node:http";
import https from "node:https";
import { AuthError } from "../../base/errors.ts";

/** How to reach an OIDC issuer. */
export interface IssuerClient {
  issuerUrl: string;
  /** PEM CA bundle to trust for the issuer instead of the system store. */
  ca?: string;
  timeoutMs?: number;
}

export interface TokenRefresh {
  clientId: string;
  clientSecret?: string;
  refreshToken: string;
}

export interface RefreshedTokens {
  idToken: string;
  /** Absent when the issuer did not rotate it. */
  refreshToken?: string;
}

interface Discovery {
  tokenEndpoint: string;
  authMethods: string[] | undefined;
}

const MAX_BODY = 1024 * 1024;

/** Reads {issuer}/.well-known/openid-configuration. */
export async function discover(client: IssuerClient): Promise<Discovery> {
  const url = `${client.issuerUrl.replace(/\/+$/, "")}/.well-known/openid-configuration`;
  const res = await request(client, url, { method: "GET", headers: { accept: "application/json" } });
  if (res.status !== 200) throw new AuthError(`OIDC discovery at ${url} answered HTTP ${res.status}`);
  const doc = parseJson(res.body, `OIDC discovery at ${url}`);
  const endpoint = doc.token_endpoint;
  if (typeof endpoint !== "string" || !endpoint) throw new AuthError(`OIDC discovery at ${url} names no token_endpoint`);
  const methods = doc.token_endpoint_auth_methods_supported;
  return {
    tokenEndpoint: endpoint,
    authMethods: Array.isArray(methods) ? methods.filter((m): m is string => typeof m === "string") : undefined,
  };
}

/**
 * Trades a refresh token for a new ID token (grant_type=refresh_token). A confidential
 * client authenticates with HTTP Basic unless the issuer only supports client_secret_post.
 */
export async function refreshIdToken(client: IssuerClient, discovery: Discovery, grant: TokenRefresh): Promise<RefreshedTokens> {
  const form = new URLSearchParams({ grant_type: "refresh_token", refresh_token: grant.refreshToken });
  const headers: Record<string, string> = {
    "content-type": "application/x-www-form-urlencoded",
    accept: "application/json",
  };
  const basic = grant.clientSecret !== undefined && (discovery.authMethods?.includes("client_secret_basic") ?? true);
  if (basic) {
    // RFC 6749 2.3.1: form-encode id and secret before base64.
    const pair = `${encodeURIComponent(grant.clientId)}:${encodeURIComponent(grant.clientSecret ?? "")}`;
    headers.authorization = `Basic ${Buffer.from(pair).toString("base64")}`;
  } else {
    form.set("client_id", grant.clientId);
    if (grant.clientSecret !== undefined) form.set("client_secret", grant.clientSecret);
  }
  const where = `OIDC token endpoint ${discovery.tokenEndpoint}`;
  const res = await request(client, discovery.tokenEndpoint, { method: "POST", headers, body: form.toString() });
  let doc: Record<string, unknown>;
  try {
    doc = parseJson(res.body, where);
  } catch (e) {
    if (res.status !== 200) throw new AuthError(`${where} answered HTTP ${res.status}`);
    throw e;
  }
  if (res.status !== 200) {
    // error and error_description are the issuer's words, but some issuers quote the
    // refresh token (or the client secret) back in them.
    const scrub = (words: string): string => withoutSecrets(words, [grant.refreshToken, grant.clientSecret]);
    const code = typeof doc.error === "string" ? scrub(doc.error.slice(0, 100)) : "unknown error";
    const text = typeof doc.error_description === "string" ? `: ${scrub(doc.error_description).slice(0, 300)}` : "";
    throw new AuthError(`${where} refused the refresh token (HTTP ${res.status}, ${code}${text})`);
  }
  const idToken = doc.id_token;
  if (typeof idToken !== "string" || !idToken) throw new AuthError(`${where} answered without an id_token`);
  const out: RefreshedTokens = { idToken };
  if (typeof doc.refresh_token === "string" && doc.refresh_token) out.refreshToken = doc.refresh_token;
  return out;
}

/** `text` with every occurrence of each non-empty secret replaced by REDACTED. */
function withoutSecrets(text: string, secrets: readonly (string | undefined)[]): string {
  let out = text;
  for (const s of secrets) if (s) out = out.split(s).join("REDACTED");
  return out;
}

function parseJson(body: string, where: string): Record<string, unknown> {
  let doc: unknown;
  try {
    doc = JSON.parse(body);
  } catch {
    throw new AuthError(`${where} did not answer JSON`);
  }
  if (typeof doc !== "object" || doc === null || Array.isArray(doc)) throw new AuthError(`${where} did not answer a JSON object`);
  return doc as Record<string, unknown>;
}

function request(
  client: IssuerClient,
  url: string,
  init: { method: string; headers: Record<string, string>; body?: string },
): Promise<{ status: number; body: string }> {
  let target: URL;
  try {
    target = new URL(url);
  } catch {
    return Promise.reject(new AuthError(`OIDC URL is not valid: ${url}`));
  }
  const lib = target.protocol === "http:" ? http : https;
  return new Promise((resolve, reject) => {
    const req = lib.request(
      target,
      {
        method: init.method,
        headers: init.body === undefined ? init.headers : { ...init.headers, "content-length": String(Buffer.byteLength(init.body)) },
        ...(target.protocol === "https:" && client.ca ? { ca: client.ca } : {}),
        timeout: client.timeoutMs ?? 30_000,
      },
      (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on("data", (c: Buffer) => {
          size += c.length;
          if (size > MAX_BODY) req.destroy(new Error("response too large"));
          else chunks.push(c);
        });
        res.on("end", () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString("utf8") }));
        res.on("error", (e) => reject(new AuthError(`OIDC request to ${target.origin} failed: ${e.message}`, {}, { cause: e })));
      },
    );
    req.on("timeout", () => req.destroy(new Error("timed out")));
    req.on("error", (e) => reject(new AuthError(`OIDC request to ${target.origin} failed: ${e.message}`, {}, { cause: e })));
    if (init.body !== undefined) req.write(init.body);
    req.end();
  });
}
