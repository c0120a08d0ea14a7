/**
 * The informer's local copy of a collection: objects by "namespace/name", plus indexes.
 * Two indexes always exist: "namespace" and "label" (values "key=value"); more are added
 * with index functions. An index is built on its first query and kept up to date on every
 * change after that.
 */
import { ValidationError } from "../base/errors.ts";
import type { KubeObject } from "../base/object.ts";
import { ObjectMap } from "./object-map.ts";

/** Maps an object to the index values it should be found under (none: not indexed). */
export type IndexFunction<T> = (object: T) => readonly string[];

/** The read side of the cache, which is what informers expose. */
export interface ReadonlyCache<T> {
  readonly size: number;
  /** By name, and namespace for namespaced objects. */
  get(name: string, namespace?: string): T | undefined;
  /** By cache key ("namespace/name" or "name"). */
  getByKey(key: string): T | undefined;
  /** Every cache key. */
  keys(): string[];
  /** All objects, or those in a namespace and/or carrying all the given labels. */
  list(filter?: { namespace?: string; labels?: Record<string, string> }): T[];
  /** Objects whose index function returned `value`. */
  byIndex(indexName: string, value: string): T[];
  /** The names of the indexes this cache keeps. */
  indexNames(): string[];
}

interface Index<T> {
  fn: IndexFunction<T>;
  /** index value → the objects under it; built on the first query, then kept up to date */
  entries: Map<string, Set<T>> | undefined;
}

const NAMESPACE_INDEX = "namespace";
const LABEL_INDEX = "label";

/**
 * A keyed, indexed object cache. Indexes are built on their first query and kept up to date
 * from then on, so an informer that is never queried by index pays nothing for them (the
 * built-in label index alone was a Set per distinct label value). The "namespace" index is
 * the store's own layout and costs nothing.
 *
 * @example
 * const cache = new InformerCache<Pod>({ byNode: (p) => (p.spec?.nodeName ? [p.spec.nodeName] : []) });
 * cache.upsert(pod);
 * cache.byIndex("byNode", "node-1");
 */
export class InformerCache<T extends KubeObject> implements ReadonlyCache<T> {
  private readonly objects = new ObjectMap<T>();
  private readonly indexes = new Map<string, Index<T>>();
  /** Indexes built so far: only these are maintained on changes. */
  private readonly built: Index<T>[] = [];

  constructor(indexers: Record<string, IndexFunction<T>> = {}) {
    this.addIndex(NAMESPACE_INDEX, (o) => (o.metadata?.namespace ? [o.metadata.namespace] : []));
    this.addIndex(LABEL_INDEX, (o) => Object.entries(o.metadata?.labels ?? {}).map(([k, v]) => `${k}=${v}`));
    for (const [name, fn] of Object.entries(indexers)) this.addIndex(name, fn);
  }

  get size(): number {
    return this.objects.size;
  }

  get(name: string, namespace?: string): T | undefined {
    return this.objects.get(namespace, name);
  }

  getByKey(key: string): T | undefined {
    return this.objects.getByKey(key);
  }

  keys(): string[] {
    return this.objects.keys();
  }

  list(filter: { namespace?: string; labels?: Record<string, string> } = {}): T[] {
    const labels = Object.entries(filter.labels ?? {});
    let candidates: Iterable<T>;
    if (filter.namespace !== undefined) candidates = this.byIndex(NAMESPACE_INDEX, filter.namespace);
    else if (labels.length > 0) candidates = this.byIndex(LABEL_INDEX, `${labels[0]![0]}=${labels[0]![1]}`);
    else candidates = this.objects.values();
    const out: T[] = [];
    for (const object of candidates) {
      const own = object.metadata?.labels ?? {};
      if (labels.every(([k, v]) => own[k] === v)) out.push(object);
    }
    return out;
  }

  byIndex(indexName: string, value: string): T[] {
    const index = this.indexes.get(indexName);
    if (!index) throw new ValidationError(`no index named "${indexName}" (have: ${this.indexNames().join(", ")})`);
    // Namespaced objects are stored by namespace already; cluster-scoped ones are in no namespace.
    if (indexName === NAMESPACE_INDEX) return value === "" ? [] : [...this.objects.inNamespace(value)];
    const objects = this.build(index).get(value);
    return objects ? [...objects] : [];
  }

  indexNames(): string[] {
    return [...this.indexes.keys()];
  }

  hasIndex(name: string): boolean {
    return this.indexes.has(name);
  }

  /** Adds an index; it is filled from the cached objects when first queried. */
  addIndex(name: string, fn: IndexFunction<T>): void {
    if (this.indexes.has(name)) throw new ValidationError(`an index named "${name}" already exists`);
    this.indexes.set(name, { fn, entries: undefined });
  }

  /** Stores an object; returns the one it replaced. */
  upsert(object: T): T | undefined {
    const previous = this.objects.set(object);
    for (const index of this.built) {
      if (previous) removeFromIndex(index.entries!, previous, index.fn);
      addToIndex(index.entries!, object, index.fn);
    }
    return previous;
  }

  /** Removes an object (found by its key); returns what was stored. */
  remove(object: T): T | undefined {
    const previous = this.objects.delete(object);
    if (!previous) return undefined;
    for (const index of this.built) removeFromIndex(index.entries!, previous, index.fn);
    return previous;
  }

  private build(index: Index<T>): Map<string, Set<T>> {
    if (index.entries) return index.entries;
    const entries = new Map<string, Set<T>>();
    for (const object of this.objects.values()) addToIndex(entries, object, index.fn);
    index.entries = entries;
    this.built.push(index);
    return entries;
  }
}

function addToIndex<T>(entries: Map<string, Set<T>>, object: T, fn: IndexFunction<T>): void {
  for (const value of fn(object)) {
    let objects = entries.get(value);
    if (!objects) entries.set(value, (objects = new Set()));
    objects.add(object);
  }
}

function removeFromIndex<T>(entries: Map<string, Set<T>>, object: T, fn: IndexFunction<T>): void {
  for (const value of fn(object)) {
    const objects = entries.get(value);
    if (!objects) continue;
    objects.delete(object);
    if (objects.size === 0) entries.delete(value);
  }
}
