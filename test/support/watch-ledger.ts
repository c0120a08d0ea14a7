/**
 * The consumer side of the watch fault tests: reads a watcher's events in the background and
 * keeps, per object key, the last event seen, plus counts of everything that would betray a
 * lost, duplicated or replayed event. `verify` then compares that with a fresh list.
 *
 * Resource versions are compared as integers, which is what etcd gives; the SDK itself never
 * does this (they are opaque in the API), but a test against a real etcd may.
 */
import type { KubeObject } from "../../src/base/object.ts";
import { objectKey } from "../../src/base/object.ts";
import type { WatcherEvent } from "../../src/runtime/watcher-events.ts";

export interface Seen {
  type: "ADDED" | "MODIFIED" | "DELETED";
  uid: string | undefined;
  resourceVersion: string | undefined;
  resync: boolean;
}

/** Counters of event-level anomalies. All must stay 0 in a correct watcher. */
export interface Anomalies {
  /** ADDED, not flagged resync, for a key the consumer already holds. */
  duplicateAdds: number;
  /** A watched (not resync) event for the same object whose resourceVersion is not newer than the last one seen. */
  replayed: number;
  /** A watched DELETED for a key the consumer does not hold (its ADDED was lost). */
  deletedUnknown: number;
  /** MODIFIED for a key the consumer does not hold. */
  modifiedUnknown: number;
}

/**
 * @example
 * const ledger = new WatchLedger(watcher<ConfigMap>(conn, { path, signal }));
 * await ledger.until(() => ledger.counts.synced > 0, 30_000, "the first list");
 */
export class WatchLedger<T extends KubeObject> {
  /** Objects the events say exist now: key → last ADDED/MODIFIED. */
  readonly replica = new Map<string, Seen>();
  /** Last event per key, DELETED included. */
  readonly last = new Map<string, Seen>();
  readonly anomalies: Anomalies = { duplicateAdds: 0, replayed: 0, deletedUnknown: 0, modifiedUnknown: 0 };
  readonly counts = { events: 0, resync: 0, resyncDeleted: 0, synced: 0, errors: 0 };
  readonly errorKinds = new Map<string, number>();
  readonly done: Promise<void>;

  constructor(source: AsyncIterable<WatcherEvent<T>>) {
    this.done = (async () => {
      for await (const event of source) this.record(event);
    })();
  }

  /** Waits until `predicate` holds, polling; fails with a summary if it does not in time. */
  async until(predicate: () => boolean, timeoutMs: number, what: string): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!predicate()) {
      if (Date.now() > deadline) throw new Error(`gave up after ${timeoutMs} ms waiting for ${what}; ledger: ${JSON.stringify(this.counts)}`);
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  private record(event: WatcherEvent<T>): void {
    if (event.type === "SYNCED") {
      this.counts.synced++;
      return;
    }
    if (event.type === "ERROR") {
      this.counts.errors++;
      const kind = `${event.error.name}${"code" in event.error ? ` ${String(event.error.code)}` : ""}`;
      this.errorKinds.set(kind, (this.errorKinds.get(kind) ?? 0) + 1);
      return;
    }
    this.counts.events++;
    if (event.resync) this.counts.resync++;
    const key = objectKey(event.object);
    const seen: Seen = {
      type: event.type,
      uid: event.object.metadata?.uid,
      resourceVersion: event.object.metadata?.resourceVersion,
      resync: event.resync,
    };
    const held = this.replica.get(key);
    const previous = this.last.get(key);
    if (!event.resync && previous && previous.uid === seen.uid && !newer(seen.resourceVersion, previous.resourceVersion)) {
      // A DELETED carries the object's final state, which may repeat the last MODIFIED's version.
      if (!(event.type === "DELETED" && seen.resourceVersion === previous.resourceVersion && previous.type !== "DELETED")) this.anomalies.replayed++;
    }
    if (event.type === "ADDED") {
      if (held && !event.resync) this.anomalies.duplicateAdds++;
      this.replica.set(key, seen);
    } else if (event.type === "MODIFIED") {
      if (!held) this.anomalies.modifiedUnknown++;
      this.replica.set(key, seen);
    } else {
      if (event.resync) this.counts.resyncDeleted++;
      else if (!held) this.anomalies.deletedUnknown++;
      this.replica.delete(key);
    }
    this.last.set(key, seen);
  }
}

export interface Truth {
  uid: string;
  resourceVersion: string;
}

export interface Verdict {
  /** Keys whose last event does not show their final state (wrong or missing), or that still show a deleted object. */
  lost: string[];
  /** Present objects, for the summary. */
  present: number;
  /** Keys the writer touched that no longer exist. */
  gone: number;
}

/**
 * Compares what the consumer saw with the server's final state. `truth` is a fresh list
 * (key → uid and resourceVersion); `touched` are all keys ever written, so that objects
 * deleted before the end are checked too (their last event must be DELETED, or they were
 * never delivered at all: created and deleted while the watcher was away).
 *
 * @example expect(verify(ledger, (await listTruth(conn, path)).objects, writtenKeys).lost).toEqual([]);
 */
export function verify<T extends KubeObject>(ledger: WatchLedger<T>, truth: Map<string, Truth>, touched: Iterable<string>): Verdict {
  const lost: string[] = [];
  let gone = 0;
  const keys = new Set([...touched, ...truth.keys(), ...ledger.replica.keys()]);
  for (const key of keys) {
    const final = truth.get(key);
    const last = ledger.last.get(key);
    if (final) {
      if (!last || last.type === "DELETED" || last.uid !== final.uid || last.resourceVersion !== final.resourceVersion) lost.push(key);
    } else {
      gone++;
      if (last && last.type !== "DELETED") lost.push(key);
    }
  }
  return { lost, present: truth.size, gone };
}

function newer(a: string | undefined, b: string | undefined): boolean {
  if (a === undefined || b === undefined) return true;
  return BigInt(a) > BigInt(b);
}
