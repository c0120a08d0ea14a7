/**
 * `applyManifests`: server-side apply of a batch of objects of any kinds. Namespaces and CRDs
 * go first; custom objects wait until their CRD is Established. Each object gets its own
 * result (created, configured, unchanged) or its own error; an ApplySet prunes what the batch
 * no longer holds, kubectl-compatibly.
 */
import type { Connection } from "../connection/types.ts";
import { api } from "../api/client.ts";
import { ValidationError } from "../base/errors.ts";
import { isRecord, resourceVersionOf, type DynamicObject, type KubeObject } from "../base/object.ts";
import type { AppliedObject, ApplyAction, ApplyResult, FailedObject, PrunedObject } from "./apply-result.ts";
import { asKubeError, isCrd, isFoundation, mapLimit, planSteps, type Step } from "./apply-plan.ts";
import { ApplySet, type ApplySetOptions } from "./applyset.ts";
import { waitEstablished } from "./crd-wait.ts";
import { ApplyError } from "./errors.ts";
import { KindResolver, resourcesOfCrd, type ResourceTables } from "./kinds.ts";
import { sameJson } from "./normalize.ts";
import { CustomResourceDefinition } from "../../generated/k8s/apiextensions/v1/index.ts";

/** A Connection, or anything that holds one (a KubeClient). */
export type ConnectionSource = Connection | { readonly connection: Connection };

/** @internal */
export function connectionOf(target: ConnectionSource): Connection {
  return "send" in target ? target : target.connection;
}

export interface ApplyManifestsOptions {
  /** The field manager that owns what this apply sets (required by server-side apply). */
  fieldManager: string;
  /** Take fields other managers own instead of failing those objects with 409 Conflict. */
  force?: boolean;
  /** Send everything with dryRun=All: the server validates and answers, nothing is stored. */
  dryRun?: boolean;
  /**
   * Namespace of namespaced objects that name none (default: the context's). Given, it is also
   * enforced: an object naming another namespace fails, as with kubectl's --namespace.
   */
  namespace?: string;
  /** Extra resource tables, e.g. the `resources` of a bun-k8s-gen output, tried before discovery. */
  resources?: ResourceTables;
  /** Record the batch as an ApplySet and prune its members that the batch no longer holds. */
  applySet?: ApplySetOptions;
  /** Objects in flight at once (default 4). */
  concurrency?: number;
  /** How long to wait for each CRD of the batch to be Established (default 60 s). */
  crdTimeoutMs?: number;
  signal?: AbortSignal;
}

/** What `object` holds at the places `config` sets: maps narrowed to config's keys, lists and values whole. */
function projectOnto(object: unknown, config: unknown): unknown {
  if (!isRecord(config) || !isRecord(object)) return object;
  return Object.fromEntries(Object.keys(config).map((k) => [k, projectOnto(object[k], config[k])]));
}

/** The field manager's server-side apply entry in managedFields (its fields and when they last changed). */
function applyEntry(object: KubeObject, fieldManager: string): unknown {
  return object.metadata?.managedFields?.find((e) => isRecord(e) && e.manager === fieldManager && e.operation === "Apply" && !e.subresource);
}

/**
 * Whether an apply changed the object. A no-op apply leaves resourceVersion alone, but a
 * controller may write the object between our read and our apply (a Deployment's status, its
 * revision annotation). A change of ours moves our managedFields entry or a value we sent; a
 * dry run has to be judged by those two alone.
 */
function changedByApply(before: KubeObject, after: KubeObject, config: unknown, options: ApplyManifestsOptions): boolean {
  if (!options.dryRun && resourceVersionOf(before) === resourceVersionOf(after)) return false;
  if (!sameJson(applyEntry(before, options.fieldManager), applyEntry(after, options.fieldManager))) return true;
  const sent = secretStringDataAsData(config);
  return !sameJson(projectOnto(before, sent), projectOnto(after, sent));
}

/** A Secret's stringData is stored in data: compare the data keys it writes. */
function secretStringDataAsData(config: unknown): unknown {
  if (!isRecord(config) || config.kind !== "Secret" || !isRecord(config.stringData)) return config;
  const { stringData, ...rest } = config;
  return { ...rest, data: { ...(isRecord(rest.data) ? rest.data : {}), ...stringData } };
}

async function applyOne<T extends KubeObject>(conn: Connection, step: Step<T>, options: ApplyManifestsOptions): Promise<AppliedObject<T>> {
  const resource = step.resource;
  const config = step.config;
  if (!resource || !config) throw new ValidationError("internal: step not prepared");
  const client = api(conn, resource, step.id.namespace === undefined ? {} : { namespace: step.id.namespace });
  const call = options.signal ? { signal: options.signal } : {};
  const before = await client.getOpt(step.id.name, call);
  const after = await client.apply(config, {
    ...call,
    fieldManager: options.fieldManager,
    ...(options.force && { force: true }),
    ...(options.dryRun && { dryRun: true }),
  });
  const action: ApplyAction = !before ? "created" : changedByApply(before, after, config, options) ? "configured" : "unchanged";
  return { id: step.id, action, object: after as unknown as T, origin: step.origin };
}

/**
 * Applies objects with server-side apply and reports each one. Kinds resolve through the
 * generated tables, `options.resources`, CRDs in the batch, then discovery. Namespaces and CRDs
 * are applied first, and custom objects only once their CRD is Established. A failure of one
 * object never stops the others; if any failed, the promise rejects with ApplyError, whose
 * `result` holds every outcome. With `applySet`, members of the set that the batch no longer
 * holds are deleted after a fully successful apply.
 *
 * @example
 * const objects = parseManifests(await readFile("app.yaml", "utf8"), { source: "app.yaml" });
 * const result = await applyManifests(kube, objects, { fieldManager: "gitops", applySet: { parent: { name: "app" } } });
 * for (const r of result.applied) console.log(r.action, r.id.kind, r.id.name);
 */
export async function applyManifests<T extends KubeObject>(
  target: ConnectionSource,
  objects: readonly T[],
  options: ApplyManifestsOptions,
): Promise<ApplyResult<T>> {
  if (!options.fieldManager) throw new ValidationError("applyManifests: fieldManager is required");
  const conn = connectionOf(target);
  const resolver = new KindResolver(conn, options.resources);
  const batchCrds = new Map<string, string>(); // "kind.group" of a custom kind → the CRD's name
  for (const object of objects) {
    if (!isCrd(object)) continue;
    const crd = object as unknown as DynamicObject;
    resolver.addCrd(crd);
    for (const r of resourcesOfCrd(crd)) batchCrds.set(`${r.kind}.${r.group}`, object.metadata?.name ?? "");
  }
  const defaultNamespace = options.namespace ?? conn.namespace;
  const applySet = options.applySet ? new ApplySet(conn, options.applySet, defaultNamespace, options.dryRun === true) : undefined;
  await applySet?.load();
  const steps = await planSteps(objects, resolver, { defaultNamespace, enforcedNamespace: options.namespace, applySet });

  const applied = new Map<number, AppliedObject<T>>();
  const failed = new Map<number, FailedObject>();
  const fail = (step: Step<T>, error: unknown) => failed.set(step.index, { id: step.id, during: "apply", error: asKubeError(error), origin: step.origin });
  const run = (batch: Step<T>[]) =>
    mapLimit(batch, options.concurrency ?? 4, async (step) => {
      if (step.error) return fail(step, step.error);
      try {
        applied.set(step.index, await applyOne(conn, step, options));
      } catch (e) {
        fail(step, e);
      }
    });

  if (applySet) {
    // The parent records the set before any member is applied; its namespace may be one of them.
    const home = steps.filter((s) => s.id.kind === "Namespace" && s.id.apiVersion === "v1" && s.id.name === applySet.parentId.namespace);
    await run(home);
    await applySet.writeParent("superset");
  }
  await run(steps.filter((s) => isFoundation(s) && !applied.has(s.index) && !failed.has(s.index)));
  const appliedCrds = steps.filter((s) => isCrd(s.input) && applied.has(s.index)).map((s) => s.id.name);
  const crdFailures = options.dryRun ? new Map() : await waitEstablished(conn, appliedCrds, { timeoutMs: options.crdTimeoutMs ?? 60_000, signal: options.signal });
  if (appliedCrds.length > 0) resolver.invalidate();
  for (const step of steps) {
    const crd = step.resource && batchCrds.get(`${step.resource.kind}.${step.resource.group}`);
    if (crd === undefined || step.error) continue;
    const notServed = crdFailures.get(crd);
    if (notServed) step.error = notServed;
    else if (options.dryRun && !(await crdExists(conn, crd))) {
      step.error = new ValidationError(`its CRD ${crd} is applied in this dry run only, so the server cannot validate the object yet`);
    }
  }
  await run(steps.filter((s) => !isFoundation(s)));

  const result = {
    applied: steps.flatMap((s) => applied.get(s.index) ?? []),
    failed: steps.flatMap((s) => failed.get(s.index) ?? []),
    pruned: [] as PrunedObject[],
    applySetId: applySet?.id,
    pruneSkipped: undefined as string | undefined,
  };
  if (applySet) {
    if (failed.size > 0) result.pruneSkipped = `${failed.size} object(s) failed to apply, so no member of the set was pruned`;
    else await prune(applySet, resolver, result, options);
  }
  if (result.failed.length > 0) throw new ApplyError(result as unknown as ApplyResult<DynamicObject>);
  return result;
}

async function crdExists(conn: Connection, name: string): Promise<boolean> {
  return (await api(conn, CustomResourceDefinition).getOpt(name)) !== undefined;
}

async function prune<T>(
  applySet: ApplySet,
  resolver: KindResolver,
  result: { applied: AppliedObject<T>[]; failed: FailedObject[]; pruned: PrunedObject[] },
  options: ApplyManifestsOptions,
): Promise<void> {
  const uids = new Set(result.applied.map((a) => (a.object as KubeObject).metadata?.uid ?? "").filter((u) => u !== ""));
  const { prunable, errors } = await applySet.findPrunable(resolver, uids);
  for (const e of errors) {
    result.failed.push({ id: { apiVersion: "", kind: e.groupKind.kind, namespace: undefined, name: "*" }, during: "prune", error: e.error, origin: undefined });
  }
  await mapLimit(prunable, options.concurrency ?? 4, async (member) => {
    try {
      result.pruned.push({ id: member.id, object: await applySet.delete(member) });
    } catch (e) {
      result.failed.push({ id: member.id, during: "prune", error: asKubeError(e), origin: undefined });
    }
  });
  // Narrow the parent to this batch only when every member that should go is gone.
  if (result.failed.length === 0) await applySet.writeParent("latest");
}
