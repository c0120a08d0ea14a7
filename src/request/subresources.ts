/**
 * Requests for subresources: generic get/replace (status, scale, ephemeralcontainers,
 * resize, approval) and the special ones with their own bodies or params: pods/log,
 * pods/eviction, pods/binding and serviceaccounts/token. Patches go through patch.ts.
 */
import { apiVersionOf } from "../base/resource.ts";
import { ValidationError } from "../base/errors.ts";
import type { KubeRequest } from "./types.ts";
import { describeResource, requireSubresource, resourcePath, preview, type ResourceRef } from "./path.ts";
import {
  checkBoolean,
  checkInteger,
  checkObjectBody,
  checkString,
  compact,
  jsonBody,
  writeQuery,
  type WriteParams,
} from "./param-checks.ts";
import { identifiedBody } from "./body.ts";
import { deleteOptions, type DeleteParams } from "./write.ts";

const JSON_HEADERS = { "Content-Type": "application/json" } as const;

function subAction(verb: string, r: ResourceRef, sub: string): string {
  return `${verb} ${describeResource(r)}/${sub}`;
}

/**
 * GET a subresource, e.g. /apis/apps/v1/namespaces/prod/deployments/web/scale.
 *
 * @example subresourceGetRequest(Deployment, "prod", "web", "scale")
 */
export function subresourceGetRequest(r: ResourceRef, namespace: string | undefined, name: string, subresource: string): KubeRequest {
  requireSubresource(r, subresource);
  return { method: "GET", path: resourcePath(r, subAction("get", r, subresource), { namespace, name, subresource }) };
}

/** The identity of a subresource's body when it differs from the resource (scale: autoscaling/v1 Scale). */
export interface SubresourceBody {
  apiVersion?: string | undefined;
  kind?: string | undefined;
}

/**
 * PUT a subresource. `name` is the parent object's name; the body's metadata.name must
 * match it (it is filled in when absent).
 *
 * @example subresourceReplaceRequest(Deployment, "prod", "web", "status", deployment)
 */
export function subresourceReplaceRequest(
  r: ResourceRef,
  namespace: string | undefined,
  name: string,
  subresource: string,
  body: unknown,
  params?: WriteParams,
  bodyIdentity: SubresourceBody = {},
): KubeRequest {
  const action = subAction("replace", r, subresource);
  requireSubresource(r, subresource);
  return {
    method: "PUT",
    path: resourcePath(r, action, { namespace, name, subresource }),
    query: compact(writeQuery(action, params)),
    headers: { ...JSON_HEADERS },
    body: identifiedBody(action, body, {
      apiVersion: bodyIdentity.apiVersion ?? apiVersionOf(r),
      kind: bodyIdentity.kind ?? r.kind,
      namespace,
      name,
    }),
  };
}

/** Which container log lines to read. */
export interface LogParams {
  /** Required when the pod has more than one container. */
  container?: string | undefined;
  /** The previous, terminated instance of the container. */
  previous?: boolean | undefined;
  /** Only lines newer than this many seconds (>= 1). Not with sinceTime. */
  sinceSeconds?: number | undefined;
  /** Only lines since this time (RFC 3339). Not with sinceSeconds. */
  sinceTime?: string | Date | undefined;
  /** Only the last N lines (>= 0). */
  tailLines?: number | undefined;
  /** Prefix every line with an RFC 3339 timestamp. */
  timestamps?: boolean | undefined;
  /** Stop after this many bytes (>= 1); the last line may be cut. */
  limitBytes?: number | undefined;
  /** Skip verifying the kubelet's serving certificate (only for broken node certificates). */
  insecureSkipTLSVerifyBackend?: boolean | undefined;
}

/** Log parameters for a stream of lines. */
export interface LogStreamParams extends LogParams {
  /** Keep the stream open and deliver new lines as the container writes them. */
  follow?: boolean | undefined;
}

/**
 * GET pods/log, as text or (with follow) as a long-lived stream.
 *
 * @example logRequest(Pod, "default", "web-0", { container: "app", tailLines: 100 })
 * // GET /api/v1/namespaces/default/pods/web-0/log?container=app&tailLines=100
 */
export function logRequest(r: ResourceRef, namespace: string | undefined, name: string, params?: LogStreamParams): KubeRequest {
  const action = subAction("read", r, "log");
  requireSubresource(r, "log");
  const sinceSeconds = checkInteger(action, "sinceSeconds", params?.sinceSeconds, 1);
  let sinceTime: string | undefined;
  const since = params?.sinceTime;
  if (since instanceof Date) {
    if (Number.isNaN(since.getTime())) throw new ValidationError(`${action}: sinceTime is an invalid Date`);
    // RFC 3339 with second precision, as metav1.Time parses it.
    sinceTime = since.toISOString().replace(/\.\d{3}Z$/, "Z");
  } else {
    sinceTime = checkString(action, "sinceTime", since);
    if (sinceTime !== undefined && Number.isNaN(Date.parse(sinceTime))) {
      throw new ValidationError(`${action}: sinceTime must be an RFC 3339 time, got ${preview(sinceTime)}`);
    }
  }
  if (sinceSeconds !== undefined && sinceTime !== undefined) {
    throw new ValidationError(`${action}: sinceSeconds and sinceTime are mutually exclusive`);
  }
  return {
    method: "GET",
    path: resourcePath(r, action, { namespace, name, subresource: "log" }),
    headers: { Accept: "text/plain, */*" },
    query: compact({
      container: checkString(action, "container", params?.container),
      follow: checkBoolean(action, "follow", params?.follow),
      previous: checkBoolean(action, "previous", params?.previous),
      sinceSeconds,
      sinceTime,
      tailLines: checkInteger(action, "tailLines", params?.tailLines, 0),
      timestamps: checkBoolean(action, "timestamps", params?.timestamps),
      limitBytes: checkInteger(action, "limitBytes", params?.limitBytes, 1),
      insecureSkipTLSVerifyBackend: checkBoolean(action, "insecureSkipTLSVerifyBackend", params?.insecureSkipTLSVerifyBackend),
    }),
  };
}

/** Eviction takes the delete options it should honour (grace period, preconditions, dry run). */
export type EvictionParams = DeleteParams;

/**
 * POST a policy/v1 Eviction to pods/eviction: a delete that respects PodDisruptionBudgets
 * (the server answers 429 while a budget forbids it).
 *
 * @example evictionRequest(Pod, "default", "web-0", { gracePeriodSeconds: 0 })
 */
export function evictionRequest(r: ResourceRef, namespace: string | undefined, name: string, params?: EvictionParams): KubeRequest {
  const action = subAction("create", r, "eviction");
  requireSubresource(r, "eviction");
  const options = deleteOptions(action, params);
  const body = {
    apiVersion: "policy/v1",
    kind: "Eviction",
    metadata: compact({ name, namespace }),
    ...(options !== undefined && { deleteOptions: options }),
  };
  return {
    method: "POST",
    path: resourcePath(r, action, { namespace, name, subresource: "eviction" }),
    headers: { ...JSON_HEADERS },
    body: jsonBody(action, body),
  };
}

/** What a pod is bound to; normally a Node by name. */
export interface BindingTarget {
  name: string;
  /** Default "Node". */
  kind?: string | undefined;
  /** Default "v1". */
  apiVersion?: string | undefined;
}

/**
 * POST a v1 Binding to pods/binding: what a scheduler does to place a pod on a node.
 *
 * @example bindingRequest(Pod, "default", "web-0", { name: "node-1" })
 */
export function bindingRequest(
  r: ResourceRef,
  namespace: string | undefined,
  name: string,
  target: BindingTarget,
  params?: WriteParams,
): KubeRequest {
  const action = subAction("create", r, "binding");
  requireSubresource(r, "binding");
  const t = checkObjectBody(`${action}: target`, target);
  const targetName = checkString(action, "target.name", t.name);
  if (targetName === undefined) throw new ValidationError(`${action}: target.name is required`);
  const body = {
    apiVersion: "v1",
    kind: "Binding",
    metadata: compact({ name, namespace }),
    target: { apiVersion: target.apiVersion ?? "v1", kind: target.kind ?? "Node", name: targetName },
  };
  return {
    method: "POST",
    path: resourcePath(r, action, { namespace, name, subresource: "binding" }),
    query: compact(writeQuery(action, params)),
    headers: { ...JSON_HEADERS },
    body: jsonBody(action, body),
  };
}

export interface TokenRequestParams extends WriteParams {
  /** Who the token is for; default: the API server's own audiences. */
  audiences?: readonly string[] | undefined;
  /** Requested lifetime: at least 600 s (the API server's minimum); it may issue a shorter one. */
  expirationSeconds?: number | undefined;
  /** Tie the token's validity to a Pod, Secret or Node. */
  boundObjectRef?: { kind: "Pod" | "Secret" | "Node"; apiVersion?: string; name: string; uid?: string } | undefined;
}

/**
 * POST an authentication.k8s.io/v1 TokenRequest to serviceaccounts/token.
 *
 * @example tokenRequest(ServiceAccount, "default", "builder", { audiences: ["vault"], expirationSeconds: 3600 })
 */
export function tokenRequest(r: ResourceRef, namespace: string | undefined, name: string, params?: TokenRequestParams): KubeRequest {
  const action = subAction("create", r, "token");
  requireSubresource(r, "token");
  const expirationSeconds = checkInteger(action, "expirationSeconds", params?.expirationSeconds, 600);
  if (expirationSeconds !== undefined && expirationSeconds > 2 ** 32) {
    throw new ValidationError(`${action}: expirationSeconds may not exceed 2^32`);
  }
  const audiences = params?.audiences;
  if (audiences !== undefined && (!Array.isArray(audiences) || audiences.some((a) => typeof a !== "string" || a === ""))) {
    throw new ValidationError(`${action}: audiences must be an array of non-empty strings`);
  }
  const body = {
    apiVersion: "authentication.k8s.io/v1",
    kind: "TokenRequest",
    metadata: compact({ name, namespace }),
    spec: compact({
      audiences: audiences ? [...audiences] : [],
      expirationSeconds,
      boundObjectRef: params?.boundObjectRef,
    }),
  };
  return {
    method: "POST",
    path: resourcePath(r, action, { namespace, name, subresource: "token" }),
    query: compact(writeQuery(action, params)),
    headers: { ...JSON_HEADERS },
    body: jsonBody(action, body),
  };
}
