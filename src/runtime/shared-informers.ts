/**
 * Shared informers: every informer asked for on the same connection, resource, namespace,
 * selectors and mode shares one watch and one cache. Each caller gets its own handle (own handlers, own
 * stop); the watch stops when the last handle does.
 */
import type { ListWatchClient } from "../api/client-types.ts";
import { combineSignals } from "../base/abort.ts";
import { apiVersionOf } from "../base/resource.ts";
import { fieldSelectorParam, labelSelectorParam } from "../request/selectors.ts";
import type { ReadonlyCache } from "./informer-cache.ts";
import {
  SingleInformer,
  type Informer,
  type InformerHandlers,
  type InformerOptions,
  type ObjectRef,
  type WaitOptions,
} from "./informer.ts";
import type { KubeObject } from "../base/object.ts";
import type { WatcherStats, WatchMode } from "./watcher-events.ts";
import type { WatcherOptions } from "./watcher.ts";

interface Entry {
  informer: SingleInformer<KubeObject>;
  refs: number;
}

/** Gives each connection (or client without one) a number for the sharing key. */
const identities = new WeakMap<object, number>();
let lastIdentity = 0;
function identityOf(value: object): number {
  let id = identities.get(value);
  if (id === undefined) identities.set(value, (id = ++lastIdentity));
  return id;
}

/**
 * Hands out informers that share a watch per connection + resource + namespace + selectors +
 * mode. Options other than those (page size, timeouts, backoff) come from the first request
 * for a key. Selectors given as a string or as an object share when they say the same.
 *
 * @example
 * const factory = new SharedInformerFactory();
 * const pods = api(conn, Pod, { namespace: "ns" });
 * const a = factory.informer(pods);
 * const b = factory.informer(api(conn, Pod, { namespace: "ns" })); // same watch as `a`
 * a.stop(); b.stop(); // the watch stops here
 */
export class SharedInformerFactory {
  private readonly entries = new Map<string, Entry>();
  private readonly defaults: Partial<Omit<WatcherOptions, "signal">>;

  constructor(defaults: Partial<Omit<WatcherOptions, "signal">> = {}) {
    this.defaults = defaults;
  }

  /** The sharing key of a client and options. */
  static keyOf(
    client: ListWatchClient<unknown>,
    options: Pick<WatcherOptions, "labelSelector" | "fieldSelector" | "mode" | "pollIntervalMs"> & { transform?: unknown },
  ): string {
    const mode = options.mode ?? "watch";
    const { resource } = client;
    return JSON.stringify([
      identityOf(client.connection ?? client),
      apiVersionOf(resource),
      resource.plural,
      client.namespace ?? "",
      labelSelectorParam(options.labelSelector) ?? "",
      fieldSelectorParam(options.fieldSelector) ?? "",
      mode,
      mode === "poll" ? (options.pollIntervalMs ?? null) : null,
      // A metadata-only view and a transform change what is cached: they share only with their like.
      client.view ?? null,
      typeof options.transform === "function" ? identityOf(options.transform) : null,
    ]);
  }

  /** Watches running now. */
  get size(): number {
    return this.entries.size;
  }

  /** A handle on the shared informer for this client and options; starts it if needed. `signal` stops the handle. */
  informer<T extends KubeObject>(client: ListWatchClient<T>, options: InformerOptions<T> = {}): Informer<T> {
    const { signal, indexers, ...rest } = { ...this.defaults, ...options };
    const key = SharedInformerFactory.keyOf(client, rest);
    let entry = this.entries.get(key);
    if (!entry || entry.informer.stopped) {
      const informer = new SingleInformer<T>(client, rest);
      entry = { informer: informer as unknown as SingleInformer<KubeObject>, refs: 0 };
      this.entries.set(key, entry);
    }
    const shared = entry.informer as unknown as SingleInformer<T>;
    for (const [name, fn] of Object.entries(indexers ?? {})) shared.ensureIndex(name, fn);
    entry.refs++;
    const owned = entry;
    return new SharedInformerHandle<T>(shared, () => this.release(key, owned), signal);
  }

  /** Stops every shared watch; outstanding handles see their waits rejected. */
  stopAll(): void {
    for (const entry of this.entries.values()) entry.informer.stop();
    this.entries.clear();
  }

  private release(key: string, entry: Entry): void {
    entry.refs--;
    if (entry.refs > 0) return;
    entry.informer.stop();
    if (this.entries.get(key) === entry) this.entries.delete(key);
  }
}

class SharedInformerHandle<T extends KubeObject> implements Informer<T> {
  private readonly inner: SingleInformer<T>;
  private readonly release: () => void;
  private readonly stopper = new AbortController();
  private readonly unsubscribers = new Set<() => void>();
  /** Resolves when this handle stops, or the shared informer under it does. */
  readonly done: Promise<void>;

  constructor(inner: SingleInformer<T>, release: () => void, signal: AbortSignal | undefined) {
    this.inner = inner;
    this.release = release;
    const own = new Promise<void>((resolve) => this.stopper.signal.addEventListener("abort", () => resolve(), { once: true }));
    this.done = Promise.race([own, inner.done]);
    if (signal?.aborted) this.stop();
    else signal?.addEventListener("abort", () => this.stop(), { once: true });
  }

  get stopped(): boolean {
    return this.stopper.signal.aborted || this.inner.stopped;
  }

  get store(): ReadonlyCache<T> {
    return this.inner.store;
  }

  get synced(): boolean {
    return this.inner.synced;
  }

  get mode(): WatchMode | undefined {
    return this.inner.mode;
  }

  get stats(): Readonly<WatcherStats> {
    return this.inner.stats;
  }

  on<E extends keyof InformerHandlers<T>>(event: E, handler: InformerHandlers<T>[E]): () => void {
    if (this.stopper.signal.aborted) return () => undefined;
    const off = this.inner.on(event, handler);
    const unsubscribe = (): void => {
      off();
      this.unsubscribers.delete(unsubscribe);
    };
    this.unsubscribers.add(unsubscribe);
    return unsubscribe;
  }

  waitForSync(options: WaitOptions = {}): Promise<void> {
    return this.scoped(options, (o) => this.inner.waitForSync(o));
  }

  waitFor(target: ObjectRef<T>, predicate: (object: T) => boolean, options: WaitOptions = {}): Promise<T> {
    return this.scoped(options, (o) => this.inner.waitFor(target, predicate, o));
  }

  waitForDeletion(target: ObjectRef<T>, options: WaitOptions = {}): Promise<void> {
    return this.scoped(options, (o) => this.inner.waitForDeletion(target, o));
  }

  stop(): void {
    if (this.stopper.signal.aborted) return;
    this.stopper.abort(new DOMException("shared informer handle stopped", "AbortError"));
    for (const unsubscribe of [...this.unsubscribers]) unsubscribe();
    this.release();
  }

  /** Runs a wait that this handle's stop also cancels. */
  private scoped<V>(options: WaitOptions, wait: (options: WaitOptions) => Promise<V>): Promise<V> {
    const { signal, dispose } = combineSignals(options.signal, this.stopper.signal);
    return wait({ ...options, signal }).finally(dispose);
  }
}
