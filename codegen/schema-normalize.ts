/**
 * Rewrites loaded schemas into the plain OpenAPI subset the type emitter understands, applying
 * the Kubernetes extensions on the way:
 * - `x-kubernetes-int-or-string` / `format: int-or-string` → integer | string;
 * - `x-kubernetes-preserve-unknown-fields` → any JSON value without a type, an open record on an object;
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

/** Key naming one of the SDK's own value types (src/base/value-types.ts) that a schema stands for. */
export const sdkTypeKey = "x-bun-k8s-type";

/** The SDK value types generated code may refer to. */
export type SdkType = "JsonValue" | "NewerValue" | "QuantityMarker";

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
  if (typeof schema[sdkTypeKey] === "string") return withDoc({ [sdkTypeKey]: schema[sdkTypeKey] }, schema);
  const out: SchemaObject = {};
  if ("const" in schema) out.const = schema.const;
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
    // No type and no fields: any JSON value (HelmRelease spec.values may even be a list).
    if (type === undefined && out.properties === undefined && out.allOf === undefined && out.anyOf === undefined && out.oneOf === undefined) {
      return withDoc({ [sdkTypeKey]: "JsonValue" }, schema);
    }
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
  const literal = (prop: SchemaObject | undefined, value: string): SchemaObject => {
    const { enum: _enum, type: _type, ...rest } = prop ?? {};
    return { ...rest, const: value };
  };
  props.apiVersion = literal(props.apiVersion, apiVersionValue);
  props.kind = literal(props.kind, kind);
  const sorted: Record<string, SchemaObject> = {};
  for (const key of Object.keys(props).sort(compareStrings)) sorted[key] = props[key] as SchemaObject;
  return { ...schema, properties: sorted };
}

const apiextensions = "io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1";
const schemaProps: SchemaObject = { $ref: `${schemaRefPrefix}${apiextensions}.JSONSchemaProps` };

/**
 * Schemas whose published form says less than the API means: Go types with custom JSON
 * encoding that the OpenAPI documents leave untyped (or type loosely).
 */
const REAL_SHAPES: ReadonlyMap<string, SchemaObject> = new Map([
  // The server always answers with the canonical string; writes may send numbers (see Writable).
  ["io.k8s.apimachinery.pkg.api.resource.Quantity", { allOf: [{ type: "string" }, { [sdkTypeKey]: "QuantityMarker" }] }],
  [`${apiextensions}.JSON`, { [sdkTypeKey]: "JsonValue" }],
  // A field set: "f:spec", "k:{...}", "v:...", "i:0" and "." keys, each holding a field set.
  ["io.k8s.apimachinery.pkg.apis.meta.v1.FieldsV1", { type: "object", additionalProperties: { $ref: `${schemaRefPrefix}io.k8s.apimachinery.pkg.apis.meta.v1.FieldsV1` } }],
  [`${apiextensions}.JSONSchemaPropsOrArray`, { oneOf: [schemaProps, { type: "array", items: schemaProps }] }],
  [`${apiextensions}.JSONSchemaPropsOrBool`, { oneOf: [schemaProps, { type: "boolean" }] }],
  [`${apiextensions}.JSONSchemaPropsOrStringArray`, { oneOf: [schemaProps, { type: "array", items: { type: "string" } }] }],
]);

/**
 * Normalises every schema of a model and applies the kind-level rewrites described above.
 *
 * @example
 * const ready = normalizeModel(loadOpenApiDocuments(docs));
 */
export function normalizeModel(model: ApiModel): ApiModel {
  const schemas = new Map<string, SchemaObject>();
  for (const [name, schema] of model.schemas) {
    const shape = REAL_SHAPES.get(name);
    schemas.set(name, normalizeSchema(shape ? { ...shape, description: (schema as { description?: unknown }).description } : schema));
  }
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
