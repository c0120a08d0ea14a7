/**
 * `diffManifests`: what `applyManifests` would change, asked of the server itself. Each object is
 * applied with dryRun=All and compared with the live object: a unified diff of the YAML, the
 * changed fields with the field managers that own them now, and the fields a non-forced apply
 * would conflict on (from the 409 the server answers). With an ApplySet, the members that would
 * be pruned are listed too. Secret values are masked, as kubectl diff masks them.
 */
import type { Connection } from "../connection/types.ts";
import { api } from "../api/client.ts";
import { ApiError, ValidationError } from "../base/errors.ts";
import type { DynamicObject, KubeObject } from "../base/object.ts";
import type { FailedObject } from "./apply-result.ts";
import { asKubeError, mapLimit, planSteps, type Step } from "./apply-plan.ts";
import { ApplySet, type ApplySetOptions } from "./applyset.ts";
import { connectionOf, type ConnectionSource } from "./apply.ts";
import { fieldChanges, type FieldChange } from "./field-changes.ts";
import { KindResolver, type ResourceTables } from "./kinds.ts";
import { managedFieldsOf, ownersOf, type FieldManager } from "./managed-fields.ts";
import { comparable, maskSecrets, sameJson } from "./normalize.ts";
import { describeObject, objectIdKey, type ObjectId } from "./object-id.ts";
import type { ManifestOrigin } from "./parse.ts";
import { unifiedDiff } from "./text-diff.ts";
import { toYaml } from "./yaml-text.ts";

/** How `diffManifests` runs its server-side dry run (the same options an apply takes). */
export interface DiffManifestsOptions {
  /** The field manager the apply would use: ownership and conflicts are computed for it. */
  fieldManager: string;
  /** Diff as a forced apply; conflicts are still reported. */
  force?: boolean;
  namespace?: string;
  resources?: ResourceTables;
  /** Also list the members of this ApplySet that the apply would prune (the parent is only read). */
  applySet?: ApplySetOptions;
  concurrency?: number;
  signal?: AbortSignal;
}

/** A field another manager holds, which an apply without force would fail on. */
export interface FieldConflict {
  /** As the server prints it, e.g. ".spec.replicas". */
  readonly path: string;
  readonly manager: string;
  /** The server's cause message, e.g. `conflict with "kubectl-client-side-apply" using apps/v1`. */
  readonly message: string;
}

export interface ChangedField extends FieldChange {
  /** Who owns the field in the live object now (empty for a new field). */
  readonly owners: readonly FieldManager[];
  /** Set when an apply without force would fail on this field. */
  readonly conflict: FieldConflict | undefined;
}

/** create: not there yet; update: the apply changes it; unchanged: a no-op; prune: the ApplySet would delete it. */
export type DiffAction = "create" | "update" | "unchanged" | "prune";

/** One object's diff: the text diff of live against applied, the changed fields with their owners, and the conflicts. */
export interface ObjectDiff {
  readonly id: ObjectId;
  readonly action: DiffAction;
  readonly origin: ManifestOrigin | undefined;
  /** Unified diff of the live and the applied object as YAML; "" when unchanged. */
  readonly diff: string;
  readonly changes: readonly ChangedField[];
  /** Every conflict the server reported (an apply without force fails when there is any). */
  readonly conflicts: readonly FieldConflict[];
  /** The live object without server bookkeeping, Secret values masked. */
  readonly live: DynamicObject | undefined;
  /** The object as the apply would leave it, likewise. */
  readonly applied: DynamicObject | undefined;
}

/** Everything one `diffManifests` call found, object by object, and the objects that failed. */
export interface DiffResult {
  readonly objects: readonly ObjectDiff[];
  /** Objects the server would refuse (invalid, forbidden, unknown kind). */
  readonly failed: readonly FailedObject[];
}

const CONFLICT_MANAGER = /^conflict with "((?:[^"\\]|\\.)*)"/;

/** The FieldManagerConflict causes of a 409 from server-side apply; [] for any other error. */
export function conflictsOf(error: unknown): FieldConflict[] {
  if (!(error instanceof ApiError) || error.code !== 409) return [];
  return (error.details?.causes ?? [])
    .filter((c) => c.reason === "FieldManagerConflict")
    .map((c) => {
      const quoted = CONFLICT_MANAGER.exec(c.message ?? "")?.[1];
      let manager = quoted ?? "";
      try {
        if (quoted !== undefined) manager = JSON.parse(`"${quoted}"`) as string;
      } catch {
        // keep the raw text
      }
      return { path: c.field ?? "", manager, message: c.message ?? "" };
    });
}

function related(a: string, b: string): boolean {
  return a === b || a.startsWith(`${b}.`) || a.startsWith(`${b}[`) || b.startsWith(`${a}.`) || b.startsWith(`${a}[`);
}

function objectDiff(id: ObjectId, origin: ManifestOrigin | undefined, live: DynamicObject | undefined, applied: DynamicObject | undefined, conflicts: FieldConflict[], forPrune = false): ObjectDiff {
  const [before, after] = maskSecrets(live && comparable(live), applied && comparable(applied));
  const action: DiffAction = forPrune ? "prune" : !live ? "create" : sameJson(before, after) ? "unchanged" : "update";
  const sets = [...managedFieldsOf(live), ...managedFieldsOf(applied)].map((m) => m.fields);
  const changes = action === "unchanged" ? [] : fieldChanges(before, after, sets).map((c) => ({
    ...c,
    owners: ownersOf(live, c.elements),
    conflict: conflicts.find((x) => related(c.path, x.path)),
  }));
  const name = describeObject(id);
  const diff = action === "unchanged" ? "" : unifiedDiff(before ? toYaml(before) : "", after ? toYaml(after) : "", `live ${name}`, `applied ${name}`);
  return { id, action, origin, diff, changes, conflicts, live: before, applied: after };
}

async function diffOne(conn: Connection, step: Step<KubeObject>, options: DiffManifestsOptions): Promise<ObjectDiff> {
  const { resource, config } = step;
  if (!resource || !config) throw new ValidationError("internal: step not prepared");
  const client = api(conn, resource, step.id.namespace === undefined ? {} : { namespace: step.id.namespace });
  const call = options.signal ? { signal: options.signal } : {};
  const live = await client.getOpt(step.id.name, call);
  const dryRun = (force: boolean) => client.apply(config, { ...call, fieldManager: options.fieldManager, dryRun: true, ...(force && { force: true }) });
  let applied: DynamicObject;
  let conflicts: FieldConflict[] = [];
  try {
    applied = await dryRun(false);
  } catch (e) {
    conflicts = conflictsOf(e);
    if (conflicts.length === 0) throw e;
    applied = await dryRun(true);
  }
  return objectDiff(step.id, step.origin, live, applied, conflicts);
}

/**
 * Diffs objects against the cluster without changing anything: the same resolution, ordering
 * rules and namespace defaults as `applyManifests`, each object applied with dryRun=All.
 *
 * @example
 * const result = await diffManifests(kube, parseManifests(text), { fieldManager: "gitops" });
 * console.log(formatDiff(result));
 */
export async function diffManifests(target: ConnectionSource, objects: readonly KubeObject[], options: DiffManifestsOptions): Promise<DiffResult> {
  if (!options.fieldManager) throw new ValidationError("diffManifests: fieldManager is required");
  const conn = connectionOf(target);
  const resolver = new KindResolver(conn, options.resources);
  const defaultNamespace = options.namespace ?? conn.namespace;
  const applySet = options.applySet ? new ApplySet(conn, options.applySet, defaultNamespace, true) : undefined;
  await applySet?.load();
  const steps = await planSteps(objects, resolver, { defaultNamespace, enforcedNamespace: options.namespace, applySet });
  const failed: FailedObject[] = [];
  const diffs = await mapLimit(steps, options.concurrency ?? 4, async (step): Promise<ObjectDiff | undefined> => {
    try {
      if (step.error) throw step.error;
      return await diffOne(conn, step, options);
    } catch (e) {
      failed.push({ id: step.id, during: "apply", error: asKubeError(e), origin: step.origin });
      return undefined;
    }
  });
  const result = diffs.filter((d): d is ObjectDiff => d !== undefined);
  if (applySet) {
    // Without applying there are no new uids: a member is kept when the batch names it.
    const named = new Set(steps.map((s) => objectIdKey(s.id)));
    const { prunable, errors } = await applySet.findPrunable(resolver, new Set());
    for (const e of errors) failed.push({ id: { apiVersion: "", kind: e.groupKind.kind, namespace: undefined, name: "*" }, during: "prune", error: e.error, origin: undefined });
    for (const member of prunable) {
      if (named.has(objectIdKey(member.id))) continue;
      const client = api(conn, member.resource, member.id.namespace === undefined ? {} : { namespace: member.id.namespace });
      const live = await client.getOpt(member.id.name);
      if (live) result.push(objectDiff(member.id, undefined, live, undefined, [], true));
    }
  }
  return { objects: result, failed };
}

const SIGN: Record<DiffAction, string> = { create: "+", update: "~", unchanged: "=", prune: "-" };

function show(value: unknown): string {
  if (value === undefined) return "(none)";
  const text = JSON.stringify(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

/**
 * A diff result as text: per object its action and unified diff, then each changed field with
 * its current owners and any conflict.
 *
 * @example console.log(formatDiff(await diffManifests(kube, objects, { fieldManager: "gitops" })));
 */
export function formatDiff(result: DiffResult): string {
  const out: string[] = [];
  for (const d of result.objects) {
    out.push(`${SIGN[d.action]} ${d.action} ${describeObject(d.id)}`);
    if (d.action === "unchanged") continue;
    if (d.diff) out.push(d.diff.trimEnd());
    for (const c of d.action === "update" ? d.changes : []) {
      const owners = c.owners.map((o) => `${o.manager} (${o.operation}${o.subresource ? ` ${o.subresource}` : ""})`).join(", ") || "no one";
      const conflict = c.conflict ? `; CONFLICT with "${c.conflict.manager}": an apply without force fails` : "";
      out.push(`    ${c.path}: ${show(c.before)} -> ${show(c.after)}, owned by ${owners}${conflict}`);
    }
  }
  for (const f of result.failed) out.push(`! ${f.during} failed ${describeObject(f.id)}: ${f.error.message}`);
  return out.length === 0 ? "" : `${out.join("\n")}\n`;
}
