/**
 * The controller loop: informers on a kind (and on the kinds it owns or watches) feed keys into
 * a work queue; workers take keys and call `reconcile` with the cached object. Errors back off
 * per key; a result may ask to run again later; deletions reach reconcile with the object's last
 * state. On abort the controller stops taking keys, lets in-flight reconciles finish within a
 * deadline, then aborts them and stops its informers.
 */
import { api } from "../api/client.ts";
import type { ListWatchClient } from "../api/client-types.ts";
import { metadataOnly, type PartialObjectMetadata } from "../api/metadata-client.ts";
import { whenAborted } from "../base/abort.ts";
import { sleep, systemClock, type Clock } from "../base/clock.ts";
import { KubeError, ValidationError } from "../base/errors.ts";
import { objectKey, type KubeObject } from "../base/object.ts";
import type { ResourceType, Verb } from "../base/resource.ts";
import type { Watchable } from "../client/kube-client.ts";
import type { SelectorParams } from "../request/read.ts";
import { informer, type Informer } from "../runtime/informer.ts";
import type { ReadonlyCache } from "../runtime/informer-cache.ts";
import { connectionOf, type KubeTarget } from "./kube-target.ts";
import { openMetrics, StatsCounter, type ControllerStats } from "./controller-stats.ts";
import { defaultControllerRateLimiter } from "./rate-limiters.ts";
import { keyOfRef, ownerMapper, type KeyMapper, type KeyRef } from "./relations.ts";
import type { ControllerOptions, ReconcileResult, Reconciler, RelationOptions, RunOptions } from "./controller-types.ts";
import { WorkQueue } from "./workqueue.ts";

interface Source {
  client: ListWatchClient<KubeObject>;
  selectors: SelectorParams;
  mapper: KeyMapper<KubeObject, never>;
}

/**
 * A controller for one kind. Chain `owns` and `watches`, then `run(signal)`.
 *
 * @example
 * const ctl = controller(kube, ConfigMap, async (cm, ctx) => {
 *   if (ctx.deleted) return;
 *   await kube.api(Secret, { namespace: cm.metadata!.namespace! }).apply(secretFor(cm), { fieldManager: "cm-to-secret", signal: ctx.signal });
 *   return { requeueAfterMs: 600_000 };
 * }, { namespace: "prod", concurrency: 4 }).owns(Secret);
 * await ctl.run(AbortSignal.timeout(60_000));
 */
export function controller<T extends KubeObject, N extends boolean, S extends string, V extends Verb>(
  kube: KubeTarget,
  resource: ResourceType<T, N, S, V> & Watchable<V>,
  reconcile: Reconciler<T>,
  options: ControllerOptions<T> = {},
): Controller<T> {
  return new Controller<T>(kube, resource, reconcile, options);
}

export class Controller<T extends KubeObject> {
  /** The name in metrics. */
  readonly name: string;
  readonly #kube: KubeTarget;
  readonly #resource: ResourceType<T, boolean, string, Verb>;
  readonly #reconcile: Reconciler<T>;
  readonly #options: ControllerOptions<T>;
  readonly #clock: Clock;
  readonly #sources: Source[] = [];
  readonly #counter = new StatsCounter();
  #queue: WorkQueue<string> | undefined;
  #adds = 0;
  #running = false;

  constructor(kube: KubeTarget, resource: ResourceType<T, boolean, string, Verb>, reconcile: Reconciler<T>, options: ControllerOptions<T>) {
    const concurrency = options.concurrency ?? 1;
    if (!Number.isInteger(concurrency) || concurrency < 1) throw new ValidationError(`controller: concurrency must be a positive integer, got ${concurrency}`);
    if (!resource.namespaced && options.namespace !== undefined) {
      throw new ValidationError(`controller: ${resource.kind || resource.plural} is cluster-scoped and takes no namespace`);
    }
    this.#kube = kube;
    this.#resource = resource;
    this.#reconcile = reconcile;
    this.#options = options;
    this.#clock = options.clock ?? systemClock;
    this.name = options.name ?? (resource.group ? `${resource.plural}.${resource.group}` : resource.plural);
  }

  /**
   * Reconciles an owner when objects it controls change: objects of `resource` whose
   * ownerReference with `controller: true` names this controller's kind. Watched as metadata only.
   */
  owns<U, N extends boolean, S extends string, V extends Verb>(resource: ResourceType<U, N, S, V> & Watchable<V>, options: RelationOptions = {}): this {
    const client = metadataOnly(api(connectionOf(this.#kube), resource as ResourceType<unknown, boolean, string, Verb>, this.#scope(resource, options)));
    this.#sources.push({ client, selectors: selectorsOf(options), mapper: ownerMapper(this.#resource) });
    return this;
  }

  /**
   * Reconciles the keys `mapper` returns for each change (add, update, delete) of `resource`.
   * With `metadataOnly: true` the mapper sees PartialObjectMetadata and the watch caches only metadata.
   */
  watches<U extends KubeObject, N extends boolean, S extends string, V extends Verb>(
    resource: ResourceType<U, N, S, V> & Watchable<V>,
    mapper: KeyMapper<U, T>,
    options?: RelationOptions & { metadataOnly?: false },
  ): this;
  watches<N extends boolean, S extends string, V extends Verb>(
    resource: ResourceType<unknown, N, S, V> & Watchable<V>,
    mapper: KeyMapper<PartialObjectMetadata, T>,
    options: RelationOptions & { metadataOnly: true },
  ): this;
  watches(
    resource: ResourceType<unknown, boolean, string, Verb>,
    mapper: (object: never, primary: ReadonlyCache<T>) => Iterable<KeyRef>,
    options: RelationOptions & { metadataOnly?: boolean } = {},
  ): this {
    const full = api(connectionOf(this.#kube), resource, this.#scope(resource, options)) as unknown as ListWatchClient<KubeObject>;
    const client = options.metadataOnly ? metadataOnly(api(connectionOf(this.#kube), resource, this.#scope(resource, options))) : full;
    this.#sources.push({ client, selectors: selectorsOf(options), mapper: mapper as unknown as KeyMapper<KubeObject, never> });
    return this;
  }

  /** Counters and queue gauges now. */
  get stats(): ControllerStats {
    const q = this.#queue;
    return this.#counter.snapshot({
      queueDepth: q?.length ?? 0,
      delayed: q?.delayed ?? 0,
      inFlight: q?.processing ?? 0,
      adds: this.#adds + (q?.adds ?? 0),
    });
  }

  /** The stats as OpenMetrics text. */
  metrics(): string {
    return openMetrics(this.name, this.stats);
  }

  /**
   * Runs until `signal` aborts, then drains and stops. Resolves once every worker and informer
   * has stopped. May run again afterwards (e.g. each time leadership is won).
   */
  async run(signal: AbortSignal, options: RunOptions = {}): Promise<void> {
    if (this.#running) throw new ValidationError(`controller ${this.name} is already running`);
    this.#running = true;
    const queue = new WorkQueue<string>({ rateLimiter: this.#options.rateLimiter ?? defaultControllerRateLimiter(this.#clock), clock: this.#clock });
    this.#queue = queue;
    const stopInformers = new AbortController();
    const hardStop = new AbortController();
    const tombstones = new Map<string, T>();
    const informers: Informer<KubeObject>[] = [];
    try {
      const primary = this.#startPrimary(queue, tombstones, stopInformers.signal);
      informers.push(primary as unknown as Informer<KubeObject>, ...this.#sources.map((s) => this.#startSource(s, queue, primary.store, stopInformers.signal)));
      const synced = await Promise.all(informers.map((i) => i.waitForSync({ signal }))).then(
        () => true,
        (error: unknown) => {
          if (!signal.aborted) throw error;
          return false;
        },
      );
      const concurrency = this.#options.concurrency ?? 1;
      const workers = synced ? Array.from({ length: concurrency }, () => this.#work(queue, primary.store, tombstones, hardStop.signal)) : [];
      await whenAborted(signal);
      queue.shutDown();
      const waited = new AbortController();
      await Promise.race([queue.drained(), sleep(options.drainTimeoutMs ?? 30_000, this.#clock, waited.signal)]);
      waited.abort(); // no timer left behind to hold the process open
      hardStop.abort(new DOMException(`controller ${this.name} stopped`, "AbortError"));
      await Promise.all(workers);
    } finally {
      hardStop.abort();
      queue.shutDown();
      stopInformers.abort();
      await Promise.all(informers.map((i) => i.done));
      this.#adds += queue.adds;
      this.#queue = undefined;
      this.#running = false;
    }
  }

  #startPrimary(queue: WorkQueue<string>, tombstones: Map<string, T>, signal: AbortSignal): Informer<T> {
    const client = api(connectionOf(this.#kube), this.#resource, this.#scope(this.#resource, this.#options)) as unknown as ListWatchClient<T>;
    const inf = informer<T>(client, {
      ...this.#options.informers,
      ...selectorsOf(this.#options),
      ...(this.#options.transform && { transform: this.#options.transform }),
      clock: this.#clock,
      signal,
    });
    inf.on("add", (object) => {
      const key = objectKey(object);
      tombstones.delete(key);
      queue.add(key);
    });
    inf.on("update", (object) => queue.add(objectKey(object)));
    inf.on("delete", (object) => {
      const key = objectKey(object);
      tombstones.set(key, object);
      queue.add(key);
    });
    inf.on("error", (error) => this.#report(error, undefined));
    return inf;
  }

  #startSource(source: Source, queue: WorkQueue<string>, primary: ReadonlyCache<T>, signal: AbortSignal): Informer<KubeObject> {
    const inf = informer<KubeObject>(source.client, { ...this.#options.informers, ...source.selectors, clock: this.#clock, signal });
    const enqueue = (...objects: KubeObject[]): void => {
      try {
        const keys = new Set<string>();
        for (const object of objects) for (const ref of source.mapper(object, primary as ReadonlyCache<never>)) keys.add(keyOfRef(ref));
        for (const key of keys) queue.add(key);
      } catch (error) {
        this.#report(asError(error, "a key mapper threw"), undefined);
      }
    };
    inf.on("add", (object) => enqueue(object));
    // The old state too: an object that stopped pointing at a key must still wake that key.
    inf.on("update", (object, previous) => enqueue(previous, object));
    inf.on("delete", (object) => enqueue(object));
    inf.on("error", (error) => this.#report(error, undefined));
    return inf;
  }

  async #work(queue: WorkQueue<string>, store: ReadonlyCache<T>, tombstones: Map<string, T>, signal: AbortSignal): Promise<void> {
    for (;;) {
      const key = await queue.get();
      if (key === undefined) return;
      try {
        await this.#process(key, queue, store, tombstones, signal);
      } finally {
        queue.done(key);
      }
    }
  }

  async #process(key: string, queue: WorkQueue<string>, store: ReadonlyCache<T>, tombstones: Map<string, T>, signal: AbortSignal): Promise<void> {
    let object = store.getByKey(key);
    const deleted = object === undefined;
    object ??= tombstones.get(key);
    if (object === undefined) {
      // Mapped from another kind, or deleted and already reconciled: nothing to hand over.
      queue.forget(key);
      this.#counter.skipped++;
      return;
    }
    const started = this.#clock.now();
    let result: ReconcileResult | void;
    try {
      result = await this.#reconcile(object, { key, deleted, retries: queue.numRequeues(key), signal, store });
    } catch (error) {
      this.#finish(started);
      this.#counter.errors++;
      queue.addRateLimited(key);
      this.#report(asError(error, "reconcile threw"), key);
      return;
    }
    this.#finish(started);
    this.#counter.successes++;
    if (deleted && tombstones.get(key) === object) tombstones.delete(key);
    queue.forget(key);
    const after = result?.requeueAfterMs;
    if (after !== undefined && Number.isFinite(after) && after >= 0) {
      this.#counter.requeues++;
      queue.addAfter(key, after);
    }
  }

  #finish(started: number): void {
    this.#counter.reconciles++;
    this.#counter.observe(Math.max(0, this.#clock.now() - started) / 1000);
  }

  #report(error: Error, key: string | undefined): void {
    try {
      this.#options.onError?.(error, key);
    } catch {
      // An error handler that throws has nowhere left to report to.
    }
  }

  #scope(resource: Pick<ResourceType, "namespaced">, options: { namespace?: string | undefined }): { namespace?: string } {
    const namespace = options.namespace ?? this.#options.namespace;
    return resource.namespaced && namespace !== undefined ? { namespace } : {};
  }
}

function selectorsOf(options: SelectorParams): SelectorParams {
  return {
    ...(options.labelSelector !== undefined && { labelSelector: options.labelSelector }),
    ...(options.fieldSelector !== undefined && { fieldSelector: options.fieldSelector }),
  };
}

function asError(error: unknown, what: string): Error {
  return error instanceof Error ? error : new KubeError(`${what}: ${String(error)}`);
}
