/**
 * The Lease side of leader election (client-go's resourcelock): reading the Lease, noting when
 * this candidate first saw its current record (on the monotonic clock), and taking, renewing or
 * releasing it with compare-and-swap writes. The timing decisions are leader-election.ts's.
 */
import { api } from "../api/client.ts";
import type { Clock } from "../base/clock.ts";
import { isAlreadyExists, isConflict } from "../base/errors.ts";
import { Lease, type LeaseSpec } from "../../generated/k8s/coordination/v1/index.ts";
import { connectionOf, type KubeTarget } from "./kube-target.ts";
import { microTime } from "./object-reference.ts";

/** "acquired": the Lease is ours (taken or renewed); "held": someone else's, not expired; "failed": try again. */
export type Attempt = "acquired" | "held" | "failed";

export interface LeaseLockOptions {
  lease: { name: string; namespace: string };
  identity: string;
  leaseDurationMs: number;
  clock: Clock;
  now: () => Date;
  onNewLeader: (identity: string) => void;
  onError: (error: unknown) => void;
}

interface Observed {
  record: string;
  holder: string;
  durationMs: number;
  /** Monotonic time this candidate first saw this record. */
  at: number;
  resourceVersion: string | undefined;
}

export class LeaseLock {
  readonly #kube: KubeTarget;
  readonly #options: LeaseLockOptions;
  #observed: Observed | undefined;

  constructor(kube: KubeTarget, options: LeaseLockOptions) {
    this.#kube = kube;
    this.#options = options;
  }

  /** The holder last seen ("" when released), undefined before the first read. */
  get holder(): string | undefined {
    return this.#observed?.holder;
  }

  /**
   * Reads the Lease and takes or renews it when it is free, released, ours, or unchanged for a
   * whole lease duration since this candidate first saw its record.
   */
  async tryAcquireOrRenew(signal: AbortSignal): Promise<Attempt> {
    const { identity } = this.#options;
    const leases = this.#leases();
    try {
      const lease = await leases.getOpt(this.#options.lease.name, { signal });
      const now = this.#options.now();
      const seconds = Math.ceil(this.#options.leaseDurationMs / 1000);
      if (!lease) {
        const spec: LeaseSpec = { holderIdentity: identity, leaseDurationSeconds: seconds, acquireTime: microTime(now), renewTime: microTime(now), leaseTransitions: 0 };
        this.#observe(await leases.create({ metadata: { ...this.#options.lease }, spec }, { signal }));
        return "acquired";
      }
      const observed = this.#observe(lease);
      const spec = lease.spec ?? {};
      if (observed.holder !== "" && observed.holder !== identity && observed.at + observed.durationMs > this.#options.clock.now()) return "held";
      const mine = observed.holder === identity;
      const next: LeaseSpec = {
        ...spec,
        holderIdentity: identity,
        leaseDurationSeconds: seconds,
        acquireTime: mine && spec.acquireTime ? spec.acquireTime : microTime(now),
        renewTime: microTime(now),
        leaseTransitions: (spec.leaseTransitions ?? 0) + (mine ? 0 : 1),
      };
      // metadata.resourceVersion makes this a compare-and-swap: 409 if anyone wrote meanwhile.
      this.#observe(await leases.replace({ ...lease, spec: next }, { signal }));
      return "acquired";
    } catch (error) {
      if (!signal.aborted && !isConflict(error) && !isAlreadyExists(error)) this.#options.onError(error);
      return "failed";
    }
  }

  /** Gives the Lease up if it is still ours: an empty holder and a 1 s duration, as client-go's release. */
  async release(signal: AbortSignal): Promise<boolean> {
    if (this.#observed?.holder !== this.#options.identity) return false;
    const leases = this.#leases();
    const now = microTime(this.#options.now());
    try {
      const current = await leases.get(this.#options.lease.name, { signal });
      if (current.spec?.holderIdentity !== this.#options.identity) return false;
      const spec: LeaseSpec = { ...current.spec, holderIdentity: "", leaseDurationSeconds: 1, acquireTime: now, renewTime: now };
      this.#observe(await leases.replace({ ...current, spec }, { signal }));
      return true;
    } catch (error) {
      this.#options.onError(error);
      return false;
    }
  }

  #leases() {
    return api(connectionOf(this.#kube), Lease, { namespace: this.#options.lease.namespace });
  }

  /** Notes the Lease as seen now; the observation time moves only when the record changed. */
  #observe(lease: Lease): Observed {
    const spec = lease.spec ?? {};
    const record = JSON.stringify([spec.holderIdentity ?? "", spec.leaseDurationSeconds, spec.acquireTime, spec.renewTime, spec.leaseTransitions]);
    const previous = this.#observed;
    if (previous && previous.record === record) {
      previous.resourceVersion = lease.metadata?.resourceVersion;
      return previous;
    }
    const holder = spec.holderIdentity ?? "";
    const durationMs = (spec.leaseDurationSeconds ?? Math.ceil(this.#options.leaseDurationMs / 1000)) * 1000;
    const observed: Observed = { record, holder, durationMs, at: this.#options.clock.now(), resourceVersion: lease.metadata?.resourceVersion };
    this.#observed = observed;
    if (holder !== "" && holder !== previous?.holder) this.#options.onNewLeader(holder);
    return observed;
  }
}
