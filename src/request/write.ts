/**
 * Requests that change objects: create (POST), replace (PUT), delete and deleteCollection.
 * Patch and apply live in patch.ts.
 */
import { apiVersionOf } from "../base/resource.ts";
import { ValidationError } from "../base/errors.ts";
import type { KubeRequest } from "./types.ts";
import { describeResource, requireVerb, resourcePath, preview, type ResourceRef } from "./path.ts";
import { checkInteger, checkObjectBody, checkOneOf, compact, dryRunParam, jsonBody, writeQuery, type WriteParams } from "./param-checks.ts";
import { identifiedBody, nameOf } from "./body.ts";
import { listQuery, type ListParams } from "./read.ts";

/** What happens to an object's dependents when it is deleted. */
export type PropagationPolicy = "Orphan" | "Background" | "Foreground";

/** Conditions a delete requires of the object. */
export interface Preconditions {
  /** Delete only if the object still has this uid. */
  uid?: string | undefined;
  /** Delete only if the object is still at this resourceVersion. */
  resourceVersion?: string | undefined;
}

/** The parameters of a delete. */
export interface DeleteParams {
  /** Validate and admit, but delete nothing. */
  dryRun?: boolean | undefined;
  /** Seconds before the object is deleted; 0: immediately. Unset: the kind's default. */
  gracePeriodSeconds?: number | undefined;
  /** What happens to dependents: orphaned, deleted in the background, or deleted first. */
  propagationPolicy?: PropagationPolicy | undefined;
  /** The delete fails with 409 Conflict unless these still hold. */
  preconditions?: Preconditions | undefined;
}

/** The parameters of a create. */
export type CreateParams = WriteParams;
/** The parameters of a replace (PUT). */
export type ReplaceParams = WriteParams;

/** The parameters of a deletecollection: which objects (as for list), and how to delete them. */
export interface DeleteCollectionParams extends DeleteParams, ListParams {}

const JSON_HEADERS = { "Content-Type": "application/json" } as const;

/**
 * The meta/v1 DeleteOptions body for delete, deleteCollection and eviction; undefined
 * when no option is set, so a plain delete sends no body.
 */
export function deleteOptions(action: string, p: DeleteParams | undefined): Record<string, unknown> | undefined {
  if (p === undefined) return undefined;
  const dryRun = dryRunParam(action, p.dryRun);
  let preconditions: Preconditions | undefined;
  if (p.preconditions !== undefined) {
    const pre = checkObjectBody(`${action}: preconditions`, p.preconditions);
    for (const key of Object.keys(pre)) {
      if (key !== "uid" && key !== "resourceVersion") {
        throw new ValidationError(`${action}: unknown precondition ${preview(key)} (want uid or resourceVersion)`);
      }
      if (pre[key] !== undefined && (typeof pre[key] !== "string" || pre[key] === "")) {
        throw new ValidationError(`${action}: precondition ${key} must be a non-empty string, got ${preview(pre[key])}`);
      }
    }
    preconditions = compact({ uid: p.preconditions.uid, resourceVersion: p.preconditions.resourceVersion });
  }
  const body = compact({
    gracePeriodSeconds: checkInteger(action, "gracePeriodSeconds", p.gracePeriodSeconds, 0),
    propagationPolicy: checkOneOf(action, "propagationPolicy", p.propagationPolicy, ["Orphan", "Background", "Foreground"]),
    preconditions,
    dryRun: dryRun === undefined ? undefined : [dryRun],
  });
  return Object.keys(body).length ? body : undefined;
}

/**
 * POST a new object to its collection. apiVersion, kind and metadata.namespace are filled
 * in when absent and must match when present.
 *
 * @example createRequest(ConfigMap, "default", { metadata: { name: "cfg" }, data: { a: "1" } })
 * // POST /api/v1/namespaces/default/configmaps
 */
export function createRequest(r: ResourceRef, namespace: string | undefined, body: unknown, params?: CreateParams): KubeRequest {
  const action = `create ${describeResource(r)}`;
  requireVerb(r, "create", "create");
  if (r.namespaced && namespace === undefined) {
    throw new ValidationError(`${action}: ${r.kind || r.plural} is namespaced; give a namespace`);
  }
  const path = resourcePath(r, "create", { namespace });
  return {
    method: "POST",
    path,
    query: compact(writeQuery(action, params)),
    headers: { ...JSON_HEADERS },
    body: identifiedBody(action, body, { apiVersion: apiVersionOf(r), kind: r.kind, namespace }),
  };
}

/**
 * PUT a whole object (an update with optimistic concurrency on metadata.resourceVersion).
 * The name comes from the object.
 *
 * @example replaceRequest(ConfigMap, "default", cfg) // PUT /api/v1/namespaces/default/configmaps/cfg
 */
export function replaceRequest(r: ResourceRef, namespace: string | undefined, body: unknown, params?: ReplaceParams): KubeRequest {
  const action = `replace ${describeResource(r)}`;
  requireVerb(r, "update", "replace");
  const name = nameOf(action, body);
  return {
    method: "PUT",
    path: resourcePath(r, "replace", { namespace, name }),
    query: compact(writeQuery(action, params)),
    headers: { ...JSON_HEADERS },
    body: identifiedBody(action, body, { apiVersion: apiVersionOf(r), kind: r.kind, namespace, name }),
  };
}

/**
 * DELETE one object; options travel as a DeleteOptions body.
 *
 * @example deleteRequest(Deployment, "prod", "web", { propagationPolicy: "Foreground" })
 */
export function deleteRequest(r: ResourceRef, namespace: string | undefined, name: string, params?: DeleteParams): KubeRequest {
  const action = `delete ${describeResource(r)}`;
  requireVerb(r, "delete", "delete");
  const path = resourcePath(r, "delete", { namespace, name });
  const options = deleteOptions(action, params);
  return options === undefined
    ? { method: "DELETE", path }
    : { method: "DELETE", path, headers: { ...JSON_HEADERS }, body: jsonBody(action, options) };
}

/**
 * DELETE every object of a collection that matches the selectors. Only served per
 * namespace for namespaced kinds (there is no all-namespaces deletecollection route).
 *
 * @example deleteCollectionRequest(ConfigMap, "default", { labelSelector: { app: "web" } })
 */
export function deleteCollectionRequest(
  r: ResourceRef,
  namespace: string | undefined,
  params?: DeleteCollectionParams,
): KubeRequest {
  const action = `deleteCollection ${describeResource(r)}`;
  requireVerb(r, "deletecollection", "deleteCollection");
  if (r.namespaced && namespace === undefined) {
    throw new ValidationError(`${action}: ${r.kind || r.plural} is namespaced; give a namespace`);
  }
  const path = resourcePath(r, "deleteCollection", { namespace });
  const options = deleteOptions(action, params && {
    dryRun: params.dryRun,
    gracePeriodSeconds: params.gracePeriodSeconds,
    propagationPolicy: params.propagationPolicy,
    preconditions: params.preconditions,
  });
  const query = listQuery(action, params);
  return options === undefined
    ? { method: "DELETE", path, query }
    : { method: "DELETE", path, query, headers: { ...JSON_HEADERS }, body: jsonBody(action, options) };
}
