/**
 * Reads a YAML (or JSON) stream the way kubectl does, into plain JSON values: go-yaml v2's
 * scalar rules (yaml-scalars.ts), one value per document, and kubectl's limits: aliases may
 * not expand a document beyond go-yaml's ratio ("excessive aliasing"), nesting stops at
 * 10,000 levels, and the text has a size limit. Errors are DocumentErrors naming the document
 * and line, never quoting the text. Pure: no I/O.
 */
import yaml from "js-yaml";
import { DocumentError } from "./errors.ts";
import { resolvePlainScalar, type ScalarTag } from "./yaml-scalars.ts";

/** Bounds on what one text may make us build. */
export interface YamlLimits {
  /** Largest text accepted, in UTF-8 bytes. */
  maxBytes: number;
  /** Deepest nesting of mappings and sequences (go-yaml v2 stops at 10,000). */
  maxDepth: number;
}

/** Manifests: a Flux or operator release bundle is a few MB; 32 MiB leaves room and bounds memory. */
export const MANIFEST_LIMITS: YamlLimits = { maxBytes: 32 * 1024 * 1024, maxDepth: 10_000 };

/** One non-empty document of a stream. */
export interface YamlDocument {
  /** 1-based index among all documents of the stream, empty ones included. */
  readonly document: number;
  /** 1-based line of the document's first content line. */
  readonly line: number;
  /** The document as a JSON value (objects, arrays, strings, finite numbers, booleans, null). */
  readonly value: unknown;
}

function scalarType(tag: ScalarTag, yamlTag: string): yaml.Type {
  return new yaml.Type(`tag:yaml.org,2002:${yamlTag}`, {
    kind: "scalar",
    resolve: (data: unknown) => typeof data === "string" && resolvePlainScalar(data).tag === tag,
    construct: (data: unknown) => (typeof data === "string" ? resolvePlainScalar(data).value : null),
  });
}

/** go-yaml v2's resolution for plain scalars; quoted scalars and unknown plain text stay strings. */
const KUBE_SCHEMA = yaml.FAILSAFE_SCHEMA.extend({
  implicit: [
    scalarType("null", "null"),
    scalarType("bool", "bool"),
    scalarType("int", "int"),
    scalarType("float", "float"),
    new yaml.Type("tag:yaml.org,2002:merge", { kind: "scalar", resolve: (data: unknown) => data === "<<" }),
  ],
});

// go-yaml v2 (decode.go): up to 400,000 decodes, 99% may come from aliases; from 4,000,000 on, 10%.
function allowedAliasRatio(decodes: number): number {
  if (decodes <= 400_000) return 0.99;
  if (decodes >= 4_000_000) return 0.1;
  return 0.99 - 0.89 * ((decodes - 400_000) / 3_600_000);
}

/**
 * Walks a parsed document as go-yaml would decode it. js-yaml gives an alias the anchor's own
 * object, so a shared object met again is an alias expansion: counted like go-yaml counts
 * them, the walk stops as soon as the ratio is exceeded, long before a "billion laughs"
 * document could be expanded.
 */
function checkDecoded(value: unknown, limits: YamlLimits, fail: (problem: string) => never): void {
  const seen = new Set<object>();
  const stack: [value: unknown, depth: number, viaAlias: boolean][] = [[value, 0, false]];
  let decodes = 0;
  let aliasDecodes = 0;
  while (stack.length > 0) {
    const [v, depth, viaAlias] = stack.pop() as [unknown, number, boolean];
    decodes++;
    if (viaAlias) aliasDecodes++;
    if (aliasDecodes > 100 && decodes > 1000 && aliasDecodes / decodes > allowedAliasRatio(decodes)) {
      fail("the document contains excessive aliasing");
    }
    if (typeof v === "number" && !Number.isFinite(v)) fail(`${v} (.inf or .nan) is not a JSON number`);
    if (typeof v !== "object" || v === null) continue;
    if (depth >= limits.maxDepth) fail(`nesting deeper than ${limits.maxDepth} levels`);
    const alias = viaAlias || seen.has(v);
    seen.add(v);
    const children = Array.isArray(v) ? v : Object.values(v);
    for (let i = children.length - 1; i >= 0; i--) stack.push([children[i], depth + 1, alias]);
  }
}

const DOCUMENT_START = /^---(?:[ \t]|$)/;
const DOCUMENT_END = /^\.\.\.(?:[ \t]|$)/;

const NO_CONTENT = /^\s*(#.*)?$/;

/**
 * Splits a stream at its document markers ("---" and "..." at a line start can never be
 * content). A document counts when a marker opens it or it holds content, so a file that
 * starts with "---" has no empty document before it.
 */
function splitDocuments(text: string): { text: string; firstLine: number }[] {
  const lines = text.split(/\r?\n/);
  const docs: { text: string; firstLine: number }[] = [];
  let start = 0;
  let explicit = false;
  let content = false;
  let open = true;
  const close = (end: number) => {
    if (open && (explicit || content)) docs.push({ text: lines.slice(start, end).join("\n"), firstLine: start });
  };
  lines.forEach((line, i) => {
    if (DOCUMENT_START.test(line)) {
      close(i);
      [start, explicit, open] = [i, true, true];
      content = !NO_CONTENT.test(line.slice(3));
    } else if (DOCUMENT_END.test(line)) {
      close(i);
      [open, explicit, content] = [false, false, false];
    } else if (!NO_CONTENT.test(line) && !line.startsWith("%")) {
      if (!open) [start, open, explicit] = [i, true, false];
      content = true;
    }
  });
  close(lines.length);
  return docs;
}

function firstContentLine(text: string, offset: number): number {
  const lines = text.split("\n");
  const i = lines.findIndex((l) => !/^\s*(#.*)?$/.test(l) && !/^---\s*$/.test(l) && !l.startsWith("%"));
  return offset + (i < 0 ? 0 : i) + 1;
}

function utf8Length(text: string): number {
  return Buffer.byteLength(text, "utf8");
}

/**
 * Parses every document of a YAML or JSON stream into JSON values, skipping empty documents.
 *
 * @example
 * const docs = loadYamlDocuments(await readFile("app.yaml", "utf8"), { source: "app.yaml" });
 * for (const d of docs) console.log(d.document, d.line, d.value);
 */
export function loadYamlDocuments(text: string, options: { source?: string; limits?: Partial<YamlLimits> } = {}): YamlDocument[] {
  const limits = { ...MANIFEST_LIMITS, ...options.limits };
  const source = options.source;
  // Cheap bound first: a UTF-16 length over the limit is at least that many bytes.
  if (text.length > limits.maxBytes || utf8Length(text) > limits.maxBytes) {
    throw new DocumentError(`the text is larger than ${limits.maxBytes} bytes`, { source });
  }
  const trimmed = text.trimStart();
  if (trimmed.startsWith("{")) {
    try {
      const value: unknown = JSON.parse(text);
      const line = text.slice(0, text.length - trimmed.length).split("\n").length;
      checkDecoded(value, limits, (problem) => {
        throw new DocumentError(problem, { source, document: 1, line });
      });
      return [{ document: 1, line, value }];
    } catch (e) {
      if (e instanceof DocumentError) throw e;
      // Not one JSON object (a stream of them, or YAML flow style): YAML reads both.
    }
  }
  const out: YamlDocument[] = [];
  splitDocuments(text).forEach((piece, i) => {
    const document = i + 1;
    let value: unknown;
    try {
      value = yaml.load(piece.text, { schema: KUBE_SCHEMA });
    } catch (e) {
      if (e instanceof yaml.YAMLException) {
        const line = e.mark?.line !== undefined ? piece.firstLine + e.mark.line + 1 : undefined;
        throw new DocumentError(`not valid YAML: ${e.reason}`, { source, document, line });
      }
      if (e instanceof RangeError) {
        throw new DocumentError("nesting too deep to parse", { source, document, line: piece.firstLine + 1 });
      }
      throw e;
    }
    if (value === null || value === undefined) return;
    const line = firstContentLine(piece.text, piece.firstLine);
    checkDecoded(value, limits, (problem) => {
      throw new DocumentError(problem, { source, document, line });
    });
    out.push({ document, line, value });
  });
  return out;
}
