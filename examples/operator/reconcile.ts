/**
 * What a SecretMirror means, as a reconcile function: its Secret copied into every namespace
 * whose labels match its selector (and no other), its status saying where, and its copies
 * removed when it is deleted (a finalizer keeps it until they are).
 *
 * Every write is decided against a fresh read, never the cache, and made only when something
 * differs, so a second replica that takes over re-reconciles everything without redoing work.
 */
import { isNotFound, type KubeClient } from "../../src/index.ts";
import {
  applyStatus,
  finalizer,
  setCondition,
  type EventRecorder,
  type ReconcileContext,
  type ReconcileResult,
} from "../../src/controller/index.ts";
import { Namespace, Secret } from "../../generated/k8s/core/v1/index.ts";
import { SecretMirror } from "./secret-mirror.ts";

export const FINALIZER = "mirror.bun-k8s.dev/cleanup";
/** Set on every copy: "<namespace>.<name>" of the SecretMirror that made it. */
export const OWNER_LABEL = "mirror.bun-k8s.dev/owner";

/** One change the operator made, for its audit log. */
export interface Change {
  op: "copy" | "delete";
  /** "namespace/name" of the copy. */
  target: string;
  /** "namespace/name" of the SecretMirror. */
  mirror: string;
  /** The source Secret's resourceVersion the copy holds (copies only). */
  sourceVersion?: string;
}

export interface MirrorDeps {
  kube: KubeClient;
  events: EventRecorder;
  fieldManager: string;
  /** Told about every write, after it succeeded. */
  audit: (change: Change) => void;
}

export const ownerOf = (m: { metadata?: { namespace?: string; name?: string } }): string => `${m.metadata?.namespace}.${m.metadata?.name}`;

/**
 * @example controller(kube, SecretMirror, secretMirrorReconciler({ kube, events, fieldManager: "secret-mirror", audit: () => {} }))
 */
export function secretMirrorReconciler(deps: MirrorDeps) {
  return async (mirror: SecretMirror, ctx: ReconcileContext<SecretMirror>): Promise<ReconcileResult | void> => {
    // Deleted and gone: the finalizer saw to the copies before the object could go.
    if (ctx.deleted) return;
    const namespace = mirror.metadata!.namespace!;
    const mirrors = deps.kube.api(SecretMirror, { namespace });
    return finalizer(mirrors, FINALIZER, mirror, {
      apply: (m) => sync(deps, m, ctx.signal),
      cleanup: async (m) => {
        const removed = await prune(deps, m, new Set(), ctx.signal);
        if (removed.length > 0) void deps.events.record(m, { type: "Normal", reason: "Cleaned", action: "Delete", note: `deleted copies in ${removed.join(", ")}` });
        return undefined;
      },
    }, { signal: ctx.signal });
  };
}

async function sync(deps: MirrorDeps, mirror: SecretMirror, signal: AbortSignal): Promise<ReconcileResult | void> {
  const namespace = mirror.metadata!.namespace!;
  const source = await deps.kube.api(Secret, { namespace }).getOpt(mirror.spec.secretName, { signal });
  if (!source) {
    void deps.events.record(mirror, { type: "Warning", reason: "SourceMissing", action: "Copy", note: `Secret ${mirror.spec.secretName} not found in ${namespace}` });
    await writeStatus(deps, mirror, mirror.status?.copies ?? [], { status: "False", reason: "SourceMissing", message: `Secret ${mirror.spec.secretName} not found` }, signal);
    return;
  }
  const selector = mirror.spec.namespaceSelector.matchLabels ?? {};
  const targets = (await deps.kube.api(Namespace).list({ labelSelector: selector, signal })).items
    .filter((n) => n.metadata?.name !== namespace && n.status?.phase !== "Terminating")
    .map((n) => n.metadata!.name!)
    .sort();
  const copied: string[] = [];
  const conflicts: string[] = [];
  for (const target of targets) {
    const secrets = deps.kube.api(Secret, { namespace: target });
    const existing = await secrets.getOpt(mirror.spec.secretName, { signal });
    if (existing && existing.metadata?.labels?.[OWNER_LABEL] !== ownerOf(mirror)) {
      conflicts.push(target); // someone else's Secret of that name: leave it alone
      continue;
    }
    const same = existing && existing.type === source.type && canonical(existing.data ?? {}) === canonical(source.data ?? {});
    if (!same) {
      await secrets.apply(
        {
          apiVersion: "v1",
          kind: "Secret",
          metadata: { name: mirror.spec.secretName, namespace: target, labels: { [OWNER_LABEL]: ownerOf(mirror) } },
          type: source.type ?? "Opaque",
          data: source.data ?? {},
        },
        { fieldManager: deps.fieldManager, force: true, signal },
      );
      deps.audit({ op: "copy", target: `${target}/${mirror.spec.secretName}`, mirror: `${namespace}/${mirror.metadata!.name}`, sourceVersion: source.metadata?.resourceVersion });
      copied.push(target);
    }
  }
  const mine = targets.filter((t) => !conflicts.includes(t));
  const removed = await prune(deps, mirror, new Set(mine), signal);
  if (copied.length > 0 || removed.length > 0) {
    const note = [copied.length && `copied to ${copied.join(", ")}`, removed.length && `removed from ${removed.join(", ")}`].filter(Boolean).join("; ");
    void deps.events.record(mirror, { type: "Normal", reason: "Mirrored", action: "Copy", note, related: source });
  }
  const ready =
    conflicts.length === 0
      ? { status: "True" as const, reason: "Mirrored", message: `${mine.length} copies` }
      : { status: "False" as const, reason: "Conflict", message: `another Secret named ${mirror.spec.secretName} exists in ${conflicts.join(", ")}` };
  await writeStatus(deps, mirror, mine, ready, signal);
}

/** Deletes this mirror's copies outside `keep`; the namespaces it removed them from. */
async function prune(deps: MirrorDeps, mirror: SecretMirror, keep: Set<string>, signal: AbortSignal): Promise<string[]> {
  const copies = await deps.kube.api(Secret).list({ labelSelector: { [OWNER_LABEL]: ownerOf(mirror) }, signal });
  const removed: string[] = [];
  for (const copy of copies.items) {
    const ns = copy.metadata!.namespace!;
    if (keep.has(ns)) continue;
    try {
      await deps.kube.api(Secret, { namespace: ns }).delete(copy.metadata!.name!, { preconditions: { uid: copy.metadata!.uid! }, signal });
      deps.audit({ op: "delete", target: `${ns}/${copy.metadata!.name}`, mirror: `${mirror.metadata!.namespace}/${mirror.metadata!.name}` });
      removed.push(ns);
    } catch (error) {
      if (!isNotFound(error)) throw error;
    }
  }
  return removed.sort();
}

async function writeStatus(
  deps: MirrorDeps,
  mirror: SecretMirror,
  copies: string[],
  ready: { status: "True" | "False"; reason: string; message: string },
  signal: AbortSignal,
): Promise<void> {
  const generation = mirror.metadata?.generation;
  const conditions = setCondition(mirror.status?.conditions, { type: "Ready", ...ready, observedGeneration: generation });
  const next = { observedGeneration: generation, copies, conditions };
  // Unchanged status: no write, so our own status update does not wake us forever.
  const current = { observedGeneration: mirror.status?.observedGeneration, copies: mirror.status?.copies ?? [], conditions: mirror.status?.conditions ?? [] };
  if (canonical(next) === canonical(current)) return;
  await applyStatus(deps.kube.api(SecretMirror, { namespace: mirror.metadata!.namespace! }), mirror, next, { fieldManager: deps.fieldManager, signal });
}

/** JSON with object keys sorted: the server returns custom objects' keys in its own order. */
function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v && typeof v === "object" && !Array.isArray(v) ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : 1))) : v,
  );
}
