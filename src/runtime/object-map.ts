/**
 * Objects by namespace, then by name: the map the informer's cache and the watcher's resync
 * tracker keep. An object's own metadata strings are the keys, so holding 10,000 objects costs
 * no "namespace/name" string per object (a flat map keyed by objectKey did, twice over: the
 * key and the concatenation it was built from). Keys ("ns/name", or "name" for cluster-scoped
 * objects) are built only when asked for.
 */
import type { KubeObject } from "../base/object.ts";

/** The namespace slot of cluster-scoped objects (objectKey treats "" and absent alike). */
const CLUSTER = "";

/**
 * A two-level map with the semantics of a `Map<objectKey(o), o>`.
 *
 * @example
 * const objects = new ObjectMap<ConfigMap>();
 * objects.set(cm);
 * objects.getByKey("default/settings") === cm; // true
 */
export class ObjectMap<T extends KubeObject> {
  private readonly namespaces = new Map<string, Map<string, T>>();
  private count = 0;

  get size(): number {
    return this.count;
  }

  /** The object named `name` in `namespace` (absent or "": cluster-scoped). */
  get(namespace: string | undefined, name: string): T | undefined {
    return this.namespaces.get(namespace || CLUSTER)?.get(name);
  }

  /** The object stored under the key of `object`. */
  getLike(object: KubeObject): T | undefined {
    return this.namespaces.get(object.metadata?.namespace || CLUSTER)?.get(object.metadata?.name ?? "");
  }

  /** By objectKey: "namespace/name", or "name". */
  getByKey(key: string): T | undefined {
    const slash = key.indexOf("/");
    if (slash > 0) {
      const found = this.get(key.slice(0, slash), key.slice(slash + 1));
      if (found !== undefined) return found;
    }
    // A cluster-scoped object, or one whose name itself holds a slash.
    return this.namespaces.get(CLUSTER)?.get(key);
  }

  has(object: KubeObject): boolean {
    return this.getLike(object) !== undefined;
  }

  /** Stores `object` under its key; returns the object it replaced. */
  set(object: T): T | undefined {
    const namespace = object.metadata?.namespace || CLUSTER;
    const name = object.metadata?.name ?? "";
    let names = this.namespaces.get(namespace);
    if (!names) this.namespaces.set(namespace, (names = new Map()));
    const previous = names.get(name);
    names.set(name, object);
    if (previous === undefined) this.count++;
    return previous;
  }

  /** Removes what is stored under the key of `object`; returns it. */
  delete(object: KubeObject): T | undefined {
    const namespace = object.metadata?.namespace || CLUSTER;
    const names = this.namespaces.get(namespace);
    if (!names) return undefined;
    const name = object.metadata?.name ?? "";
    const previous = names.get(name);
    if (previous === undefined) return undefined;
    names.delete(name);
    this.count--;
    if (names.size === 0) this.namespaces.delete(namespace);
    return previous;
  }

  /** The objects of one namespace ("" or absent: the cluster-scoped ones). */
  inNamespace(namespace: string | undefined): IterableIterator<T> {
    return (this.namespaces.get(namespace || CLUSTER) ?? new Map<string, T>()).values();
  }

  /** Every object, namespace by namespace. */
  *values(): IterableIterator<T> {
    for (const names of this.namespaces.values()) yield* names.values();
  }

  /** Every key, as objectKey spells it. */
  keys(): string[] {
    const out: string[] = [];
    for (const [namespace, names] of this.namespaces) {
      for (const name of names.keys()) out.push(namespace === CLUSTER ? name : `${namespace}/${name}`);
    }
    return out;
  }
}
