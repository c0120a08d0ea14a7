/**
 * PATCH requests: a tagged Patch value carries its own content type (json, merge,
 * strategic, apply), and PatchParams are checked against it (force and a required
 * fieldManager belong to apply only; strategic merge works on built-in kinds only).
 */
import { apiVersionOf } from "../base/resource.ts";
import { ValidationError } from "../base/errors.ts";
import type { KubeRequest } from "./types.ts";
import { describeResource, preview, requireSubresource, requireVerb, resourcePath, type ResourceRef } from "./path.ts";
import { checkBoolean, checkFieldManager, checkObjectBody, compact, jsonBody, writeQuery, type WriteParams } from "./param-checks.ts";
import { identifiedBody, nameOf } from "./body.ts";
import { PATCH_CONTENT_TYPES, type Patch, type PatchType } from "./patch-types.ts";

export interface PatchParams extends WriteParams {
  /** Server-side apply only: take ownership of fields other managers own. */
  force?: boolean | undefined;
}

export interface ApplyParams extends WriteParams {
  /** Required: the manager that owns the applied fields. */
  fieldManager: string;
  /** Take ownership of conflicting fields instead of failing with 409 Conflict. */
  force?: boolean | undefined;
}

/**
 * API groups whose kinds are compiled into kube-apiserver (and so accept strategic merge
 * patches). A CRD may use a *.k8s.io group too, which is why this is a list and not a
 * suffix test; the generator's `custom` flag, when present, takes precedence.
 */
const BUILT_IN_GROUPS: ReadonlySet<string> = new Set([
  "",
  "admissionregistration.k8s.io",
  "apiextensions.k8s.io",
  "apiregistration.k8s.io",
  "apps",
  "authentication.k8s.io",
  "authorization.k8s.io",
  "autoscaling",
  "batch",
  "certificates.k8s.io",
  "coordination.k8s.io",
  "discovery.k8s.io",
  "events.k8s.io",
  "extensions",
  "flowcontrol.apiserver.k8s.io",
  "internal.apiserver.k8s.io",
  "networking.k8s.io",
  "node.k8s.io",
  "policy",
  "rbac.authorization.k8s.io",
  "resource.k8s.io",
  "scheduling.k8s.io",
  "storage.k8s.io",
  "storagemigration.k8s.io",
]);

/**
 * Whether the group is served by kube-apiserver itself (not a CRD or aggregated API).
 *
 * @example isBuiltInGroup("apps") // true; isBuiltInGroup("source.toolkit.fluxcd.io") // false
 */
export function isBuiltInGroup(group: string): boolean {
  return BUILT_IN_GROUPS.has(group);
}

/**
 * Whether the server has a Go type for this resource, which strategic merge needs.
 *
 * @example supportsStrategicMerge(GitRepository) // false
 */
export function supportsStrategicMerge(r: Pick<ResourceRef, "group" | "custom">): boolean {
  return r.custom === undefined ? isBuiltInGroup(r.group) : !r.custom;
}

const JSON_PATCH_OPS = new Set(["add", "remove", "replace", "move", "copy", "test"]);

function checkJsonPatch(action: string, ops: unknown): void {
  if (!Array.isArray(ops)) throw new ValidationError(`${action}: a json patch must be an array of operations`);
  ops.forEach((op: unknown, i) => {
    const o = checkObjectBody(`${action}: json patch operation ${i}`, op);
    if (typeof o.op !== "string" || !JSON_PATCH_OPS.has(o.op)) {
      throw new ValidationError(`${action}: json patch operation ${i} has unknown op ${preview(o.op)}`);
    }
    for (const key of o.op === "move" || o.op === "copy" ? ["path", "from"] : ["path"]) {
      const pointer = o[key];
      if (typeof pointer !== "string" || (pointer !== "" && !pointer.startsWith("/"))) {
        throw new ValidationError(`${action}: json patch operation ${i} needs a JSON pointer "${key}" like "/spec/replicas"`);
      }
    }
    if ((o.op === "add" || o.op === "replace" || o.op === "test") && !("value" in o)) {
      throw new ValidationError(`${action}: json patch operation ${i} (${o.op}) needs a value`);
    }
  });
}

/** Where a patch goes: the object, or one of its subresources, and what kind the body is. */
export interface PatchTarget {
  name: string;
  subresource?: string | undefined;
  /** Identity an apply body must have; defaults to the resource's own apiVersion/kind. */
  apiVersion?: string | undefined;
  kind?: string | undefined;
}

/**
 * PATCH an object (or a subresource) with a tagged patch.
 *
 * @example
 * patchRequest(Deployment, "prod", { name: "web" }, { type: "merge", patch: { spec: { replicas: 2 } } })
 * // PATCH /apis/apps/v1/namespaces/prod/deployments/web, Content-Type: application/merge-patch+json
 */
export function patchRequest(
  r: ResourceRef,
  namespace: string | undefined,
  target: PatchTarget,
  patch: Patch,
  params?: PatchParams,
): KubeRequest {
  const sub = target.subresource;
  const action = `patch ${describeResource(r)}${sub ? `/${sub}` : ""}`;
  if (sub === undefined) requireVerb(r, "patch", "patch");
  else requireSubresource(r, sub);
  const path = resourcePath(r, "patch", { namespace, name: target.name, subresource: sub });
  if (patch === null || typeof patch !== "object" || !Object.hasOwn(PATCH_CONTENT_TYPES, patch.type)) {
    throw new ValidationError(`${action}: patch must be { type: "json" | "merge" | "strategic" | "apply", patch }`);
  }
  const type: PatchType = patch.type;
  const force = checkBoolean(action, "force", params?.force);
  if (force === true && type !== "apply") {
    throw new ValidationError(`${action}: force is only allowed with server-side apply, not a ${type} patch`);
  }
  let body: string;
  switch (type) {
    case "apply":
      if (checkFieldManager(action, params?.fieldManager) === undefined) {
        throw new ValidationError(`${action}: server-side apply requires a fieldManager`);
      }
      body = identifiedBody(
        action,
        patch.patch,
        {
          apiVersion: target.apiVersion ?? apiVersionOf(r),
          kind: target.kind ?? r.kind,
          name: target.name,
          namespace,
        },
        ["apiVersion", "kind", "name"],
      );
      break;
    case "json":
      checkJsonPatch(action, patch.patch);
      body = jsonBody(action, patch.patch);
      break;
    case "strategic":
      if (!supportsStrategicMerge(r)) {
        throw new ValidationError(
          `${action}: strategic merge patches work on built-in kinds only; ${r.kind || r.plural} is a custom resource (use merge, json or apply)`,
        );
      }
      body = jsonBody(action, checkObjectBody(action, patch.patch));
      break;
    case "merge":
      body = jsonBody(action, checkObjectBody(action, patch.patch));
      break;
  }
  return {
    method: "PATCH",
    path,
    query: compact({ ...writeQuery(action, params), force: force === true ? true : undefined }),
    headers: { "Content-Type": PATCH_CONTENT_TYPES[type] },
    body,
  };
}

/**
 * Server-side apply: PATCH with application/apply-patch+yaml. The name comes from the
 * configuration's metadata.name.
 *
 * @example
 * applyRequest(Deployment, "prod", { apiVersion: "apps/v1", kind: "Deployment", metadata: { name: "web" } }, { fieldManager: "me" })
 * // PATCH /apis/apps/v1/namespaces/prod/deployments/web?fieldManager=me
 */
export function applyRequest(
  r: ResourceRef,
  namespace: string | undefined,
  config: unknown,
  params: ApplyParams,
  subresource?: string,
): KubeRequest {
  const action = `apply ${describeResource(r)}${subresource ? `/${subresource}` : ""}`;
  const name = nameOf(action, config);
  return patchRequest(r, namespace, { name, subresource }, { type: "apply", patch: config } as Patch, params);
}
