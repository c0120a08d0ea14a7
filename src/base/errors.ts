/**
 * The one error module. Every failure bun-k8s reports is one of these classes, and all of
 * them are thrown (never returned). Messages say what failed and where (server, context),
 * and never contain a token, key, password or certificate body: every KubeError is scrubbed
 * of every registered secret when it is made (see secrets.ts).
 */
import { scrubCause, scrubDeep, scrubText } from "./secrets.ts";

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
  /** meta/v1 StatusCause: its machine-readable type is sent as `reason` (e.g. "FieldManagerConflict"). */
  causes?: { reason?: string; message?: string; field?: string }[];
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
    // Scrubbed before super(): the stack's first line is the message as it was then.
    super(scrubText(message + describeSite(site)), options && "cause" in options ? { cause: scrubCause(options.cause) } : undefined);
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
    // A Status from outside may be anything JSON: only a number is a code, only a string a reason.
    const code = typeof status.code === "number" ? status.code : (httpStatus ?? 0);
    const reason = typeof status.reason === "string" ? status.reason : "Unknown";
    super(`${code} ${reason}: ${typeof status.message === "string" ? status.message : "(no message)"}`, site);
    this.code = code;
    this.reason = scrubText(reason);
    // The server's words: a Status message may quote the request, credentials included.
    this.status = scrubDeep(status);
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

/**
 * A YAML or JSON text (a manifest file, a kubeconfig) could not be read, or a document in it is
 * not what was expected. Names the source, the document (1-based, counting every document of
 * the stream) and the line; never quotes the text, which may hold a Secret's data.
 */
export class DocumentError extends DecodeError {
  /** The file or other origin the text came from, as the caller named it. */
  readonly source: string | undefined;
  /** 1-based index of the document in its stream; undefined for the stream as a whole. */
  readonly document: number | undefined;
  /** 1-based line in the whole text, when known. */
  readonly line: number | undefined;
  constructor(problem: string, where: { source?: string | undefined; document?: number | undefined; line?: number | undefined } = {}, options?: { cause?: unknown }) {
    const place = [where.source, where.document !== undefined && `document ${where.document}`, where.line !== undefined && `line ${where.line}`]
      .filter((p): p is string => typeof p === "string" && p !== "")
      .join(", ");
    super(place ? `${place}: ${problem}` : problem, {}, options);
    this.source = where.source;
    this.document = where.document;
    this.line = where.line;
  }
}

/**
 * A response was larger than the limit the caller set (or the default): the whole body of
 * a non-streaming call (`maxResponseBytes`, counted after decompression), or one line of a
 * watch or log stream. Nothing more was read.
 */
export class ResponseTooLargeError extends KubeError {
  /** "body": the whole response; "line": one line of a stream. */
  readonly part: "body" | "line";
  readonly limitBytes: number;
  constructor(part: "body" | "line", limitBytes: number, site: ErrorSite = {}) {
    super(
      part === "body"
        ? `the response body is larger than ${formatBytes(limitBytes)} (maxResponseBytes); ` +
            "list in pages with `limit` (and `continue`), or raise maxResponseBytes for this call or connection"
        : `the stream sent a line longer than ${formatBytes(limitBytes)}; an API server's objects are at most about 1.5 MiB`,
      site,
    );
    this.part = part;
    this.limitBytes = limitBytes;
  }
}

/**
 * @example formatBytes(256 * 1024 * 1024) // "256 MiB"
 */
export function formatBytes(bytes: number): string {
  for (const [unit, size] of [["GiB", 2 ** 30], ["MiB", 2 ** 20], ["KiB", 2 ** 10]] as const) {
    if (bytes >= size) return `${Number((bytes / size).toFixed(1))} ${unit}`;
  }
  return `${bytes} bytes`;
}

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
 * The same failure reported at a fuller site: the transport knows the URL, the connection
 * adds the kubeconfig context. Keeps class (TlsError stays TlsError), code and limit; any
 * other error comes back as it is.
 *
 * @example
 * throw errorAtSite(err, { server, context, method: "GET", path: "/version" });
 */
export function errorAtSite(err: TransportError, site: ErrorSite): TransportError;
export function errorAtSite(err: unknown, site: ErrorSite): unknown;
export function errorAtSite(err: unknown, site: ErrorSite): unknown {
  if (err instanceof ResponseTooLargeError) return new ResponseTooLargeError(err.part, err.limitBytes, site);
  if (!(err instanceof TransportError)) return err;
  const suffix = describeSite(err.site);
  const summary = suffix && err.message.endsWith(suffix) ? err.message.slice(0, -suffix.length) : err.message;
  const Class = err instanceof TlsError ? TlsError : TransportError;
  return new Class(summary, site, { code: err.code, cause: err });
}

/** The request was cancelled by the caller's AbortSignal (or the client was closed). */
export const isAbortError = (e: unknown): e is TransportError => e instanceof TransportError && e.code === "ABORT_ERR";

/** A wait ended early because its condition can no longer hold (a rollout past its progress deadline, a failed Job). */
export class WaitFailedError extends KubeError {}
