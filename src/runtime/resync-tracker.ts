/**
 * Remembers what a watcher has delivered, so that a relist can be reported as differences
 * (including the objects that vanished) instead of a bare "replace everything".
 * It holds references to the objects the consumer already has, not copies.
 */
import { resourceVersionOf, type KubeObject } from "../base/object.ts";
import { ObjectMap } from "./object-map.ts";
import type { WatcherEvent, WatchMode } from "./watcher-events.ts";

type ObjectEvent<T> = Extract<WatcherEvent<T>, { object: T }>;

export class ResyncTracker<T extends KubeObject> {
  private known = new ObjectMap<T>();
  private fresh: ObjectMap<T> | undefined;
  private syncedOnce = false;

  /** Objects delivered and not deleted. */
  get size(): number {
    return this.known.size;
  }

  /** Starts collecting a (re)list; anything collected by an unfinished one is dropped. */
  begin(): void {
    this.fresh = new ObjectMap();
  }

  /** Adds objects to the (re)list being collected. */
  collect(objects: readonly T[]): void {
    const fresh = (this.fresh ??= new ObjectMap());
    for (const object of objects) fresh.set(object);
  }

  /** Removes an object from the (re)list being collected. */
  uncollect(object: T): void {
    this.fresh?.delete(object);
  }

  /**
   * Ends the (re)list: returns the differences from what was delivered before, then SYNCED.
   * Deletions come first so that a name reused by a new object (new uid) reads naturally.
   */
  finish(resourceVersion: string | undefined, mode: WatchMode): WatcherEvent<T>[] {
    const fresh = this.fresh ?? new ObjectMap<T>();
    const resync = this.syncedOnce;
    const events: WatcherEvent<T>[] = [];
    for (const old of this.known.values()) {
      const now = fresh.getLike(old);
      if (!now || isReplacement(old, now)) events.push({ type: "DELETED", object: old, resync });
    }
    for (const now of fresh.values()) {
      const old = this.known.getLike(now);
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
    const type = this.known.set(object) === undefined ? "ADDED" : "MODIFIED";
    return { type, object, resync: false };
  }

  /** A watched DELETED. */
  delete(object: T): ObjectEvent<T> {
    this.known.delete(object);
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
