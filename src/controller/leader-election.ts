/**
 * Leader election on a coordination.k8s.io/v1 Lease, with client-go's semantics and defaults
 * (lease 15 s, renew deadline 10 s, retry 2 s):
 * - candidates read the Lease every retry period (plus up to 20 % jitter) and take it when it is
 *   free, released, or unchanged for a whole lease duration as THEY observed it (their own
 *   monotonic clock, never the holder's timestamps);
 * - every write is a compare-and-swap on resourceVersion, so two candidates never both win;
 * - the leader renews every retry period and stops acting (its signal aborts) as soon as no
 *   renewal has succeeded for `renewDeadlineMs`, measured on the monotonic clock from the start of
 *   the last successful renewal. Others wait a full lease duration from when they saw that
 *   renewal, so with renewDeadline < leaseDuration the old leader has stopped before anyone else
 *   starts: across API server restarts and stalled connections alike;
 * - on a clean stop the leader stops acting, waits for its work to end, and releases the Lease
 *   (empty holder, as client-go's ReleaseOnCancel) so a successor need not wait.
 */
import { combineSignals, whenAborted } from "../base/abort.ts";
import { sleep, systemClock, type Clock } from "../base/clock.ts";
import { KubeError, ValidationError } from "../base/errors.ts";
import type { KubeTarget } from "./kube-target.ts";
import { LeaseLock } from "./lease-lock.ts";

/** Options of leader election: the Lease, this candidate's identity, the timings and the leading callbacks. */
export interface LeaderElectionOptions {
  /** The Lease to hold. */
  lease: { name: string; namespace: string };
  /** This candidate, unique among them (e.g. pod name, or hostname + pid). */
  identity: string;
  /** How long others wait after they last saw the Lease change before taking it. Default 15 000. */
  leaseDurationMs?: number;
  /** The leader stops when no renewal succeeded for this long. Default 10 000; must be < leaseDurationMs. */
  renewDeadlineMs?: number;
  /** Time between attempts. Default 2 000; renewDeadlineMs must exceed 1.2 × this. */
  retryPeriodMs?: number;
  /** Called on winning; `signal` aborts when leadership ends. Stop all work when it does. */
  onStartedLeading: (signal: AbortSignal) => void | Promise<void>;
  /** Called when leadership ends (lost, or stopped). */
  onStoppedLeading?: () => void;
  /** Called when the observed holder changes (including to this candidate). */
  onNewLeader?: (identity: string) => void;
  /** Told about failed attempts (they are retried). */
  onError?: (error: Error) => void;
  /** Release the Lease when `run`'s signal aborts. Default true. */
  releaseOnCancel?: boolean;
  /** The monotonic clock every decision is measured on. */
  clock?: Clock;
  /** Wall time written into the Lease (acquireTime, renewTime). */
  now?: () => Date;
  /** Jitter source for the retry period (default Math.random); tests pass a fixed one. */
  random?: () => number;
}

/** client-go's defaults: lease 15 s, renew deadline 10 s, retry period 2 s. */
export const LEADER_ELECTION_DEFAULTS = { leaseDurationMs: 15_000, renewDeadlineMs: 10_000, retryPeriodMs: 2_000 } as const;

/** client-go's JitterFactor: renewDeadline must exceed retryPeriod by this factor. */
const JITTER_FACTOR = 1.2;

/** What an elector did: acquisitions, renewals, failed attempts, leadership lost and released. */
export interface LeaderElectionStats {
  acquisitions: number;
  renewals: number;
  /** Attempts that failed (unreachable server, conflict, timeout). */
  failedAttempts: number;
  /** Leaderships that ended without a clean stop. */
  losses: number;
  releases: number;
}

/**
 * @example
 * const elector = leaderElector(kube, {
 *   lease: { name: "secret-mirror", namespace: "operators" },
 *   identity: `${hostname()}-${process.pid}`,
 *   onStartedLeading: (signal) => ctl.run(signal, { drainTimeoutMs: 0 }),
 * });
 * await elector.run(shutdownSignal); // campaigns, leads, and releases on shutdown
 */
export function leaderElector(kube: KubeTarget, options: LeaderElectionOptions): LeaderElector {
  return new LeaderElector(kube, options);
}

/** Leader election on a coordination.k8s.io/v1 Lease with client-go's semantics. Make one with leaderElector(). */
export class LeaderElector {
  readonly identity: string;
  readonly leaseDurationMs: number;
  readonly renewDeadlineMs: number;
  readonly retryPeriodMs: number;
  readonly stats: LeaderElectionStats = { acquisitions: 0, renewals: 0, failedAttempts: 0, losses: 0, releases: 0 };
  readonly #options: LeaderElectionOptions;
  readonly #clock: Clock;
  readonly #lock: LeaseLock;
  /** Monotonic start of the last successful write while leading; undefined when not leading. */
  #renewedAt: number | undefined;
  #leading: AbortController | undefined;
  #running = false;

  constructor(kube: KubeTarget, options: LeaderElectionOptions) {
    const lease = options.leaseDurationMs ?? LEADER_ELECTION_DEFAULTS.leaseDurationMs;
    const renew = options.renewDeadlineMs ?? LEADER_ELECTION_DEFAULTS.renewDeadlineMs;
    const retry = options.retryPeriodMs ?? LEADER_ELECTION_DEFAULTS.retryPeriodMs;
    if (!(retry > 0)) throw new ValidationError(`leader election: retryPeriodMs must be positive, got ${retry}`);
    if (!(lease > renew)) throw new ValidationError(`leader election: leaseDurationMs (${lease}) must be greater than renewDeadlineMs (${renew})`);
    if (!(renew > JITTER_FACTOR * retry)) {
      throw new ValidationError(`leader election: renewDeadlineMs (${renew}) must be greater than ${JITTER_FACTOR} × retryPeriodMs (${retry})`);
    }
    if (!options.identity) throw new ValidationError("leader election: identity must not be empty");
    if (!options.lease?.name || !options.lease.namespace) throw new ValidationError("leader election: lease needs a name and a namespace");
    this.identity = options.identity;
    this.leaseDurationMs = lease;
    this.renewDeadlineMs = renew;
    this.retryPeriodMs = retry;
    this.#options = options;
    this.#clock = options.clock ?? systemClock;
    this.#lock = new LeaseLock(kube, {
      lease: options.lease,
      identity: options.identity,
      leaseDurationMs: lease,
      clock: this.#clock,
      now: options.now ?? (() => new Date()),
      onNewLeader: (holder) => this.#call(() => options.onNewLeader?.(holder)),
      onError: (error) => this.#report(error),
    });
  }

  /** Leading now: won, not stopped, and the last renewal is younger than the renew deadline. */
  get isLeader(): boolean {
    return this.#renewedAt !== undefined && this.#leading?.signal.aborted === false && this.#clock.now() - this.#renewedAt < this.renewDeadlineMs;
  }

  /** The holder this candidate last saw ("" when the Lease was released). */
  get leader(): string | undefined {
    return this.#lock.holder;
  }

  /** Campaigns and leads until `signal` aborts; resolves after stepping down (and releasing). */
  async run(signal: AbortSignal): Promise<void> {
    if (this.#running) throw new ValidationError(`leader election for ${this.identity} is already running`);
    this.#running = true;
    try {
      while (!signal.aborted) {
        const acquiredAt = await this.#acquire(signal);
        if (acquiredAt === undefined) return;
        await this.#lead(acquiredAt, signal);
      }
    } finally {
      this.#running = false;
    }
  }

  /** Tries every retry period (jittered) until the Lease is ours; the start time of the winning attempt. */
  async #acquire(signal: AbortSignal): Promise<number | undefined> {
    const random = this.#options.random ?? Math.random;
    while (!signal.aborted) {
      const started = this.#clock.now();
      const attempt = this.#bounded(signal, this.renewDeadlineMs);
      const result = await this.#lock.tryAcquireOrRenew(attempt.signal).finally(attempt.dispose);
      if (result === "acquired" && !signal.aborted) return started;
      if (result === "failed") this.stats.failedAttempts++;
      const delay = this.retryPeriodMs * (1 + random() * (JITTER_FACTOR - 1));
      if (!(await sleep(delay, this.#clock, signal))) return undefined;
    }
    return undefined;
  }

  async #lead(acquiredAt: number, signal: AbortSignal): Promise<void> {
    const leading = new AbortController();
    this.#leading = leading;
    this.#renewedAt = acquiredAt;
    this.stats.acquisitions++;
    let deadline: unknown;
    const stop = (why: string, lost: boolean): void => {
      if (leading.signal.aborted) return;
      this.#clock.clearTimeout(deadline);
      leading.abort(new DOMException(`leadership of ${this.identity} ended: ${why}`, "AbortError"));
      this.#renewedAt = undefined;
      if (lost) this.stats.losses++;
      this.#call(() => this.#options.onStoppedLeading?.());
    };
    const arm = (): void => {
      this.#clock.clearTimeout(deadline);
      const remaining = (this.#renewedAt ?? acquiredAt) + this.renewDeadlineMs - this.#clock.now();
      deadline = this.#clock.setTimeout(() => stop("no renewal within the renew deadline", true), Math.max(0, remaining));
    };
    arm();
    const work = Promise.resolve()
      .then(() => this.#options.onStartedLeading(leading.signal))
      .then(
        () => true,
        (error: unknown) => (this.#report(error), true),
      );
    const { signal: either, dispose } = combineSignals(signal, leading.signal);
    try {
      while (!either.aborted) {
        if (!(await sleep(this.retryPeriodMs, this.#clock, either))) break;
        const started = this.#clock.now();
        const result = await this.#lock.tryAcquireOrRenew(either);
        // The deadline may have passed while the attempt ran: a late success does not revive us.
        if (either.aborted) break;
        if (result === "acquired") {
          this.#renewedAt = started;
          this.stats.renewals++;
          arm();
        } else if (result === "failed") {
          this.stats.failedAttempts++;
        } else {
          stop(`the Lease is held by ${this.#lock.holder ?? "another candidate"}`, true);
        }
      }
    } finally {
      dispose();
    }
    const clean = signal.aborted && !leading.signal.aborted;
    stop("stopped", false);
    // Work still running may still act: wait for it (bounded by the renew deadline before a release).
    const waited = new AbortController();
    const finished = await Promise.race([work, sleep(this.renewDeadlineMs, this.#clock, waited.signal).then(() => false)]);
    waited.abort(); // no timer left behind to hold the process open
    if (clean && finished && (this.#options.releaseOnCancel ?? true)) {
      const bounded = this.#bounded(undefined, this.renewDeadlineMs);
      if (await this.#lock.release(bounded.signal).finally(bounded.dispose)) this.stats.releases++;
    }
    if (!signal.aborted) await Promise.race([work, whenAborted(signal)]);
    this.#leading = undefined;
  }

  /** A signal that aborts with `parent` or after `ms` on the clock. */
  #bounded(parent: AbortSignal | undefined, ms: number): { signal: AbortSignal; dispose(): void } {
    const timeout = new AbortController();
    const timer = this.#clock.setTimeout(() => timeout.abort(new DOMException("leader election attempt timed out", "TimeoutError")), ms);
    const combined = combineSignals(parent, timeout.signal);
    return {
      signal: combined.signal,
      dispose: () => {
        this.#clock.clearTimeout(timer);
        combined.dispose();
      },
    };
  }

  #call(fn: () => void): void {
    try {
      fn();
    } catch (error) {
      this.#report(error);
    }
  }

  #report(error: unknown): void {
    try {
      this.#options.onError?.(error instanceof Error ? error : new KubeError(String(error)));
    } catch {
      // Nowhere left to report to.
    }
  }
}

