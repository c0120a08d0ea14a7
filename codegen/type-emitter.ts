/**
 * Turns one normalised schema into a TypeScript declaration. The subset is small (see
 * schema-normalize.ts): $ref, literal `const`, enums, unions, intersections, arrays, objects
 * with properties and index signatures, and the SDK's own value types (`x-bun-k8s-type`).
 * Written by hand so the generator needs no TypeScript compiler at run time: `bun-k8s-gen` runs
 * in a user's project with only bun-k8s installed.
 */
import type { SchemaObject } from "./model.ts";
import { schemaRefPrefix } from "./model.ts";
import { docKey, sdkTypeKey, type SdkType } from "./schema-normalize.ts";

/** Renders a description as a TSDoc block at the given indentation. */
export function docComment(text: string, indent = ""): string {
  const lines = text.replace(/\*\//g, "*\\/").replace(/\r\n?/g, "\n").split("\n");
  if (lines.length === 1) return `${indent}/** ${lines[0]} */\n`;
  return `${indent}/**\n${lines.map((l) => `${indent} *${l === "" ? "" : ` ${l}`}`).join("\n")}\n${indent} */\n`;
}

/** Output of one schema: its declaration text, the schema names and the SDK value types it refers to. */
export interface EmittedType {
  readonly text: string;
  readonly refs: ReadonlySet<string>;
  readonly sdkTypes: ReadonlySet<SdkType>;
}

const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Parenthesises a union or intersection before `[]`. */
function element(type: string): string {
  let depth = 0;
  for (const c of type) {
    if ("({[<".includes(c)) depth++;
    else if (")}]>".includes(c)) depth--;
    else if (depth === 0 && (c === "|" || c === "&")) return `(${type})`;
  }
  return type;
}

function union(types: readonly string[]): string {
  return [...new Set(types)].join(" | ");
}

const PRIMITIVES: Readonly<Record<string, string>> = { string: "string", integer: "number", number: "number", boolean: "boolean", null: "null" };

class Printer {
  readonly refs = new Set<string>();
  readonly sdkTypes = new Set<SdkType>();
  readonly #nameOfRef: (schemaName: string) => string;

  constructor(nameOfRef: (schemaName: string) => string) {
    this.#nameOfRef = nameOfRef;
  }

  sdk(name: SdkType): string {
    this.sdkTypes.add(name);
    return name;
  }

  /** The type of a schema at a nesting level (objects print their members one level deeper). */
  type(schema: SchemaObject, level: number): string {
    const base = this.#bare(schema, level);
    return schema.nullable === true && base !== "unknown" ? union([base, "null"]) : base;
  }

  #bare(schema: SchemaObject, level: number): string {
    if (typeof schema.$ref === "string") {
      const name = schema.$ref.slice(schemaRefPrefix.length);
      this.refs.add(name);
      return this.#nameOfRef(name);
    }
    const sdk = schema[sdkTypeKey];
    if (typeof sdk === "string") return this.sdk(sdk as SdkType);
    if ("const" in schema) return JSON.stringify(schema.const);
    if (Array.isArray(schema.enum)) {
      const literals = schema.enum.map((v) => JSON.stringify(v));
      // A closed list on write; on read, a newer server may send a value this SDK does not know.
      const open = schema.enum.every((v) => typeof v === "string") ? [this.sdk("NewerValue")] : [];
      return union([...literals, ...open]);
    }
    for (const key of ["oneOf", "anyOf"] as const) {
      const list = schema[key];
      if (Array.isArray(list)) return union(list.map((s) => this.type(s as SchemaObject, level)));
    }
    if (Array.isArray(schema.allOf)) return [...new Set(schema.allOf.map((s) => this.type(s as SchemaObject, level)))].join(" & ");
    const type = schema.type;
    if (Array.isArray(type)) return union(type.map((t) => this.#bare({ ...schema, type: t }, level)));
    if (type === "array") {
      const items = schema.items;
      const item = Array.isArray(items) ? union(items.map((s) => this.type(s as SchemaObject, level))) : isRecord(items) ? this.type(items, level) : "unknown";
      return `${element(item)}[]`;
    }
    if (type === "object" || isRecord(schema.properties) || schema.additionalProperties !== undefined) return this.#object(schema, level);
    if (typeof type === "string" && PRIMITIVES[type]) return PRIMITIVES[type] as string;
    return "unknown";
  }

  #object(schema: SchemaObject, level: number): string {
    const props = isRecord(schema.properties) ? (schema.properties as Record<string, SchemaObject>) : {};
    const required = new Set(Array.isArray(schema.required) ? schema.required : []);
    const inner = "  ".repeat(level + 1);
    const lines: string[] = [];
    for (const [name, prop] of Object.entries(props)) {
      const doc = prop[docKey];
      const key = IDENTIFIER.test(name) ? name : JSON.stringify(name);
      lines.push(`${typeof doc === "string" ? docComment(doc, inner) : ""}${inner}${key}${required.has(name) ? "" : "?"}: ${this.type(prop, level + 1)};`);
    }
    const extra = schema.additionalProperties;
    // Open beside typed fields, the index must admit every field's type (interfaces are no JsonValue).
    if (extra === true) lines.push(`${inner}[key: string]: ${lines.length > 0 ? "unknown" : this.sdk("JsonValue")};`);
    else if (isRecord(extra)) lines.push(`${inner}[key: string]: ${this.type(extra, level + 1)};`);
    if (lines.length === 0) return "Record<string, unknown>";
    return `{\n${lines.join("\n")}\n${"  ".repeat(level)}}`;
  }
}

/**
 * Creates an emitter bound to one model's schemas.
 *
 * @example
 * const emit = createTypeEmitter(model.schemas);
 * const { text } = emit("io.k8s.api.apps.v1.Deployment", "Deployment", (ref) => ref.split(".").pop()!);
 */
export function createTypeEmitter(
  schemas: ReadonlyMap<string, SchemaObject>,
): (schemaName: string, typeName: string, nameOfRef: (schemaName: string) => string) => EmittedType {
  return (schemaName, typeName, nameOfRef) => {
    const schema = schemas.get(schemaName) ?? {};
    const printer = new Printer(nameOfRef);
    const body = printer.type(schema, 0);
    const doc = typeof schema[docKey] === "string" ? docComment(schema[docKey] as string) : "";
    const declaration = body.startsWith("{\n") && schema.nullable !== true ? `export interface ${typeName} ${body}\n` : `export type ${typeName} = ${body};\n`;
    return { text: doc + declaration, refs: printer.refs, sdkTypes: printer.sdkTypes };
  };
}
