/**
 * The Flux toolkit's own errors. They extend KubeError, so `instanceof KubeError` still
 * catches every failure the SDK reports.
 */
import { KubeError } from "../base/errors.ts";

/** Which Flux object an error is about. */
export interface FluxObjectIdentity {
  kind: string;
  name: string;
  namespace: string;
}

/**
 * A Flux object reported that it will not become ready: Stalled=True, or Ready=False for
 * its current generation. `reason` and `conditionMessage` are the condition's, as the
 * controller wrote them.
 */
export class FluxNotReadyError extends KubeError {
  readonly object: FluxObjectIdentity;
  readonly reason: string;
  readonly conditionMessage: string;
  /** Stalled=True: the controller gave up until the spec changes. */
  readonly stalled: boolean;
  constructor(object: FluxObjectIdentity, condition: { reason?: string | undefined; message?: string | undefined; stalled: boolean }) {
    const reason = condition.reason || "Unknown";
    const detail = condition.message ?? "";
    super(
      `${object.kind} ${object.namespace}/${object.name} is not ready: ` +
        `${condition.stalled ? "Stalled=True" : "Ready=False"} (${reason})${detail ? `: ${detail}` : ""}`,
    );
    this.object = object;
    this.reason = reason;
    this.conditionMessage = detail;
    this.stalled = condition.stalled;
  }
}

/** An operation needs a Flux object to be reconciled, but `spec.suspend` is true. */
export class FluxSuspendedError extends KubeError {
  readonly object: FluxObjectIdentity;
  constructor(object: FluxObjectIdentity, action: string) {
    super(`cannot ${action} ${object.kind} ${object.namespace}/${object.name}: it is suspended (resume it first)`);
    this.object = object;
  }
}
