/**
 * Rewrites loaded schemas into the plain OpenAPI subset the type emitter understands, applying
 * the Kubernetes extensions on the way:
 * - `x-kubernetes-int-or-string` / `format: int-or-string` → integer | string;
 * - `x-kubernetes-preserve-unknown-fields` → an open record (`[key: string]: unknown`);
 * - `allOf: [{$ref}]` wrappers (how v3 documents attach docs to refs) → the `$ref`;
 * - top-level kinds get literal `apiVersion`/`kind`;
 * - inline `spec`/`status` of custom resources become named schemas (GitRepositorySpec, ...).
 * Descriptions move to `x-doc` (read by the emitter for TSDoc); defaults, formats and
 * examples are dropped so they cannot leak into the types. Property order is sorted, so
 * two sources that differ only in order give the same output.
 */
import { type ApiModel, compareStrings, type KindModel, type SchemaObject, schemaRefPrefix } from "./model.ts";

/** Key under which a normalised schema carries its description. */
export const docKey = "x-doc";

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function withDoc(target: SchemaObject, source: Record<string, unknown>): SchemaObject {
  // An already normalised schema carries its description under docKey.
  const d = source.description ?? source[docKey];
  if (typeof d === "string" && d.trim() !== "") target[docKey] = d.trim();
  return target;
}

/**
 * Normalises one schema (recursively).
 *
 * @example
 * normalizeSchema({ "x-kubernetes-int-or-string": true, anyOf: [{ type: "integer" }, { type: "string" }] });
 * // { oneOf: [{ type: "integer" }, { type: "string" }] }
 */
export function normalizeSchema(schema: unknown): SchemaObject {
  if (!isRecord(schema)) return {};
  if (typeof schema.$ref === "string") return withDoc({ $ref: schema.$ref }, schema);
  const allOf = Array.isArray(schema.allOf) ? schema.allOf : undefined;
  if (allOf?.length === 1 && isRecord(allOf[0]) && typeof allOf[0].$ref === "string" && !schema.properties && !schema.type) {
    return withDoc({ $ref: allOf[0].$ref }, schema);
  }
  if (schema["x-kubernetes-int-or-string"] === true || schema.format === "int-or-string") {
    return withDoc({ oneOf: [{ type: "integer" }, { type: "string" }] }, schema);
  }
  const out: SchemaObject = {};
  if (typeof schema.type === "string" || Array.isArray(schema.type)) out.type = schema.type;
  if (Array.isArray(schema.enum)) out.enum = [...schema.enum];
  if (schema.nullable === true) out.nullable = true;
  if (isRecord(schema.properties)) {
    const props: Record<string, SchemaObject> = {};
    for (const key of Object.keys(schema.properties).sort(compareStrings)) {
      props[key] = normalizeSchema(schema.properties[key]);
    }
    if (Object.keys(props).length > 0) out.properties = props;
  }
  if (Array.isArray(schema.required) && schema.required.length > 0) {
    out.required = [...new Set(schema.required.filter((r): r is string => typeof r === "string"))].sort(compareStrings);
  }
  if (schema.items !== undefined) {
    out.items = Array.isArray(schema.items) ? schema.items.map(normalizeSchema) : normalizeSchema(schema.items);
  }
  if (schema.additionalProperties === true) out.additionalProperties = true;
  else if (isRecord(schema.additionalProperties)) {
    const ap = normalizeSchema(schema.additionalProperties);
    // An empty schema means "any value": that is the open record, same as `true`.
    out.additionalProperties = Object.keys(ap).filter((k) => k !== docKey).length === 0 ? true : ap;
  }
  for (const key of ["allOf", "anyOf", "oneOf"] as const) {
    const list = schema[key];
    if (Array.isArray(list) && list.length > 0) out[key] = list.map(normalizeSchema);
  }
  if (schema["x-kubernetes-preserve-unknown-fields"] === true && out.additionalProperties === undefined) {
    const type = out.type;
    if (type === undefined || type === "object") {
      out.type = "object";
      out.additionalProperties = true;
    }
  }
  return withDoc(out, schema);
}

function packageOf(schemaName: string): string {
  const i = schemaName.lastIndexOf(".");
  return i < 0 ? "" : schemaName.slice(0, i);
}

function apiVersion(k: KindModel): string {
  return k.group === "" ? k.version : `${k.group}/${k.version}`;
}

/** Pins `apiVersion` and `kind` of a kind's schema to literals, keeping their docs. */
function withIdentity(schema: SchemaObject, apiVersionValue: string, kind: string): SchemaObject {
  const props = isRecord(schema.properties) ? { ...(schema.properties as Record<string, SchemaObject>) } : {};
  props.apiVersion = { ...(props.apiVersion ?? {}), type: "string", enum: [apiVersionValue] };
  props.kind = { ...(props.kind ?? {}), type: "string", enum: [kind] };
  const sorted: Record<string, SchemaObject> = {};
  for (const key of Object.keys(props).sort(compareStrings)) sorted[key] = props[key] as SchemaObject;
  return { ...schema, properties: sorted };
}

/**
 * Normalises every schema of a model and applies the kind-level rewrites described above.
 *
 * @example
 * const ready = normalizeModel(loadOpenApiDocuments(docs));
 */
export function normalizeModel(model: ApiModel): ApiModel {
  const schemas = new Map<string, SchemaObject>();
  for (const [name, schema] of model.schemas) schemas.set(name, normalizeSchema(schema));
  for (const kind of model.kinds) {
    const object = schemas.get(kind.schema);
    if (object) {
      let rewritten = withIdentity(object, apiVersion(kind), kind.kind);
      rewritten = hoistInline(rewritten, kind, schemas);
      schemas.set(kind.schema, rewritten);
    }
    const list = kind.listSchema ? schemas.get(kind.listSchema) : undefined;
    if (list && kind.listSchema) schemas.set(kind.listSchema, withIdentity(list, apiVersion(kind), kind.listKind));
  }
  return { kinds: model.kinds, schemas: sortedMap(schemas) };
}

/** Gives inline `spec`/`status` objects a name of their own (`<Kind>Spec`), as built-in kinds have. */
function hoistInline(schema: SchemaObject, kind: KindModel, schemas: Map<string, SchemaObject>): SchemaObject {
  const props = schema.properties as Record<string, SchemaObject> | undefined;
  if (!props) return schema;
  const next = { ...props };
  for (const field of ["spec", "status"] as const) {
    const inline = props[field];
    if (!inline || inline.$ref !== undefined || !isRecord(inline.properties)) continue;
    const name = `${packageOf(kind.schema)}.${kind.kind}${field === "spec" ? "Spec" : "Status"}`;
    if (schemas.has(name)) continue;
    schemas.set(name, inline);
    const ref: SchemaObject = { $ref: `${schemaRefPrefix}${name}` };
    if (typeof inline[docKey] === "string") ref[docKey] = inline[docKey];
    next[field] = ref;
  }
  return { ...schema, properties: next };
}

function sortedMap<V>(map: Map<string, V>): Map<string, V> {
  return new Map([...map.entries()].sort(([a], [b]) => compareStrings(a, b)));
}
