/**
 * Server-side apply's field sets (`metadata.managedFields[].fieldsV1`) are the bulk of a small
 * object's nested objects, and they repeat: every object written by the same manager in the
 * same way carries an identical set. An informer keeps one frozen copy of each distinct set
 * and points its objects at it. For 10,000 ConfigMaps that is 9 of their 15 objects each.
 *
 * The copies are frozen because they are shared: writing into one would change every object
 * that holds it, so it throws instead (ES modules run in strict mode). Copy an object from a
 * store (structuredClone) before changing its field sets; dropping them
 * (`delete o.metadata.managedFields`) needs no copy.
 */
import { isRecord, type KubeObject } from "../base/object.ts";

/**
 * Distinct field sets remembered, least recently used forgotten first (objects keep theirs).
 * Small on purpose: a set unique to one object (a pod's IP in its status set) is never shared,
 * and its text must not pile up; sets that many objects share stay in use and stay here.
 */
export const MAX_SHARED_FIELD_SETS = 256;

/**
 * The distinct field sets an informer has seen.
 *
 * @example
 * const sets = new SharedFieldSets();
 * sets.share(a); sets.share(b); // a's and b's identical fieldsV1 are now one frozen object
 */
export class SharedFieldSets {
  private readonly byText = new Map<string, Record<string, unknown>>();

  /** Points each of the object's field sets at the shared copy (in place). */
  share(object: KubeObject): void {
    const entries = object.metadata?.managedFields;
    if (!Array.isArray(entries)) return;
    for (const entry of entries) {
      if (!isRecord(entry) || !isRecord(entry.fieldsV1)) continue;
      const fields = entry.fieldsV1;
      if (Object.isFrozen(fields)) continue;
      const text = JSON.stringify(fields);
      let shared = this.byText.get(text);
      if (shared === undefined) {
        shared = deepFreeze(fields);
        if (this.byText.size >= MAX_SHARED_FIELD_SETS) this.byText.delete(this.byText.keys().next().value!);
      } else {
        // Most recently used last: the first key is the one to forget.
        this.byText.delete(text);
      }
      this.byText.set(text, shared);
      entry.fieldsV1 = shared;
    }
  }
}

function deepFreeze<V extends Record<string, unknown>>(value: V): V {
  for (const child of Object.values(value)) if (isRecord(child)) deepFreeze(child);
  return Object.freeze(value);
}
