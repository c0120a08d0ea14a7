/**
 * Server-side apply's field ownership: `metadata.managedFields[].fieldsV1` read into trees, field
 * paths written the way the API server writes them in conflict causes
 * (`.spec.template.spec.containers[name="web"].image`), and who owns a path.
 */
import { isRecord, type KubeObject } from "../base/object.ts";

/** One step of a field path: a field, a list item by its keys, a set value, or a list index. */
export type PathElement =
  | { readonly field: string }
  | { readonly key: Readonly<Record<string, unknown>> }
  | { readonly value: unknown }
  | { readonly index: number };

/** A field set (fieldsV1): children by their fieldsV1 key ("f:spec", "k:{...}", "v:...", "i:0"); "." marks the node itself. */
export interface FieldSet {
  readonly children: ReadonlyMap<string, FieldSet>;
}

/** A manager's entry in managedFields. */
export interface FieldManager {
  readonly manager: string;
  /** "Apply" (server-side apply) or "Update" (create, update, patch). */
  readonly operation: string;
  readonly apiVersion: string | undefined;
  readonly time: string | undefined;
  readonly subresource: string | undefined;
}

/** Parses a fieldsV1 object into a FieldSet; anything that is not an object is an empty set. */
export function parseFieldsV1(raw: unknown): FieldSet {
  const children = new Map<string, FieldSet>();
  if (isRecord(raw)) for (const [k, v] of Object.entries(raw)) children.set(k, parseFieldsV1(v));
  return { children };
}

/** A Go %v / %q rendering of a key value, as structured-merge-diff prints path elements. */
function valueText(value: unknown): string {
  if (value === null) return "null";
  if (typeof value === "string") return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(valueText).join(",")}]`;
  if (isRecord(value)) return Object.keys(value).sort().map((k) => `${k}=${valueText(value[k])}`).join("");
  return String(value);
}

/**
 * A path as the API server prints it in conflicts.
 *
 * @example formatPath([{ field: "spec" }, { field: "containers" }, { key: { name: "web" } }, { field: "image" }]) // '.spec.containers[name="web"].image'
 */
export function formatPath(path: readonly PathElement[]): string {
  return path
    .map((e) => {
      if ("field" in e) return `.${e.field}`;
      if ("key" in e) return `[${Object.keys(e.key).sort().map((k) => `${k}=${valueText(e.key[k])}`).join(",")}]`;
      if ("value" in e) return `[=${valueText(e.value)}]`;
      return `[${e.index}]`;
    })
    .join("");
}

/** The fieldsV1 key of a path element ("f:spec", `k:{"name":"web"}`, `v:"a"`, "i:0"). */
function fieldsV1Key(e: PathElement): string {
  if ("field" in e) return `f:${e.field}`;
  if ("key" in e) return `k:${JSON.stringify(Object.fromEntries(Object.keys(e.key).sort().map((k) => [k, e.key[k]])))}`;
  if ("value" in e) return `v:${JSON.stringify(e.value)}`;
  return `i:${e.index}`;
}

/** The node of a field set at a path, if the set reaches it. */
export function nodeAt(set: FieldSet, path: readonly PathElement[]): FieldSet | undefined {
  let node: FieldSet | undefined = set;
  for (const e of path) {
    node = node.children.get(fieldsV1Key(e));
    if (!node) return undefined;
  }
  return node;
}

/** The key field names an associative list uses, read off any field set's `k:` entries at the list. */
export function listKeyNames(sets: readonly FieldSet[], path: readonly PathElement[]): string[] | undefined {
  for (const set of sets) {
    const node = nodeAt(set, path);
    for (const k of node?.children.keys() ?? []) {
      if (!k.startsWith("k:")) continue;
      try {
        const key: unknown = JSON.parse(k.slice(2));
        if (isRecord(key)) return Object.keys(key).sort();
      } catch {
        // A malformed key says nothing about the list's keys.
      }
    }
  }
  return undefined;
}

/** Whether any field set records the list at `path` as a set (`v:` entries). */
export function isSetList(sets: readonly FieldSet[], path: readonly PathElement[]): boolean {
  return sets.some((set) => [...(nodeAt(set, path)?.children.keys() ?? [])].some((k) => k.startsWith("v:")));
}

/** The managers of an object with their field sets. */
export function managedFieldsOf(object: KubeObject | undefined): { manager: FieldManager; fields: FieldSet }[] {
  const entries = object?.metadata?.managedFields ?? [];
  return entries.filter(isRecord).map((e) => ({
    manager: {
      manager: typeof e.manager === "string" ? e.manager : "",
      operation: typeof e.operation === "string" ? e.operation : "",
      apiVersion: typeof e.apiVersion === "string" ? e.apiVersion : undefined,
      time: typeof e.time === "string" ? e.time : undefined,
      subresource: typeof e.subresource === "string" && e.subresource !== "" ? e.subresource : undefined,
    },
    fields: parseFieldsV1(e.fieldsV1),
  }));
}

/**
 * Who owns a path: the managers whose field set holds the path itself or anything under it.
 *
 * @example ownersOf(liveDeployment, [{ field: "spec" }, { field: "replicas" }]).map((m) => m.manager) // ["kubectl-client-side-apply"]
 */
export function ownersOf(object: KubeObject | undefined, path: readonly PathElement[]): FieldManager[] {
  return managedFieldsOf(object)
    .filter(({ fields }) => nodeAt(fields, path) !== undefined)
    .map(({ manager }) => manager);
}
