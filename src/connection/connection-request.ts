/**
 * The pure half of a Connection: the URL of a KubeRequest, impersonation headers, and the
 * Status of a failed response. No I/O; table-tested in test/unit/connection-request.test.ts.
 */
import type { KubeRequest } from "../request/types.ts";
import { encodeQuery } from "../request/path.ts";
import type { Impersonation } from "../config/types.ts";
import type { Status } from "../base/errors.ts";
import { isStatus, toStatus } from "../base/object.ts";
import { excerpt } from "../base/secrets.ts";
import { parseRetryAfter } from "../transport/retry.ts";

/**
 * Server URL + path + query. Undefined values are left out, arrays repeat the key, keys and
 * values are percent-encoded (a space becomes %20). The path is used as given: request
 * builders already encoded its segments. A server URL with a path prefix (Rancher, proxies)
 * keeps its prefix.
 *
 * @example
 * requestUrl("https://k8s:6443", "/api/v1/pods", { labelSelector: "app=web", limit: 500 });
 * // "https://k8s:6443/api/v1/pods?labelSelector=app%3Dweb&limit=500"
 */
export function requestUrl(server: string, path: string, query?: KubeRequest["query"]): string {
  const base = server.replace(/\/+$/, "");
  const rel = path.startsWith("/") ? path : `/${path}`;
  const encoded = encodeQuery(query);
  return encoded ? `${base}${rel}${rel.includes("?") ? "&" : "?"}${encoded}` : `${base}${rel}`;
}

// RFC 7230 token characters: what may stand in a header name unescaped.
const TOKEN = /^[!#$&'*+\-.^_`|~0-9A-Za-z]$/;

/**
 * Escapes an Impersonate-Extra key for use in a header name, as client-go does: every UTF-8
 * byte that is not a token character, and "%" itself, becomes %XX (upper-case hex), so the
 * API server can unescape it.
 *
 * @example
 * escapeExtraKey("example.com/scopes"); // "example.com%2Fscopes"
 */
export function escapeExtraKey(key: string): string {
  let out = "";
  for (const byte of new TextEncoder().encode(key)) {
    const ch = String.fromCharCode(byte);
    out += byte < 0x80 && ch !== "%" && TOKEN.test(ch) ? ch : `%${byte.toString(16).toUpperCase().padStart(2, "0")}`;
  }
  return out;
}

export interface ImpersonationHeaders {
  /** Single-valued: Impersonate-User, Impersonate-Uid. */
  headers: Record<string, string>;
  /** One header line per value: Impersonate-Group, Impersonate-Extra-<key>. */
  repeated: Record<string, string[]>;
}

/**
 * @example
 * impersonationHeaders({ user: "jane", groups: ["dev", "ops"] });
 * // { headers: { "Impersonate-User": "jane" }, repeated: { "Impersonate-Group": ["dev", "ops"] } }
 */
export function impersonationHeaders(imp: Impersonation | undefined): ImpersonationHeaders {
  const headers: Record<string, string> = {};
  const repeated: Record<string, string[]> = {};
  if (!imp) return { headers, repeated };
  if (imp.user) headers["Impersonate-User"] = imp.user;
  if (imp.uid) headers["Impersonate-Uid"] = imp.uid;
  if (imp.groups?.length) repeated["Impersonate-Group"] = [...imp.groups];
  for (const [key, values] of Object.entries(imp.extra ?? {})) {
    if (values.length) repeated[`Impersonate-Extra-${escapeExtraKey(key)}`] = [...values];
  }
  return { headers, repeated };
}

// The reasons kube-apiserver uses for these codes, for bodies that are not a Status.
const REASONS: Record<number, string> = {
  400: "BadRequest",
  401: "Unauthorized",
  403: "Forbidden",
  404: "NotFound",
  405: "MethodNotAllowed",
  406: "NotAcceptable",
  409: "Conflict",
  410: "Gone",
  413: "RequestEntityTooLarge",
  415: "UnsupportedMediaType",
  422: "Invalid",
  429: "TooManyRequests",
  500: "InternalError",
  503: "ServiceUnavailable",
  504: "Timeout",
};

const MAX_SNIPPET = 300;


/**
 * The Status of a failed response: the body when it is one, otherwise a synthetic Status
 * whose message quotes the start of the body. (ApiError scrubs either of every registered
 * secret.) A Retry-After header lands in details.retryAfterSeconds when the body has none.
 *
 * @example
 * statusFromResponse(404, "404 page not found", undefined);
 * // { kind: "Status", apiVersion: "v1", status: "Failure", code: 404, reason: "NotFound", message: "404 page not found" }
 */
export function statusFromResponse(
  httpStatus: number,
  body: string,
  retryAfter: string | undefined,
  nowMs: number = Date.now(),
): Status {
  let parsed: unknown;
  try {
    parsed = body.trim() ? JSON.parse(body) : undefined;
  } catch {
    parsed = undefined;
  }
  let status: Status;
  if (isStatus(parsed)) {
    status = toStatus(parsed as unknown as Record<string, unknown>, httpStatus);
  } else {
    const snippet = excerpt(body.trim().replace(/\s+/g, " "), MAX_SNIPPET);
    status = {
      apiVersion: "v1",
      kind: "Status",
      status: "Failure",
      code: httpStatus,
      reason: REASONS[httpStatus] ?? "Unknown",
      message: snippet || `the server answered ${httpStatus} with no body`,
    };
  }
  const delayMs = parseRetryAfter(retryAfter, nowMs);
  const seconds = delayMs === undefined ? undefined : Math.ceil(delayMs / 1000);
  if (seconds !== undefined && status.details?.retryAfterSeconds === undefined) {
    status = { ...status, details: { ...status.details, retryAfterSeconds: seconds } };
  }
  return status;
}
