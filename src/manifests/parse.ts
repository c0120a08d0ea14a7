/**
 * Manifest files in and out: multi-document YAML or JSON into Kubernetes objects (List kinds
 * flattened into their items), and objects back into YAML as kubectl prints them. Each parsed
 * object remembers where it came from, so apply and diff results can name the file, document
 * and line.
 */
import { DocumentError } from "../base/errors.ts";
import { isRecord, type DynamicObject, type KubeObject } from "../base/object.ts";
import { loadYamlDocuments, type YamlLimits } from "../base/yaml-documents.ts";
import { toYaml } from "./yaml-text.ts";

/** Where a parsed object came from. */
export interface ManifestOrigin {
  /** The `source` given to `parseManifests` (a file name, a URL), if any. */
  readonly source: string | undefined;
  /** 1-based document index in the stream. */
  readonly document: number;
  /** 1-based line of the document (of the List, for an item of one). */
  readonly line: number;
  /** 0-based index in the List's items, for an object that came from a List. */
  readonly item?: number;
}

/** Where the text came from (named in errors and origins) and the YAML limits to read it with. */
export interface ParseOptions {
  /** Named in errors and origins, e.g. the file path. */
  source?: string;
  /** Override the size and nesting limits (defaults: 32 MiB, 10,000 levels). */
  limits?: Partial<YamlLimits>;
}

const origins = new WeakMap<object, ManifestOrigin>();

/**
 * Where a parsed object came from, or undefined for objects built in code.
 *
 * @example
 * const [first] = parseManifests(text, { source: "app.yaml" });
 * originOf(first!); // { source: "app.yaml", document: 1, line: 1 }
 */
export function originOf(object: object): ManifestOrigin | undefined {
  return origins.get(object);
}

/**
 * "app.yaml, document 3, line 40" (plus the List item), for messages.
 *
 * @example describeOrigin({ source: "app.yaml", document: 3, line: 40 }) // "app.yaml, document 3, line 40"
 */
export function describeOrigin(origin: ManifestOrigin): string {
  const parts = [origin.source, `document ${origin.document}`, `line ${origin.line}`, origin.item !== undefined && `item ${origin.item}`];
  return parts.filter((p): p is string => typeof p === "string" && p !== "").join(", ");
}

type Manifest = DynamicObject & { apiVersion: string; kind: string };

function checkObject(value: unknown, where: { source: string | undefined; document: number; line: number }, what: string): Manifest {
  if (!isRecord(value)) {
    throw new DocumentError(`${what} must be a mapping (an object), not ${Array.isArray(value) ? "a sequence" : typeof value}`, where);
  }
  for (const field of ["apiVersion", "kind"] as const) {
    const v = value[field];
    if (typeof v !== "string" || v === "") throw new DocumentError(`${what} has no ${field}`, where);
  }
  if (value.metadata !== undefined && !isRecord(value.metadata)) throw new DocumentError(`${what}: metadata must be a mapping`, where);
  const metadata = value.metadata as Record<string, unknown> | undefined;
  for (const field of ["name", "namespace", "generateName"] as const) {
    if (metadata?.[field] !== undefined && typeof metadata[field] !== "string") throw new DocumentError(`${what}: metadata.${field} must be a string`, where);
  }
  for (const field of ["labels", "annotations"] as const) {
    const map = metadata?.[field];
    if (map === undefined || map === null) continue;
    if (!isRecord(map) || Object.values(map).some((v) => typeof v !== "string")) {
      throw new DocumentError(`${what}: metadata.${field} must map strings to strings (quote values such as "true" or "1")`, where);
    }
  }
  return value as Manifest;
}

/**
 * Parses a stream of YAML or JSON documents into objects. Empty documents are skipped; a
 * `List` (or any `*List` kind with `items`) becomes its items, which inherit the list's
 * apiVersion and kind when they name none. YAML is read as kubectl reads it (YAML 1.1
 * scalars: `on` is true, `0755` is octal). Throws DocumentError naming the document and line.
 *
 * @example
 * const objects = parseManifests(await readFile("deploy.yaml", "utf8"), { source: "deploy.yaml" });
 * console.log(objects.map((o) => `${o.kind}/${o.metadata?.name}`));
 */
export function parseManifests(text: string, options: ParseOptions = {}): DynamicObject[] {
  const source = options.source;
  const out: DynamicObject[] = [];
  const loadOptions = { ...(source !== undefined && { source }), ...(options.limits !== undefined && { limits: options.limits }) };
  for (const { document, line, value } of loadYamlDocuments(text, loadOptions)) {
    const where = { source, document, line };
    const object = checkObject(value, where, "the document");
    const items = object.items;
    if (object.kind.endsWith("List") && Array.isArray(items)) {
      const itemKind = object.kind === "List" ? undefined : object.kind.slice(0, -"List".length);
      items.forEach((item: unknown, i) => {
        // Typed lists (ConfigMapList) may leave apiVersion and kind off their items.
        const filled = isRecord(item) && itemKind !== undefined && item.kind === undefined && item.apiVersion === undefined
          ? { ...item, apiVersion: object.apiVersion, kind: itemKind }
          : item;
        const checked = checkObject(filled, where, `item ${i} of the ${object.kind}`);
        origins.set(checked, { ...where, item: i });
        out.push(checked);
      });
      continue;
    }
    origins.set(object, where);
    out.push(object);
  }
  return out;
}

/**
 * Objects as YAML, the way kubectl prints them, documents separated by `---`.
 *
 * @example
 * await writeFile("out.yaml", dumpManifests([deployment, service]));
 */
export function dumpManifests(objects: readonly KubeObject[]): string {
  return objects.map((o) => toYaml(o)).join("---\n");
}
