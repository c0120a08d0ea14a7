/**
 * An informer: a watcher feeding a local indexed cache, with change handlers and waits.
 * It starts at once and runs until `stop()` (or its signal aborts).
 */
import type { ListWatchClient } from "../api/client-types.ts";
import { listRequest } from "../request/read.ts";
import { KubeError } from "../base/errors.ts";
import { combineSignals } from "../base/abort.ts";
import { systemClock, type Clock } from "../base/clock.ts";
import { InformerCache, type IndexFunction, type ReadonlyCache } from "./informer-cache.ts";
import { objectKey, type KubeObject } from "../base/object.ts";
import { waitUntil, type WaitOptions } from "./wait-until.ts";
import type { WatcherEvent, WatcherStats, WatchMode } from "./watcher-events.ts";
import { eventSource, type WatcherOptions } from "./watcher.ts";
import type { EventSource } from "./event-source.ts";
import type { TransformOptions } from "./collection.ts";
import { SharedFieldSets } from "./shared-field-sets.ts";
import { SharedStrings } from "./shared-strings.ts";

export type { WaitOptions } from "./wait-until.ts";

export interface InformerOptions<T> extends WatcherOptions, TransformOptions<T> {
  /** Extra indexes by name, beside the built-in "namespace" and "label". */
  indexers?: Record<string, IndexFunction<T>>;
}

/** What an add, update or delete handler is told besides the object. */
export interface ChangeInfo {
  /** Derived from a relist (after 410 Gone, or a poll) rather than a watch event. */
  resync: boolean;
}

/**
 * What a `synced` handler is told: whether this is the first sync, how the watcher runs, and what the store holds.
 */
export interface SyncInfo {
  initial: boolean;
  mode: WatchMode;
  size: number;
  resourceVersion: string | undefined;
}

/** The events an informer calls handlers for (`informer.on(event, handler)`). */
export interface InformerHandlers<T> {
  /** An object appeared in the store. */
  add: (object: T, info: ChangeInfo) => void;
  /** An object in the store changed; `previous` is the state it replaces. */
  update: (object: T, previous: T, info: ChangeInfo) => void;
  /** An object left the store; `object` is its last known state. */
  delete: (object: T, info: ChangeInfo) => void;
  /** The store holds a complete list (after the first list, and after every relist). */
  synced: (info: SyncInfo) => void;
  /** Watch failures (the informer keeps going) and exceptions thrown by other handlers. */
  error: (error: Error) => void;
}

/** A name ("web", or "ns/web"), a { name, namespace } pair, or an object. */
export type ObjectRef<T> = string | { name: string; namespace?: string } | T;

/** What every informer offers, shared or not. */
export interface Informer<T extends KubeObject> {
  readonly store: ReadonlyCache<T>;
  /** The first list has been applied to the store. */
  readonly synced: boolean;
  readonly mode: WatchMode | undefined;
  readonly stats: Readonly<WatcherStats>;
  /**
   * Adds a handler; returns a function that removes it. An "add" handler added after
   * objects arrived is called at once for each cached object, and a "synced" handler added
   * after the first sync is called at once, so late subscribers miss nothing.
   */
  on<E extends keyof InformerHandlers<T>>(event: E, handler: InformerHandlers<T>[E]): () => void;
  /** Resolves once the store has been filled by the first complete list. */
  waitForSync(options?: WaitOptions): Promise<void>;
  /** Resolves with the object once `predicate` holds for it (checked now and on every change). */
  waitFor(target: ObjectRef<T>, predicate: (object: T) => boolean, options?: WaitOptions): Promise<T>;
  /** Resolves once the object is absent from a synced store. */
  waitForDeletion(target: ObjectRef<T>, options?: WaitOptions): Promise<void>;
  /** Stops watching (for a shared informer: this handle); pending waits reject. Idempotent. */
  stop(): void;
  /** stop() was called, or the watch ended. */
  readonly stopped: boolean;
  /** Resolves once stopped and every handler has run. */
  readonly done: Promise<void>;
}

/**
 * Starts an informer on what a typed client lists. Handlers registered in the same tick see
 * every event. Objects that carry identical managedFields field sets share one frozen copy
 * of it (docs/metadata-informers.md): copy an object before writing into its field sets.
 *
 * @example
 * const inf = informer(api(conn, ConfigMap, { namespace: "ns" }), { labelSelector: { app: "web" } });
 * inf.on("add", (cm) => console.log("added", cm.metadata?.name));
 * await inf.waitForSync({ timeoutMs: 30_000 });
 * const ready = await inf.waitFor("settings", (cm) => cm.data?.ready === "true", { timeoutMs: 60_000 });
 * inf.stop();
 */
export function informer<T extends KubeObject>(client: ListWatchClient<T>, options: InformerOptions<T> = {}): Informer<T> {
  return new SingleInformer<T>(client, options);
}

type HandlerSets<T> = { [E in keyof InformerHandlers<T>]: Set<InformerHandlers<T>[E]> };

export class SingleInformer<T extends KubeObject> implements Informer<T> {
  readonly cache: InformerCache<T>;
  /** Resolves when the informer has stopped. */
  readonly done: Promise<void>;
  private readonly source: EventSource<T>;
  private readonly stopper = new AbortController();
  private readonly clock: Clock;
  private readonly path: string;
  private readonly defaultNamespace: string | undefined;
  private readonly handlers: HandlerSets<T> = {
    add: new Set(),
    update: new Set(),
    delete: new Set(),
    synced: new Set(),
    error: new Set(),
  };
  private lastSync: SyncInfo | undefined;
  private readonly fieldSets = new SharedFieldSets();
  private readonly strings = new SharedStrings();
  /** Called with the object after every change to it, and with undefined after every sync. */
  private readonly observers = new Set<(changed: T | undefined) => void>();

  constructor(client: ListWatchClient<T>, options: InformerOptions<T>) {
    this.cache = new InformerCache<T>(options.indexers);
    this.clock = options.clock ?? systemClock;
    this.path = listRequest(client.resource, client.namespace).path;
    this.defaultNamespace = client.namespace;
    const { signal, dispose } = combineSignals(options.signal, this.stopper.signal);
    this.source = eventSource<T>(client, { ...options, signal });
    this.done = this.run().finally(dispose);
  }

  get store(): ReadonlyCache<T> {
    return this.cache;
  }

  get synced(): boolean {
    return this.lastSync !== undefined;
  }

  get mode(): WatchMode | undefined {
    return this.source.mode;
  }

  get stats(): Readonly<WatcherStats> {
    return this.source.stats;
  }

  on<E extends keyof InformerHandlers<T>>(event: E, handler: InformerHandlers<T>[E]): () => void {
    const set = this.handlers[event] as Set<InformerHandlers<T>[E]>;
    set.add(handler);
    if (event === "add") {
      const add = handler as InformerHandlers<T>["add"];
      for (const object of this.cache.list()) this.call(() => add(object, { resync: false }));
    } else if (event === "synced" && this.lastSync) {
      const sync = this.lastSync;
      this.call(() => (handler as InformerHandlers<T>["synced"])(sync));
    }
    return () => set.delete(handler);
  }

  waitForSync(options: WaitOptions = {}): Promise<void> {
    if (this.synced) return Promise.resolve();
    return waitUntil<void>(
      this.clock,
      options,
      `the first list of ${this.path}`,
      (done) => this.observe(() => this.synced && done()),
      this.stopper.signal,
    );
  }

  waitFor(target: ObjectRef<T>, predicate: (object: T) => boolean, options: WaitOptions = {}): Promise<T> {
    const key = this.keyOf(target);
    return waitUntil<T>(
      this.clock,
      options,
      `${key} in ${this.path} to meet its condition`,
      (done) => {
        const check = (): void => {
          const object = this.cache.getByKey(key);
          if (object !== undefined && predicate(object)) done(object);
        };
        check();
        return this.observe((changed) => (changed === undefined || objectKey(changed) === key) && check());
      },
      this.stopper.signal,
    );
  }

  waitForDeletion(target: ObjectRef<T>, options: WaitOptions = {}): Promise<void> {
    const key = this.keyOf(target);
    return waitUntil<void>(
      this.clock,
      options,
      `${key} in ${this.path} to be deleted`,
      (done) => {
        const check = (): void => {
          if (this.synced && this.cache.getByKey(key) === undefined) done();
        };
        check();
        return this.observe((changed) => (changed === undefined || objectKey(changed) === key) && check());
      },
      this.stopper.signal,
    );
  }

  /** stop() was called, or the watch ended. */
  get stopped(): boolean {
    return this.stopper.signal.aborted;
  }

  stop(): void {
    if (this.stopped) return;
    this.stopper.abort(new DOMException(`informer on ${this.path} stopped`, "AbortError"));
  }

  /** Adds an index unless one of that name exists (shared informers add them late). */
  ensureIndex(name: string, fn: IndexFunction<T>): void {
    if (!this.cache.hasIndex(name)) this.cache.addIndex(name, fn);
  }

  private async run(): Promise<void> {
    try {
      // A batch (one network chunk, or a whole list) is applied at once: no promise per event.
      const batches = this.source.batches();
      try {
        for (let next = await batches.next(); !next.done; next = await batches.next()) {
          for (const event of next.value) this.apply(event);
          // Emptied once applied: the generators that passed a batch on keep it until the next
          // one arrives, and the batch after a list holds an event per object (10,000 ConfigMaps:
          // 0.6 MiB of events kept beside the cache while the watch waits).
          next.value.length = 0;
        }
      } finally {
        await batches.return?.();
      }
    } catch (error) {
      // Watchers report failures as events; reaching here means a bug, which handlers should hear of.
      this.emit("error", (h) => h(error instanceof Error ? error : new KubeError(String(error))));
    } finally {
      // However the loop ended, pending waits must not hang.
      this.stop();
    }
  }

  private apply(event: WatcherEvent<T>): void {
    switch (event.type) {
      case "ADDED":
      case "MODIFIED": {
        this.fieldSets.share(event.object);
        this.strings.shareMetadata(event.object);
        const previous = this.cache.upsert(event.object);
        const info = { resync: event.resync };
        if (previous) this.emit("update", (h) => h(event.object, previous, info));
        else this.emit("add", (h) => h(event.object, info));
        this.notify(event.object);
        return;
      }
      case "DELETED": {
        const previous = this.cache.remove(event.object);
        const info = { resync: event.resync };
        // The server's final state; if it sent none worth the name, the last one cached.
        const object = event.object.metadata ? event.object : (previous ?? event.object);
        this.emit("delete", (h) => h(object, info));
        this.notify(event.object);
        return;
      }
      case "SYNCED": {
        const info: SyncInfo = {
          initial: event.initial,
          mode: event.mode,
          size: event.size,
          resourceVersion: event.resourceVersion,
        };
        this.lastSync = info;
        this.emit("synced", (h) => h(info));
        this.notify(undefined);
        return;
      }
      case "ERROR":
        this.emit("error", (h) => h(event.error));
        return;
    }
  }

  private emit<E extends keyof InformerHandlers<T>>(event: E, call: (handler: InformerHandlers<T>[E]) => void): void {
    const handlers = this.handlers[event] as Set<InformerHandlers<T>[E]>;
    if (handlers.size === 0) return;
    for (const handler of [...handlers]) this.call(() => call(handler));
  }

  /** Runs a user handler; its exception goes to the error handlers, or is rethrown if there are none. */
  private call(fn: () => void): void {
    try {
      fn();
    } catch (error) {
      const asError = error instanceof Error ? error : new KubeError(`informer handler threw ${String(error)}`);
      if (this.handlers.error.size === 0) {
        queueMicrotask(() => {
          throw asError;
        });
        return;
      }
      for (const handler of this.handlers.error) {
        try {
          handler(asError);
        } catch {
          // An error handler that throws has nowhere left to report to.
        }
      }
    }
  }

  private observe(observer: (changed: T | undefined) => void): () => void {
    this.observers.add(observer);
    return () => this.observers.delete(observer);
  }

  private notify(changed: T | undefined): void {
    if (this.observers.size === 0) return;
    for (const observer of [...this.observers]) observer(changed);
  }

  private keyOf(target: ObjectRef<T>): string {
    if (typeof target === "string") {
      return target.includes("/") || !this.defaultNamespace ? target : `${this.defaultNamespace}/${target}`;
    }
    if ("name" in target && typeof target.name === "string") {
      const namespace = (target as { namespace?: string }).namespace ?? this.defaultNamespace;
      return namespace ? `${namespace}/${target.name}` : target.name;
    }
    return objectKey(target as T);
  }
}
