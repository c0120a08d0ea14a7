/**
 * The fields an apply changes, as server-side apply sees fields: map keys, items of keyed lists
 * by their keys, items of set lists by value, other lists whole. The list kinds are read off
 * the objects' own managedFields, so no schema is needed.
 */
import { isRecord } from "../base/object.ts";
import { formatPath, isSetList, listKeyNames, type FieldSet, type PathElement } from "./managed-fields.ts";
import { sameJson } from "./normalize.ts";
import { goKeyOrder } from "./yaml-style.ts";

/** One changed field. `before` undefined: added; `after` undefined: removed. */
export interface FieldChange {
  /** As the API server prints paths: `.spec.template.spec.containers[name="web"].image`. */
  readonly path: string;
  readonly elements: readonly PathElement[];
  readonly before: unknown;
  readonly after: unknown;
}

const isScalar = (v: unknown) => v === null || typeof v !== "object";

function keyOf(item: unknown, names: readonly string[]): Record<string, unknown> | undefined {
  if (!isRecord(item) || names.some((n) => item[n] === undefined)) return undefined;
  return Object.fromEntries(names.map((n) => [n, item[n]]));
}

/**
 * The changes between two versions of an object.
 *
 * @example
 * fieldChanges({ spec: { replicas: 1 } }, { spec: { replicas: 2 } }, []);
 * // [{ path: ".spec.replicas", before: 1, after: 2, ... }]
 */
export function fieldChanges(before: unknown, after: unknown, sets: readonly FieldSet[]): FieldChange[] {
  const out: FieldChange[] = [];
  const change = (elements: PathElement[], b: unknown, a: unknown): void => {
    out.push({ path: formatPath(elements), elements, before: b, after: a });
  };
  const walk = (b: unknown, a: unknown, path: PathElement[]): void => {
    if (sameJson(b, a)) return;
    if (b === undefined || a === undefined) return change(path, b, a);
    if (isRecord(b) && isRecord(a)) {
      const keys = [...new Set([...Object.keys(b), ...Object.keys(a)])].sort(goKeyOrder);
      for (const k of keys) walk(b[k], a[k], [...path, { field: k }]);
      return;
    }
    if (Array.isArray(b) && Array.isArray(a)) {
      const names = listKeyNames(sets, path);
      const keyed = names && [...b, ...a].every((item) => keyOf(item, names) !== undefined);
      if (names && keyed) {
        const byKey = (items: unknown[]) => new Map(items.map((item) => [JSON.stringify(keyOf(item, names)), item]));
        const bs = byKey(b);
        const as = byKey(a);
        for (const k of new Set([...bs.keys(), ...as.keys()])) {
          walk(bs.get(k), as.get(k), [...path, { key: JSON.parse(k) as Record<string, unknown> }]);
        }
        return;
      }
      if ([...b, ...a].every(isScalar) && isSetList(sets, path)) {
        const has = (items: unknown[], v: unknown) => items.some((x) => x === v);
        for (const v of b) if (!has(a, v)) change([...path, { value: v }], v, undefined);
        for (const v of a) if (!has(b, v)) change([...path, { value: v }], undefined, v);
        return;
      }
    }
    change(path, b, a);
  };
  walk(before, after, []);
  return out;
}
