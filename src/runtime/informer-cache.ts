/**
 * The informer's local copy of a collection: objects by "namespace/name", plus indexes
 * kept up to date on every change. Two indexes always exist: "namespace" and "label"
 * (values "key=value"); more are added with index functions.
 */
import { ValidationError } from "../base/errors.ts";
import { objectKey, type KubeObject } from "../base/object.ts";

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
  /** index value → keys of the objects under it */
  entries: Map<string, Set<string>>;
}

const NAMESPACE_INDEX = "namespace";
const LABEL_INDEX = "label";

/**
 * A keyed, indexed object cache.
 *
 * @example
 * const cache = new InformerCache<Pod>({ byNode: (p) => (p.spec?.nodeName ? [p.spec.nodeName] : []) });
 * cache.upsert(pod);
 * cache.byIndex("byNode", "node-1");
 */
export class InformerCache<T extends KubeObject> implements ReadonlyCache<T> {
  private readonly objects = new Map<string, T>();
  private readonly indexes = new Map<string, Index<T>>();

  constructor(indexers: Record<string, IndexFunction<T>> = {}) {
    this.addIndex(NAMESPACE_INDEX, (o) => (o.metadata?.namespace ? [o.metadata.namespace] : []));
    this.addIndex(LABEL_INDEX, (o) => Object.entries(o.metadata?.labels ?? {}).map(([k, v]) => `${k}=${v}`));
    for (const [name, fn] of Object.entries(indexers)) this.addIndex(name, fn);
  }

  get size(): number {
    return this.objects.size;
  }

  get(name: string, namespace?: string): T | undefined {
    return this.objects.get(namespace ? `${namespace}/${name}` : name);
  }

  getByKey(key: string): T | undefined {
    return this.objects.get(key);
  }

  keys(): string[] {
    return [...this.objects.keys()];
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
    const keys = index.entries.get(value);
    if (!keys) return [];
    const out: T[] = [];
    for (const key of keys) {
      const object = this.objects.get(key);
      if (object) out.push(object);
    }
    return out;
  }

  indexNames(): string[] {
    return [...this.indexes.keys()];
  }

  hasIndex(name: string): boolean {
    return this.indexes.has(name);
  }

  /** Adds an index and fills it from the objects already cached. */
  addIndex(name: string, fn: IndexFunction<T>): void {
    if (this.indexes.has(name)) throw new ValidationError(`an index named "${name}" already exists`);
    const index: Index<T> = { fn, entries: new Map() };
    this.indexes.set(name, index);
    for (const [key, object] of this.objects) addToIndex(index, key, object);
  }

  /** Stores an object; returns the one it replaced. */
  upsert(object: T): T | undefined {
    const key = objectKey(object);
    const previous = this.objects.get(key);
    if (previous) for (const index of this.indexes.values()) removeFromIndex(index, key, previous);
    this.objects.set(key, object);
    for (const index of this.indexes.values()) addToIndex(index, key, object);
    return previous;
  }

  /** Removes an object (found by its key); returns what was stored. */
  remove(object: T): T | undefined {
    const key = objectKey(object);
    const previous = this.objects.get(key);
    if (!previous) return undefined;
    for (const index of this.indexes.values()) removeFromIndex(index, key, previous);
    this.objects.delete(key);
    return previous;
  }
}

function addToIndex<T>(index: Index<T>, key: string, object: T): void {
  for (const value of index.fn(object)) {
    let keys = index.entries.get(value);
    if (!keys) index.entries.set(value, (keys = new Set()));
    keys.add(key);
  }
}

function removeFromIndex<T>(index: Index<T>, key: string, object: T): void {
  for (const value of index.fn(object)) {
    const keys = index.entries.get(value);
    if (!keys) continue;
    keys.delete(key);
    if (keys.size === 0) index.entries.delete(value);
  }
}
