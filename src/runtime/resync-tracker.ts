/**
 * Remembers what a watcher has delivered, so that a relist can be reported as differences
 * (including the objects that vanished) instead of a bare "replace everything".
 * It holds references to the objects the consumer already has, not copies.
 */
import { objectKey, resourceVersionOf, type KubeObject } from "../base/object.ts";
import type { WatcherEvent, WatchMode } from "./watcher-events.ts";

type ObjectEvent<T> = Extract<WatcherEvent<T>, { object: T }>;

export class ResyncTracker<T extends KubeObject> {
  private known = new Map<string, T>();
  private fresh: Map<string, T> | undefined;
  private syncedOnce = false;

  /** Objects delivered and not deleted. */
  get size(): number {
    return this.known.size;
  }

  /** Starts collecting a (re)list; anything collected by an unfinished one is dropped. */
  begin(): void {
    this.fresh = new Map();
  }

  /** Adds objects to the (re)list being collected. */
  collect(objects: readonly T[]): void {
    const fresh = (this.fresh ??= new Map());
    for (const object of objects) fresh.set(objectKey(object), object);
  }

  /** Removes an object from the (re)list being collected. */
  uncollect(object: T): void {
    this.fresh?.delete(objectKey(object));
  }

  /**
   * Ends the (re)list: returns the differences from what was delivered before, then SYNCED.
   * Deletions come first so that a name reused by a new object (new uid) reads naturally.
   */
  finish(resourceVersion: string | undefined, mode: WatchMode): WatcherEvent<T>[] {
    const fresh = this.fresh ?? new Map<string, T>();
    const resync = this.syncedOnce;
    const events: WatcherEvent<T>[] = [];
    for (const [key, old] of this.known) {
      const now = fresh.get(key);
      if (!now || isReplacement(old, now)) events.push({ type: "DELETED", object: old, resync });
    }
    for (const [key, now] of fresh) {
      const old = this.known.get(key);
      if (!old || isReplacement(old, now)) events.push({ type: "ADDED", object: now, resync });
      else if (isChanged(old, now)) events.push({ type: "MODIFIED", object: now, resync });
    }
    this.known = fresh;
    this.fresh = undefined;
    const initial = !this.syncedOnce;
    this.syncedOnce = true;
    events.push({ type: "SYNCED", initial, mode, resourceVersion, size: fresh.size });
    return events;
  }

  /** A watched ADDED or MODIFIED; the type follows what was delivered before. */
  apply(object: T): ObjectEvent<T> {
    const key = objectKey(object);
    const type = this.known.has(key) ? "MODIFIED" : "ADDED";
    this.known.set(key, object);
    return { type, object, resync: false };
  }

  /** A watched DELETED. */
  delete(object: T): ObjectEvent<T> {
    this.known.delete(objectKey(object));
    return { type: "DELETED", object, resync: false };
  }
}

function isReplacement(old: KubeObject, now: KubeObject): boolean {
  const a = old.metadata?.uid;
  const b = now.metadata?.uid;
  return a !== undefined && b !== undefined && a !== b;
}

function isChanged(old: KubeObject, now: KubeObject): boolean {
  const a = resourceVersionOf(old);
  const b = resourceVersionOf(now);
  return a === undefined || b === undefined || a !== b;
}
