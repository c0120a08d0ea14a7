/**
 * `flux reconcile`, `flux suspend` and `flux resume` as functions. A reconcile request is
 * a merge patch of annotations (as the CLI sends); suspend and resume apply `spec.suspend`
 * by server-side apply under a manager of their own.
 */
import { ValidationError } from "../base/errors.ts";
import { FluxSuspendedError } from "./errors.ts";
import type { FluxContext } from "./context.ts";
import { clientFor } from "./context.ts";
import {
  describeRef,
  fluxApiVersion,
  isReconcilableKind,
  type FluxKind,
  type FluxObject,
  type FluxObjectMap,
  type FluxRef,
  type SuspendableKind,
} from "./kinds.ts";
import { evaluateReadiness, isStaticObject, isSuspended, readinessOutcome } from "./readiness.ts";
import { reconcileAnnotations, reconcileHandled } from "./reconcile-request.ts";
import { isKnownRef, sourceRefOf } from "./source-refs.ts";
import { DEFAULT_FLUX_TIMEOUT_MS, waitForFluxObject, type FluxWaitOptions } from "./wait-ready.ts";

/** How `reconcile` asks and, optionally, waits. */
export interface ReconcileOptions extends FluxWaitOptions {
  /**
   * Wait until the controller has handled this request (status.lastHandledReconcileAt) and
   * finished (no longer progressing); a failure then throws FluxNotReadyError. Default false.
   */
  wait?: boolean;
  /**
   * Reconcile the source first and wait for it (`flux reconcile ks --with-source`): a
   * Kustomization's sourceRef, a HelmRelease's HelmChart (and that chart's repository) or
   * chartRef OCIRepository, a HelmChart's repository. Waits on the source even without `wait`.
   */
  withSource?: boolean;
  /** HelmRelease: force a one-off Helm install/upgrade (`--force`). */
  force?: boolean;
  /** HelmRelease: reset the failure counters (`--reset`). */
  reset?: boolean;
}

/** What a reconcile request led to. */
export interface ReconcileResult<T> {
  /** The object after the request (after the handshake when waited for). */
  object: T;
  /** The token written to reconcile.fluxcd.io/requestedAt; undefined for a static object, which has no reconciler. */
  requestedAt: string | undefined;
  /** Whether status.lastHandledReconcileAt has confirmed the request (only checked when waiting). */
  handled: boolean;
  /** The source's result, with `withSource`. */
  source?: ReconcileResult<FluxObject>;
}

/**
 * Asks the controller to reconcile an object now, optionally waiting for the result.
 *
 * @example
 * const { object } = await reconcile(ctx, { kind: "Kustomization", name: "apps", namespace: "flux-system" }, { wait: true, withSource: true });
 */
export async function reconcile<T extends FluxObject>(ctx: FluxContext, ref: FluxRef, options: ReconcileOptions = {}): Promise<ReconcileResult<T>> {
  if (!isReconcilableKind(ref.kind)) {
    throw new ValidationError(`cannot reconcile ${describeRef(ref)}: ${ref.kind} has no reconciler`);
  }
  // One time budget for the whole call: the source's wait spends from it too.
  const started = Date.now();
  const budget = options.timeoutMs ?? DEFAULT_FLUX_TIMEOUT_MS;
  const remaining = (): number => (budget === 0 ? 0 : Math.max(1, budget - (Date.now() - started)));
  const client = clientFor(ctx, ref);
  const current = (await client.get(ref.name, callOf(options))) as T;
  if (isSuspended(current)) throw new FluxSuspendedError(ref, "reconcile");
  if (isStaticObject(current)) return { object: current, requestedAt: undefined, handled: false };

  let source: ReconcileResult<FluxObject> | undefined;
  if (options.withSource) source = await reconcileSourceOf(ctx, current, { ...options, timeoutMs: remaining() });

  const token = ctx.requestClock.next();
  const annotations = reconcileAnnotations(token, ref.kind === "HelmRelease" ? options : {});
  const patched = (await client.patch(
    ref.name,
    { type: "merge", patch: { metadata: { annotations } } },
    { fieldManager: ctx.fieldManager, ...callOf(options) },
  )) as T;
  if (!options.wait) return { object: patched, requestedAt: token, handled: false, ...(source ? { source } : {}) };

  const failOn = options.failOn ?? "failure";
  const handledAndSettled = (o: T): "done" | "fail" | "wait" =>
    reconcileHandled(o, token) ? readinessOutcome(evaluateReadiness(o), failOn) : "wait";
  const what = `the controller to handle the request of ${token}`;
  const object = await waitForFluxObject<T>(ctx, ref, { ...options, timeoutMs: remaining() }, what, handledAndSettled, budget);
  return { object, requestedAt: token, handled: true, ...(source ? { source } : {}) };
}

async function reconcileSourceOf(ctx: FluxContext, object: FluxObject, options: ReconcileOptions): Promise<ReconcileResult<FluxObject> | undefined> {
  const sourceRef = sourceRefOf(object);
  const owner = `${object.kind} ${object.metadata?.namespace}/${object.metadata?.name}`;
  if (!sourceRef) throw new ValidationError(`cannot reconcile the source of ${owner}: it names none`);
  if (!isKnownRef(sourceRef) || !isReconcilableKind(sourceRef.kind)) {
    throw new ValidationError(`cannot reconcile the source of ${owner}: a ${sourceRef.kind} has no reconciler this SDK can trigger`);
  }
  // A HelmChart is itself built from a repository, which must be fresh first (as the CLI does).
  const nested = sourceRef.kind === "HelmChart";
  // The caller's informer watches the consumer's kind, never the source's.
  const { force: _force, reset: _reset, informer: _informer, ...rest } = options;
  return reconcile<FluxObject>(ctx, sourceRef, { ...rest, wait: true, withSource: nested });
}

/** How `suspend` and `resume` write `spec.suspend`. */
export interface SuspendOptions {
  /** Take `spec.suspend` over from another manager that set it (default true, as `flux suspend` overwrites). */
  force?: boolean;
  signal?: AbortSignal;
  timeoutMs?: number;
}

/**
 * Sets `spec.suspend` by server-side apply as the context's suspend manager. The object is
 * read first, so a missing one is a 404 rather than an attempt to create it, and its uid
 * pins the apply to that object.
 *
 * @example await setSuspended(ctx, { kind: "HelmRelease", name: "podinfo", namespace: "apps" }, true);
 */
export async function setSuspended<K extends SuspendableKind>(
  ctx: FluxContext,
  ref: FluxRef<K>,
  suspend: boolean,
  options: SuspendOptions = {},
): Promise<FluxObjectMap[K]> {
  if ((ref.kind as FluxKind) === "ExternalArtifact") throw new ValidationError(`${describeRef(ref)} cannot be suspended`);
  const client = clientFor(ctx, ref);
  const current = await client.get(ref.name, callOf(options));
  const uid = current.metadata?.uid;
  const config = {
    apiVersion: fluxApiVersion(ref.kind),
    kind: ref.kind,
    metadata: { name: ref.name, namespace: ref.namespace, ...(uid ? { uid } : {}) },
    spec: { suspend },
  };
  return client.apply(config as unknown as Parameters<typeof client.apply>[0], {
    fieldManager: ctx.suspendFieldManager,
    force: options.force ?? true,
    ...callOf(options),
  });
}

function callOf(options: { signal?: AbortSignal | undefined; timeoutMs?: number | undefined }): { signal?: AbortSignal } {
  // timeoutMs bounds the whole wait, not each request, so only the signal is passed on.
  return options.signal ? { signal: options.signal } : {};
}
