/**
 * What the watcher and the poller share: single use, status fields, a backoff wrapper and
 * an internal abort signal that ends in-flight requests when the consumer stops.
 */
import { ApiError, KubeError, TransportError, ValidationError, type ErrorSite } from "../base/errors.ts";
import { defaultBackoff, withBackoff, type Backoff } from "../base/backoff.ts";
import { systemClock, type Clock } from "../base/clock.ts";
import { emptyStats, type Watcher, type WatcherEvent, type WatcherStats, type WatchMode } from "./watcher-events.ts";

export interface EventSourceOptions {
  /** Pacing after ERROR events. Default: defaultBackoff(). false: no delay (tests only: it spins). */
  backoff?: Backoff | false;
  clock?: Clock;
  /** Aborting ends the iteration cleanly and cancels the request in flight. */
  signal?: AbortSignal;
}

export abstract class EventSource<T> implements Watcher<T> {
  mode: WatchMode | undefined;
  resourceVersion: string | undefined;
  readonly stats: WatcherStats = emptyStats();
  protected readonly clock: Clock;
  private readonly backoff: Backoff | false;
  private readonly signal: AbortSignal | undefined;
  private started = false;

  constructor(options: EventSourceOptions) {
    this.clock = options.clock ?? systemClock;
    this.backoff = options.backoff ?? defaultBackoff(this.clock);
    this.signal = options.signal;
  }

  [Symbol.asyncIterator](): AsyncIterator<WatcherEvent<T>> {
    return eventsOf(this.batches());
  }

  /**
   * The same events in batches (those that one network chunk or one list gave), each with no
   * promise of its own: what informers read. Like the event iterator, it can be taken once.
   */
  batches(): AsyncIterator<WatcherEvent<T>[]> {
    if (this.started) {
      throw new ValidationError("a watcher can be iterated only once; create another to start over");
    }
    this.started = true;
    const batches = this.runLinked();
    if (this.backoff === false) return batches;
    // An ERROR event always ends its batch (see the sources), so a failing batch is one failure.
    const paced = withBackoff(batches, (b) => b.at(-1)?.type === "ERROR", this.backoff, {
      clock: this.clock,
      minDelayMs: (b) => retryAfterMs(b.at(-1)!),
      ...(this.signal ? { signal: this.signal } : {}),
    });
    return paced[Symbol.asyncIterator]();
  }

  /** The event stream in batches, none empty; must stop promptly once `signal` aborts. */
  protected abstract run(signal: AbortSignal): AsyncGenerator<WatcherEvent<T>[], void, undefined>;

  /** Counts and wraps a failure as an ERROR event. */
  protected errorEvent(error: KubeError): WatcherEvent<T> {
    this.stats.errors++;
    return { type: "ERROR", error };
  }

  private async *runLinked(): AsyncGenerator<WatcherEvent<T>[], void, undefined> {
    const internal = new AbortController();
    const onAbort = (): void => internal.abort(this.signal?.reason);
    if (this.signal?.aborted) return;
    this.signal?.addEventListener("abort", onAbort, { once: true });
    try {
      yield* this.run(internal.signal);
    } finally {
      this.signal?.removeEventListener("abort", onAbort);
      internal.abort();
    }
  }
}

async function* eventsOf<T>(batches: AsyncIterator<WatcherEvent<T>[]>): AsyncGenerator<WatcherEvent<T>, void, undefined> {
  try {
    for (;;) {
      const next = await batches.next();
      if (next.done) return;
      yield* next.value;
    }
  } finally {
    await batches.return?.();
  }
}

/** The server's Retry-After (429, 503...), which no backoff delay should undercut. */
function retryAfterMs(event: WatcherEvent<unknown>): number {
  if (event.type !== "ERROR" || !(event.error instanceof ApiError)) return 0;
  return (event.error.details?.retryAfterSeconds ?? 0) * 1000;
}

/** Any failure as a KubeError; foreign errors (a bug in an injected Connection) become TransportErrors. */
export function asKubeError(error: unknown, site: ErrorSite): KubeError {
  if (error instanceof KubeError) return error;
  const message = error instanceof Error ? error.message : String(error);
  return new TransportError(`request failed: ${message}`, site, { cause: error });
}
