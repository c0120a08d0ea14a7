/**
 * The one error module. Every failure bun-k8s reports is one of these classes, and all of
 * them are thrown (never returned). Messages say what failed and where (server, context),
 * and never contain a token, key, password or certificate body.
 */

/** The Kubernetes `Status` object (meta/v1) an API server answers errors with. */
export interface Status {
  apiVersion?: string;
  kind?: "Status";
  status?: "Success" | "Failure";
  message?: string;
  reason?: string;
  details?: StatusDetails;
  code?: number;
  metadata?: { resourceVersion?: string; continue?: string };
}

/**
 * The `details` of a Status: which object the error is about, the invalid fields (`causes`), and how long to wait before retrying.
 */
export interface StatusDetails {
  name?: string;
  group?: string;
  kind?: string;
  uid?: string;
  causes?: { type?: string; message?: string; field?: string }[];
  retryAfterSeconds?: number;
}

/** Where a failure happened, for messages. No secrets. */
export interface ErrorSite {
  server?: string;
  context?: string;
  method?: string;
  /** Path (and query) of the request. */
  path?: string;
}

/** Base class: every error bun-k8s throws is a KubeError. */
export class KubeError extends Error {
  readonly site: ErrorSite;
  constructor(message: string, site: ErrorSite = {}, options?: { cause?: unknown }) {
    super(message + describeSite(site), options);
    this.name = new.target.name;
    this.site = site;
  }
}

/** The API server answered with a non-2xx status (or a watch delivered an ERROR event). */
export class ApiError extends KubeError {
  readonly code: number;
  readonly reason: string;
  readonly status: Status;
  constructor(status: Status, site: ErrorSite = {}, httpStatus?: number) {
    const code = status.code ?? httpStatus ?? 0;
    const reason = status.reason ?? "Unknown";
    super(`${code} ${reason}: ${status.message ?? "(no message)"}`, site);
    this.code = code;
    this.reason = reason;
    this.status = status;
  }
  get details(): StatusDetails | undefined {
    return this.status.details;
  }
}

/** The connection failed: refused, reset, timed out, proxy refused, aborted. */
export class TransportError extends KubeError {
  readonly code: string | undefined;
  constructor(message: string, site: ErrorSite = {}, options?: { cause?: unknown; code?: string }) {
    super(message, site, options);
    this.code = options?.code;
  }
}

/** TLS failed: unknown CA, name mismatch, bad client certificate. */
export class TlsError extends TransportError {}

/** A response could not be decoded (bad JSON, truncated stream). */
export class DecodeError extends KubeError {}

/** A kubeconfig or in-cluster config is missing, malformed or unsupported. */
export class ConfigError extends KubeError {}

/** A credential could not be obtained (exec plugin failed, OIDC refresh failed). */
export class AuthError extends KubeError {}

/** Arguments broke an API rule before anything was sent (e.g. `force` without apply). */
export class ValidationError extends KubeError {}

/** A wait (informer sync, waitFor a condition) did not finish within its time limit. */
export class WaitTimeoutError extends KubeError {}

function describeSite(site: ErrorSite): string {
  const parts: string[] = [];
  if (site.method && site.path) parts.push(`${site.method} ${site.path}`);
  if (site.server) parts.push(`server ${site.server}`);
  if (site.context) parts.push(`context ${site.context}`);
  return parts.length ? ` (${parts.join(", ")})` : "";
}

function hasCode(e: unknown, code: number, reason?: string): boolean {
  return e instanceof ApiError && (e.code === code || (reason !== undefined && e.reason === reason));
}

/** @example if (isNotFound(e)) return undefined; */
export const isNotFound = (e: unknown): e is ApiError => hasCode(e, 404, "NotFound");
/**
 * 409 Conflict: the object changed since it was read (a stale resourceVersion); not AlreadyExists.
 *
 * @example
 * if (isConflict(e)) continue; // read it again and retry the update
 */
export const isConflict = (e: unknown): e is ApiError => hasCode(e, 409, "Conflict") && !isAlreadyExists(e);
/**
 * 409 AlreadyExists: a create found an object of that name.
 *
 * @example
 * try { await configMaps.create(cm); } catch (e) { if (!isAlreadyExists(e)) throw e; }
 */
export const isAlreadyExists = (e: unknown): e is ApiError =>
  e instanceof ApiError && e.reason === "AlreadyExists";
/** 410 Gone, also as delivered in a watch ERROR event ("Expired"). */
export const isGone = (e: unknown): e is ApiError => hasCode(e, 410, "Expired") || hasCode(e, 410, "Gone");
/**
 * 403 Forbidden: RBAC (or an admission webhook) refused the request.
 *
 * @example
 * if (isForbidden(e)) console.error(`no access: ${e.message}`);
 */
export const isForbidden = (e: unknown): e is ApiError => hasCode(e, 403, "Forbidden");
/**
 * 401 Unauthorized: the credentials were rejected (after one refresh of refreshable ones).
 *
 * @example
 * if (isUnauthorized(e)) console.error("log in again");
 */
export const isUnauthorized = (e: unknown): e is ApiError => hasCode(e, 401, "Unauthorized");
/**
 * 429 Too Many Requests, once the retry budget is spent.
 *
 * @example
 * if (isTooManyRequests(e)) await new Promise((r) => setTimeout(r, 1000 * (e.status.details?.retryAfterSeconds ?? 1)));
 */
export const isTooManyRequests = (e: unknown): e is ApiError => hasCode(e, 429, "TooManyRequests");
/**
 * 422 Invalid: the object failed validation; `e.status.details.causes` names the fields.
 *
 * @example
 * if (isInvalid(e)) for (const c of e.status.details?.causes ?? []) console.error(c.field, c.message);
 */
export const isInvalid = (e: unknown): e is ApiError => hasCode(e, 422, "Invalid");

/**
 * The same transport failure reported at a fuller site: the transport knows the URL, the
 * connection adds the kubeconfig context. Keeps class (TlsError stays TlsError) and code.
 *
 * @example
 * throw transportErrorAt(err, { server, context, method: "GET", path: "/version" });
 */
export function transportErrorAt(err: TransportError, site: ErrorSite): TransportError {
  const suffix = describeSite(err.site);
  const summary = suffix && err.message.endsWith(suffix) ? err.message.slice(0, -suffix.length) : err.message;
  const Class = err instanceof TlsError ? TlsError : TransportError;
  return new Class(summary, site, { code: err.code, cause: err });
}

/** The request was cancelled by the caller's AbortSignal (or the client was closed). */
export const isAbortError = (e: unknown): e is TransportError => e instanceof TransportError && e.code === "ABORT_ERR";
