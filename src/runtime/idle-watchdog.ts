/**
 * Health of a watch stream: a half-open connection delivers nothing and never errors, so
 * the watcher gives up on a stream that stays quiet (not even a bookmark) for too long.
 */
import type { Clock } from "../base/clock.ts";

/**
 * Notices when a watch has been waiting for its next event for `ms`. Time the consumer spends
 * on an event does not count. One timer per watch, re-armed lazily, rather than one per event.
 */
export class IdleWatchdog {
  private last: number;
  private timer: unknown;
  private listener: (() => void) | undefined;
  private readonly clock: Clock;
  private readonly ms: number;

  constructor(clock: Clock, ms: number) {
    this.clock = clock;
    this.ms = ms;
    this.last = clock.now();
    if (ms > 0) this.arm(ms);
  }

  /** Starts waiting for an event: `onIdle` runs if none comes within the window. */
  waiting(onIdle: () => void): void {
    this.last = this.clock.now();
    this.listener = onIdle;
  }

  /** An event arrived (or the wait ended). */
  settled(): void {
    this.last = this.clock.now();
    this.listener = undefined;
  }

  stop(): void {
    if (this.timer !== undefined) this.clock.clearTimeout(this.timer);
    this.timer = undefined;
    this.listener = undefined;
  }

  private arm(delay: number): void {
    this.timer = this.clock.setTimeout(() => this.check(), delay);
  }

  private check(): void {
    const quiet = this.clock.now() - this.last;
    const listener = this.listener;
    if (listener && quiet >= this.ms) {
      this.stop();
      listener();
    } else {
      this.arm(listener ? this.ms - quiet : this.ms);
    }
  }
}

/**
 * The next watch event (or batch of events), or "idle" when the watchdog fires first, or "aborted" when `signal`
 * aborts first. Racing keeps the watcher responsive even when a stream ignores cancellation.
 */
export function nextWithin<V>(
  events: AsyncIterator<V>,
  watchdog: IdleWatchdog,
  signal: AbortSignal,
): Promise<IteratorResult<V> | "idle" | "aborted"> {
  if (signal.aborted) return Promise.resolve("aborted");
  return new Promise((resolve, reject) => {
    const settle = (): void => {
      watchdog.settled();
      signal.removeEventListener("abort", onAbort);
    };
    const onAbort = (): void => {
      settle();
      resolve("aborted");
    };
    signal.addEventListener("abort", onAbort, { once: true });
    watchdog.waiting(() => {
      settle();
      resolve("idle");
    });
    events.next().then(
      (result) => {
        settle();
        resolve(result);
      },
      (error: unknown) => {
        settle();
        reject(error);
      },
    );
  });
}
