/**
 * Puts back the enums the committed OpenAPI documents leave out. codegen/enums/ reads them from
 * the pinned Go definitions (the ones a live API server publishes); this lays them onto the
 * loaded schemas. Any mismatch between the two inputs is drift and stops generation: an enum
 * for a field a published schema lacks, a field that is not a string, or a different enum
 * already there. (Models the documents do not publish at all, such as unserved versions, are
 * not drift: there is nothing to type.)
 */
import { ConfigError } from "../src/base/errors.ts";
import type { ApiModel, SchemaObject } from "./model.ts";

/** One enum as codegen/enums/ prints it. */
export interface EnumEntry {
  readonly schema: string;
  /** From the model's schema to the field's: "properties", name, "items", "additionalProperties". */
  readonly path: readonly string[];
  readonly values: readonly (string | number)[];
}

export interface EnumTable {
  readonly models: number;
  readonly enums: readonly EnumEntry[];
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/**
 * Parses codegen/enums/ output, rejecting anything else.
 *
 * @example const table = parseEnumTable(await readFile(inputs.kubernetesEnums, "utf8"));
 */
export function parseEnumTable(text: string, where: string): EnumTable {
  const raw: unknown = JSON.parse(text);
  if (!isRecord(raw) || typeof raw.models !== "number" || !Array.isArray(raw.enums)) throw new ConfigError(`${where}: not an enum table`);
  for (const e of raw.enums) {
    if (!isRecord(e) || typeof e.schema !== "string" || !Array.isArray(e.path) || !Array.isArray(e.values)) throw new ConfigError(`${where}: malformed enum entry`);
  }
  return raw as unknown as EnumTable;
}

const sameValues = (a: readonly unknown[], b: readonly unknown[]) =>
  a.length === b.length && [...a].map(String).sort().join("\0") === [...b].map(String).sort().join("\0");

/**
 * A copy of the model with every enum of the table set on its field. Throws ConfigError naming
 * each drift.
 *
 * @example const model = applyEnums(loadOpenApiDocuments(docs), table, "k8s.io/kubernetes@v1.37.2");
 */
export function applyEnums(model: ApiModel, table: EnumTable, where: string): ApiModel {
  const schemas = new Map(model.schemas);
  const problems: string[] = [];
  for (const entry of table.enums) {
    const root = schemas.get(entry.schema);
    // The Go definitions cover every registered type; the documents only the served ones.
    if (!root) continue;
    const copy = structuredClone(root);
    let node: unknown = copy;
    for (const step of entry.path) node = isRecord(node) ? node[step] : undefined;
    const at = `${entry.schema} ${entry.path.filter((p) => p !== "properties").join(".")}`;
    if (!isRecord(node)) {
      problems.push(`${at}: no such field in the documents`);
      continue;
    }
    const field = node as SchemaObject;
    const wantType = entry.values.every((v) => typeof v === "string") ? "string" : undefined;
    if (wantType && field.type !== wantType) problems.push(`${at}: the documents type it ${JSON.stringify(field.type)}, not a string`);
    else if (Array.isArray(field.enum) && !sameValues(field.enum, entry.values)) problems.push(`${at}: the documents list other values`);
    else {
      field.enum = [...entry.values];
      schemas.set(entry.schema, copy);
    }
  }
  if (problems.length > 0) throw new ConfigError(`enum drift between the OpenAPI documents and ${where}:\n  ${problems.join("\n  ")}`);
  return { kinds: model.kinds, schemas };
}
