/**
 * Turns one normalised schema into a TypeScript declaration with openapi-typescript, then
 * post-processes its output: `$ref`s become plain type names (resolved by the caller, which
 * also writes the imports), and TSDoc comes from the schema descriptions only.
 */
import ts from "typescript";
import { astToString, type GlobalContext, transformSchemaObject } from "openapi-typescript";
import type { SchemaObject } from "./model.ts";
import { schemaRefPrefix } from "./model.ts";
import { docKey } from "./schema-normalize.ts";

/** Renders a description as a TSDoc block at the given indentation. */
export function docComment(text: string, indent = ""): string {
  const lines = text.replace(/\*\//g, "*\\/").replace(/\r\n?/g, "\n").split("\n");
  if (lines.length === 1) return `${indent}/** ${lines[0]} */\n`;
  return `${indent}/**\n${lines.map((l) => `${indent} *${l === "" ? "" : ` ${l}`}`).join("\n")}\n${indent} */\n`;
}

function commentText(doc: string): string {
  const lines = doc.replace(/\*\//g, "*\\/").replace(/\r\n?/g, "\n").split("\n");
  if (lines.length === 1) return `* ${lines[0]} `;
  return `*\n${lines.map((l) => ` *${l === "" ? "" : ` ${l}`}`).join("\n")}\n `;
}

/**
 * The openapi-typescript context we run with: no TS enums (string unions instead), no
 * "default makes it required", empty objects are `Record<string, unknown>`, and our own docs.
 */
function makeContext(schemas: ReadonlyMap<string, SchemaObject>, docs: WeakMap<ts.Node, string>): GlobalContext {
  return {
    additionalProperties: false,
    alphabetize: false,
    arrayLength: false,
    defaultNonNullable: false,
    discriminators: { objects: {}, refsHandled: [] },
    emptyObjectsUnknown: true,
    enum: false,
    enumValues: false,
    conditionalEnums: false,
    dedupeEnums: false,
    excludeDeprecated: false,
    exportType: false,
    immutable: false,
    injectFooter: [],
    pathParamsAsTypes: false,
    postTransform: undefined,
    propertiesRequiredByDefault: false,
    rootTypes: false,
    rootTypesNoSchemaPrefix: false,
    rootTypesKeepCasing: false,
    redoc: undefined as unknown as GlobalContext["redoc"],
    silent: true,
    transform: undefined,
    transformProperty(property, schema) {
      const doc = (schema as Record<string, unknown>)[docKey];
      if (typeof doc === "string") docs.set(property, doc);
      return property;
    },
    makePathsEnum: false,
    generatePathParams: false,
    readWriteMarkers: false,
    resolve<T>($ref: string): T | undefined {
      return schemas.get($ref.slice(schemaRefPrefix.length)) as T | undefined;
    },
  };
}

/** Replaces openapi-typescript's comments with ours: descriptions only, nothing else. */
function rewriteComments(node: ts.Node, docs: WeakMap<ts.Node, string>): void {
  if (ts.isPropertySignature(node)) {
    const doc = docs.get(node);
    ts.setSyntheticLeadingComments(
      node,
      doc === undefined ? undefined : [{ kind: ts.SyntaxKind.MultiLineCommentTrivia, text: commentText(doc), pos: -1, end: -1, hasTrailingNewLine: true }],
    );
  }
  ts.forEachChild(node, (child) => rewriteComments(child, docs));
}

/** The printer indents by 4; the project style is 2 (and the output shrinks). */
function halveIndent(text: string): string {
  return text.replace(/^( +)/gm, (lead: string) => " ".repeat(Math.floor(lead.length / 4) * 2 + (lead.length % 4)));
}

const refPattern = /components\["schemas"\]\["([^"]+)"\]/g;

/** Output of one schema: its declaration text and the schema names it refers to. */
export interface EmittedType {
  readonly text: string;
  readonly refs: ReadonlySet<string>;
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
  const docs = new WeakMap<ts.Node, string>();
  const ctx = makeContext(schemas, docs);
  return (schemaName, typeName, nameOfRef) => {
    const schema = schemas.get(schemaName) ?? {};
    const node = transformSchemaObject(schema as never, { path: `${schemaRefPrefix}${schemaName}`, ctx });
    rewriteComments(node, docs);
    const refs = new Set<string>();
    const body = halveIndent(astToString(node)).replace(refPattern, (_, ref: string) => {
      refs.add(ref);
      return nameOfRef(ref);
    });
    const doc = typeof schema[docKey] === "string" ? docComment(schema[docKey] as string) : "";
    const declaration = ts.isTypeLiteralNode(node)
      ? `export interface ${typeName} ${body.trimEnd()}\n`
      : `export type ${typeName} = ${body.trimEnd()};\n`;
    return { text: doc + declaration, refs };
  };
}
