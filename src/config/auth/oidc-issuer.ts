/**
 * Talking to an OIDC issuer: its discovery document and its token endpoint, over TLS only.
 * The discovered issuer must be the configured one, and the token endpoint (which receives
 * the refresh token and the client secret) must be https.
 */
import https from "node:https";
import { AuthError, ConfigError } from "../../base/errors.ts";
import { excerpt, type SecretValues } from "../../base/secrets.ts";

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
  /** Where the Basic header and the tokens the issuer hands out are registered. */
  secrets: SecretValues;
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

/**
 * Reads {issuer}/.well-known/openid-configuration, and checks it: its `issuer` must be the
 * configured one (OpenID Connect Discovery 1.0, section 4.3) and its token endpoint https.
 *
 * @example const discovery = await discover({ issuerUrl: "https://dex.example.com" });
 */
export async function discover(client: IssuerClient): Promise<Discovery> {
  const url = `${client.issuerUrl.replace(/\/+$/, "")}/.well-known/openid-configuration`;
  const res = await request(client, url, { method: "GET", headers: { accept: "application/json" } });
  if (res.status !== 200) throw new AuthError(`OIDC discovery at ${url} answered HTTP ${res.status}`);
  const doc = parseJson(res.body, `OIDC discovery at ${url}`);
  const issuer = typeof doc.issuer === "string" ? doc.issuer : undefined;
  if (issuer === undefined || issuer.replace(/\/+$/, "") !== client.issuerUrl.replace(/\/+$/, "")) {
    const named = issuer === undefined ? "no issuer" : `issuer "${excerpt(issuer, 200)}"`;
    throw new AuthError(`OIDC discovery at ${url} names ${named}, not the configured idp-issuer-url ${client.issuerUrl}`);
  }
  const endpoint = doc.token_endpoint;
  if (typeof endpoint !== "string" || !endpoint) throw new AuthError(`OIDC discovery at ${url} names no token_endpoint`);
  if (!/^https:\/\//i.test(endpoint)) {
    throw new ConfigError(
      `OIDC discovery at ${url} names a token_endpoint that is not https (${excerpt(endpoint, 200)}); ` +
        "the refresh token and client secret go only over TLS",
    );
  }
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
    const basic = Buffer.from(pair).toString("base64");
    grant.secrets.add(basic, "basic");
    headers.authorization = `Basic ${basic}`;
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
  // Whatever the issuer handed out is secret from here on, even in an error about it.
  if (typeof doc.id_token === "string") grant.secrets.add(doc.id_token, "id-token");
  if (typeof doc.refresh_token === "string") grant.secrets.add(doc.refresh_token, "refresh-token");
  if (res.status !== 200) {
    // error and error_description are the issuer's words, but some issuers quote the
    // request (refresh token, client secret, Basic header) back in them: excerpt() scrubs.
    const code = typeof doc.error === "string" ? excerpt(doc.error, 100) : "unknown error";
    const text = typeof doc.error_description === "string" ? `: ${excerpt(doc.error_description, 300)}` : "";
    throw new AuthError(`${where} refused the refresh token (HTTP ${res.status}, ${code}${text})`);
  }
  const idToken = doc.id_token;
  if (typeof idToken !== "string" || !idToken) throw new AuthError(`${where} answered without an id_token`);
  const out: RefreshedTokens = { idToken };
  if (typeof doc.refresh_token === "string" && doc.refresh_token) out.refreshToken = doc.refresh_token;
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
    return Promise.reject(new AuthError(`OIDC URL is not valid: ${excerpt(url, 200)}`));
  }
  if (target.protocol !== "https:") return Promise.reject(new ConfigError(`OIDC URL ${target.origin} is not https; the issuer is only spoken to over TLS`));
  return new Promise((resolve, reject) => {
    const req = https.request(
      target,
      {
        method: init.method,
        headers: init.body === undefined ? init.headers : { ...init.headers, "content-length": String(Buffer.byteLength(init.body)) },
        ...(client.ca ? { ca: client.ca } : {}),
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
