/**
 * How many connections one pool opens to one origin. Over HTTP/1.1 every request in flight
 * holds a connection: Node's HTTP/1.1 fallback gives its Agent this many sockets for
 * ordinary requests, and Bun's fetch (HTTP/1.1 only) and Deno's (HTTP/1.1 or h2, which it does
 * not tell) take a slot per request. Streams
 * (watches, followed logs) hold theirs for their whole life and take none: queued behind
 * others they would hang. Over HTTP/2 it caps the sessions, whatever stream limit a server
 * advertises (one stream per connection would otherwise mean one connection per request).
 *
 * Why 64: one client's parallel requests beyond a few dozen only queue in the API server's
 * priority and fairness queues (kube-apiserver serves 400 read-only requests at a time for
 * all clients together), so 64 loses no throughput and keeps file descriptors and TLS
 * handshakes bounded: 1,000 concurrent GETs open at most 64 connections, not 1,000.
 */
export const MAX_CONNECTIONS_PER_ORIGIN = 64;

/**
 * A counting semaphore whose waiters give up when their signal aborts.
 *
 * @example
 * const release = await slots.acquire(signal);
 * try { ... } finally { release(); }
 */
export class RequestSlots {
  readonly #limit: number;
  #busy = 0;
  readonly #waiting: (() => void)[] = [];

  constructor(limit: number = MAX_CONNECTIONS_PER_ORIGIN) {
    this.#limit = limit;
  }

  /** Requests running now (for tests). */
  get busy(): number {
    return this.#busy;
  }

  /** Resolves with a release function once a slot is free; rejects with the signal's reason if it aborts first. */
  acquire(signal: AbortSignal): Promise<() => void> {
    if (signal.aborted) return Promise.reject(signal.reason as unknown);
    if (this.#busy < this.#limit) {
      this.#busy++;
      return Promise.resolve(this.#releaser());
    }
    return new Promise((resolve, reject) => {
      const grant = (): void => {
        signal.removeEventListener("abort", onAbort);
        this.#busy++;
        resolve(this.#releaser());
      };
      const onAbort = (): void => {
        const i = this.#waiting.indexOf(grant);
        if (i >= 0) this.#waiting.splice(i, 1);
        reject(signal.reason as unknown);
      };
      signal.addEventListener("abort", onAbort, { once: true });
      this.#waiting.push(grant);
    });
  }

  #releaser(): () => void {
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.#busy--;
      this.#waiting.shift()?.();
    };
  }
}
