/**
 * Waiting on a Flux object through an informer (one watch on just that object, by field
 * selector), so the wait reacts to each status write instead of polling.
 */
import { WaitTimeoutError } from "../base/errors.ts";
import { FluxNotReadyError } from "./errors.ts";
import { api } from "../api/client.ts";
import type { ResourceType } from "../base/resource.ts";
import { informer, type Informer } from "../runtime/informer.ts";
import type { FluxContext } from "./context.ts";
import { describeRef, FLUX_RESOURCES, type FluxObject, type FluxRef } from "./kinds.ts";
import { describeReadiness, evaluateReadiness, readinessOutcome, type FailOn } from "./readiness.ts";

/** flux's own default for --timeout. */
export const DEFAULT_FLUX_TIMEOUT_MS = 5 * 60_000;

/** How long and for what a Flux wait waits. */
export interface FluxWaitOptions {
  /** Give up after this long with WaitTimeoutError (default 5 minutes; 0: no limit). */
  timeoutMs?: number;
  signal?: AbortSignal;
  /**
   * What ends the wait early with FluxNotReadyError: "failure" (default) is Stalled=True or
   * Ready=False for the current generation, except reasons that mean "waiting on a
   * dependency or source" (see WAITING_REASONS); "stalled" waits through Ready=False while
   * the controller retries, as `flux` does.
   */
  failOn?: FailOn;
  /**
   * An informer already watching this kind (in the object's namespace or all namespaces)
   * to wait on instead of starting one. It is left running.
   */
  informer?: Informer<FluxObject>;
}

/**
 * Waits until `decide` says done or fail for the object, via an informer. Fail throws
 * FluxNotReadyError with the object's condition; a timeout throws WaitTimeoutError naming
 * the object and the last state seen.
 */
export async function waitForFluxObject<T extends FluxObject>(
  ctx: FluxContext,
  ref: FluxRef,
  options: FluxWaitOptions,
  what: string,
  decide: (object: T) => "done" | "fail" | "wait",
  /** The caller's whole time budget, for the message, when this wait gets only what is left of it. */
  budgetMs?: number,
): Promise<T> {
  const own = options.informer === undefined;
  const inf = (options.informer ??
    informer<FluxObject>(api(ctx.conn, FLUX_RESOURCES[ref.kind] as ResourceType<FluxObject, true, string>, { namespace: ref.namespace }), {
      fieldSelector: { "metadata.name": ref.name },
    })) as Informer<T>;
  const timeoutMs = options.timeoutMs ?? DEFAULT_FLUX_TIMEOUT_MS;
  const isTarget = (object: T): boolean => object.kind === undefined || object.kind === ref.kind;
  try {
    const object = await inf.waitFor(
      { name: ref.name, namespace: ref.namespace },
      (o) => isTarget(o) && decide(o) !== "wait",
      { timeoutMs, ...(options.signal ? { signal: options.signal } : {}) },
    );
    if (decide(object) === "fail") {
      const readiness = evaluateReadiness(object);
      throw new FluxNotReadyError(ref, { reason: readiness.reason, message: readiness.message, stalled: readiness.state === "stalled" });
    }
    return object;
  } catch (error) {
    if (!(error instanceof WaitTimeoutError) || error instanceof FluxNotReadyError) throw error;
    const last = inf.store.get(ref.name, ref.namespace);
    const seen = last ? describeReadiness(evaluateReadiness(last)) : "the object does not exist";
    throw new WaitTimeoutError(`${describeRef(ref)}: gave up after ${budgetMs ?? timeoutMs} ms waiting for ${what}; last seen: ${seen}`, {}, { cause: error });
  } finally {
    if (own) inf.stop();
  }
}

/**
 * Waits until the object is ready (Ready=True for its current generation).
 *
 * @example const repo = await waitForReady(ctx, { kind: "GitRepository", name: "podinfo", namespace: "flux-system" }, { timeoutMs: 60_000 });
 */
export function waitForReady<T extends FluxObject>(ctx: FluxContext, ref: FluxRef, options: FluxWaitOptions = {}): Promise<T> {
  const failOn = options.failOn ?? "failure";
  return waitForFluxObject<T>(ctx, ref, options, "it to become ready", (o) => readinessOutcome(evaluateReadiness(o), failOn));
}
