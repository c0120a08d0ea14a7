/**
 * The reconcile handshake (pure). A client asks for a reconciliation by writing a token to
 * the `reconcile.fluxcd.io/requestedAt` annotation; the controller, when it has acted on
 * it, copies the token to `status.lastHandledReconcileAt`. `flux reconcile` writes the
 * current time in Go's RFC3339Nano layout, and so do we.
 */
import type { FluxObjectLike } from "./readiness.ts";

/** The annotation whose new value asks a controller to reconcile now (`flux reconcile`). */
export const RECONCILE_REQUEST_ANNOTATION = "reconcile.fluxcd.io/requestedAt";
/** HelmRelease only: run a one-off Helm install/upgrade even without changes (`flux reconcile hr --force`). */
export const FORCE_REQUEST_ANNOTATION = "reconcile.fluxcd.io/forceAt";
/** HelmRelease only: reset the failure counters (`flux reconcile hr --reset`). */
export const RESET_REQUEST_ANNOTATION = "reconcile.fluxcd.io/resetAt";

const NANOS_PER_MS = 1_000_000n;
const NANOS_PER_SECOND = 1_000_000_000n;

/**
 * Formats nanoseconds since the epoch like Go's `time.RFC3339Nano` in UTC: the fraction
 * has its trailing zeros removed, and is left out entirely when zero.
 *
 * @example formatRfc3339Nano(1_700_000_000_123_400_000n) // "2023-11-14T22:13:20.1234Z"
 */
export function formatRfc3339Nano(epochNanos: bigint): string {
  let seconds = epochNanos / NANOS_PER_SECOND;
  let nanos = epochNanos % NANOS_PER_SECOND;
  if (nanos < 0n) {
    nanos += NANOS_PER_SECOND;
    seconds -= 1n;
  }
  const base = new Date(Number(seconds) * 1000).toISOString().slice(0, 19);
  const fraction = nanos === 0n ? "" : `.${nanos.toString().padStart(9, "0").replace(/0+$/, "")}`;
  return `${base}${fraction}Z`;
}

/**
 * Hands out request timestamps that strictly increase within this process, so two
 * requests in the same millisecond still differ (an unchanged annotation would not
 * trigger the controller again, and two waits could not tell their requests apart).
 */
export class RequestClock {
  #last = 0n;
  private readonly nowMs: () => number;

  constructor(nowMs: () => number = Date.now) {
    this.nowMs = nowMs;
  }

  /** @example new RequestClock().next() // "2025-03-01T10:00:00.123000001Z" on a second call in that ms */
  next(): string {
    let nanos = BigInt(Math.trunc(this.nowMs())) * NANOS_PER_MS;
    if (nanos <= this.#last) nanos = this.#last + 1n;
    this.#last = nanos;
    return formatRfc3339Nano(nanos);
  }
}

/**
 * Whether the controller has handled the request written as `token`: it echoed the token,
 * or someone requested again after us and that later request (which covers ours) was
 * handled.
 *
 * @example reconcileHandled(repo, "2025-03-01T10:00:00.123Z") // true once status.lastHandledReconcileAt matches
 */
export function reconcileHandled(object: FluxObjectLike, token: string): boolean {
  const handled = object.status?.lastHandledReconcileAt;
  if (handled === undefined) return false;
  if (handled === token) return true;
  const requested = object.metadata?.annotations?.[RECONCILE_REQUEST_ANNOTATION];
  return requested !== undefined && requested !== token && handled === requested;
}

/** The annotations one reconcile request writes. */
export function reconcileAnnotations(
  token: string,
  helmRelease: { force?: boolean | undefined; reset?: boolean | undefined } = {},
): Record<string, string> {
  const annotations: Record<string, string> = { [RECONCILE_REQUEST_ANNOTATION]: token };
  if (helmRelease.force) annotations[FORCE_REQUEST_ANNOTATION] = token;
  if (helmRelease.reset) annotations[RESET_REQUEST_ANNOTATION] = token;
  return annotations;
}
