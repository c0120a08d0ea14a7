/**
 * Reading kubeconfig YAML the way kubectl does. kubectl decodes kubeconfigs with go-yaml v2
 * (YAML 1.1, through sigs.k8s.io/yaml), so we resolve plain scalars by the same rules:
 * `yes`/`no`/`on`/`off`/`y`/`n` are booleans, `0755` is octal, `1_000` and `1e3` are
 * numbers. A field that must be a string then refuses them, as kubectl does ("cannot
 * unmarshal bool into ... of type string"), and `insecure-skip-tls-verify: yes` is true.
 *
 * js-yaml keeps an alias as a reference, so a "billion laughs" document loads in
 * milliseconds and explodes later, when something walks it. We walk it once, counting
 * nodes as go-yaml v2 expands them, and refuse it with go-yaml's own rule and words
 * ("excessive aliasing").
 */
import yaml from "js-yaml";
import { ConfigError } from "../base/errors.ts";

const BOOLEANS = new Map<string, boolean>([
  ...["y", "Y", "yes", "Yes", "YES", "true", "True", "TRUE", "on", "On", "ON"].map((s): [string, boolean] => [s, true]),
  ...["n", "N", "no", "No", "NO", "false", "False", "FALSE", "off", "Off", "OFF"].map((s): [string, boolean] => [s, false]),
]);

const bool11 = new yaml.Type("tag:yaml.org,2002:bool", {
  kind: "scalar",
  resolve: (data: unknown) => typeof data === "string" && BOOLEANS.has(data),
  construct: (data: string) => BOOLEANS.get(data),
  predicate: (value: unknown) => typeof value === "boolean",
  represent: (value: object) => String(value),
});

// Go's strconv.ParseInt(s, 0, 64) after go-yaml strips "_": 0x, 0o, 0b, a leading 0 (octal), decimal.
const GO_INT = /^[-+]?(0[xX][0-9a-fA-F]+|0[oO]?[0-7]+|0[bB][01]+|[1-9][0-9]*|0)$/;
// go-yaml v2's yamlStyleFloat, and what its '.' case accepts.
const GO_FLOAT = /^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$/;
const SPECIAL_FLOATS = new Map<string, number>([
  ...[".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF"].map((s): [string, number] => [s, Infinity]),
  ...["-.inf", "-.Inf", "-.INF"].map((s): [string, number] => [s, -Infinity]),
  ...[".nan", ".NaN", ".NAN"].map((s): [string, number] => [s, Number.NaN]),
]);

function goNumber(data: string): number | undefined {
  const special = SPECIAL_FLOATS.get(data);
  if (special !== undefined) return special;
  if (!/^[-+.0-9]/.test(data)) return undefined;
  const plain = data.replace(/_/g, "");
  if (GO_INT.test(plain)) {
    const sign = plain.startsWith("-") ? -1 : 1;
    const digits = plain.replace(/^[-+]/, "");
    const radix = /^0[xX]/.test(digits) ? 16 : /^0[bB]/.test(digits) ? 2 : /^0[oO]?[0-7]/.test(digits) ? 8 : 10;
    const body = radix === 10 ? digits : digits.replace(/^0[xXbBoO]?/, "");
    return sign * (body === "" ? 0 : parseInt(body, radix));
  }
  if (GO_FLOAT.test(plain)) return Number(plain);
  return undefined;
}

const number11 = new yaml.Type("tag:yaml.org,2002:float", {
  kind: "scalar",
  resolve: (data: unknown) => typeof data === "string" && goNumber(data) !== undefined,
  construct: (data: string) => goNumber(data),
  predicate: (value: unknown) => typeof value === "number",
  represent: (value: object) => String(value),
});

const NULLS = new Set(["", "~", "null", "Null", "NULL"]);

const null11 = new yaml.Type("tag:yaml.org,2002:null", {
  kind: "scalar",
  resolve: (data: unknown) => data === null || (typeof data === "string" && NULLS.has(data)),
  construct: () => null,
  predicate: (value: unknown) => value === null,
  represent: () => "null",
});

// js-yaml's loader merges a mapping into its parent when the key resolves to this tag.
const merge = new yaml.Type("tag:yaml.org,2002:merge", {
  kind: "scalar",
  resolve: (data: unknown) => data === "<<" || data === null,
});

/** YAML 1.1 scalars as go-yaml v2 resolves them; merge keys (`<<`) as go-yaml supports them. */
export const KUBECONFIG_SCHEMA = yaml.FAILSAFE_SCHEMA.extend({ implicit: [null11, bool11, number11, merge] });

/** Deeper than this, a document is refused before anything recurses into it. */
export const MAX_YAML_DEPTH = 1000;

/**
 * Parses kubeconfig YAML (or JSON) with kubectl's scalar rules, and refuses alias bombs and
 * absurd nesting with a ConfigError. Messages never quote the text: it holds secrets.
 *
 * @example const doc = loadKubeconfigYaml(await readFile(file, "utf8"), file);
 */
export function loadKubeconfigYaml(text: string, file: string): unknown {
  let doc: unknown;
  try {
    doc = yaml.load(text, { schema: KUBECONFIG_SCHEMA, filename: file });
  } catch (e) {
    // The exception's own message quotes the offending lines, which may hold a token.
    const ex = e as { reason?: string; mark?: { line?: number; column?: number } };
    const where = ex.mark?.line !== undefined ? ` at line ${ex.mark.line + 1}, column ${(ex.mark.column ?? 0) + 1}` : "";
    const reason = e instanceof RangeError ? "nested too deeply" : (ex.reason ?? "parse error");
    throw new ConfigError(`kubeconfig ${file}: not valid YAML${where}: ${reason}`);
  }
  checkExpansion(doc, file);
  return doc;
}

// go-yaml v2 (decode.go): up to 400,000 decoded nodes 99% may come from aliases, falling to
// 10% at 4,000,000.
const RATIO_LOW = 400_000;
const RATIO_HIGH = 4_000_000;

function allowedAliasRatio(decodeCount: number): number {
  if (decodeCount <= RATIO_LOW) return 0.99;
  if (decodeCount >= RATIO_HIGH) return 0.1;
  return 0.99 - 0.89 * ((decodeCount - RATIO_LOW) / (RATIO_HIGH - RATIO_LOW));
}

/**
 * Walks the document as go-yaml would decode it (an alias expanded at every use), counting
 * nodes, and applies go-yaml v2's rule: more than 100 nodes from aliases, more than 1,000
 * in all, and a larger share from aliases than allowedAliasRatio is "excessive aliasing".
 * Iterative, so neither depth nor a self-referencing alias can overflow the stack.
 */
function checkExpansion(doc: unknown, file: string): void {
  const seen = new Set<object>();
  let decodeCount = 0;
  let aliasCount = 0;
  // [value, depth, inside an alias expansion]
  const stack: [unknown, number, boolean][] = [[doc, 0, false]];
  while (stack.length > 0) {
    const [value, depth, inAlias] = stack.pop() as [unknown, number, boolean];
    decodeCount++;
    if (inAlias) aliasCount++;
    if (aliasCount > 100 && decodeCount > 1000 && aliasCount / decodeCount > allowedAliasRatio(decodeCount)) {
      throw new ConfigError(`kubeconfig ${file}: document contains excessive aliasing`);
    }
    if (typeof value !== "object" || value === null) continue;
    if (depth >= MAX_YAML_DEPTH) throw new ConfigError(`kubeconfig ${file}: nested deeper than ${MAX_YAML_DEPTH} levels`);
    const alias = inAlias || seen.has(value);
    seen.add(value);
    if (Array.isArray(value)) {
      for (const item of value) stack.push([item, depth + 1, alias]);
    } else {
      for (const [, item] of Object.entries(value)) {
        // The key is a node too.
        decodeCount++;
        if (alias) aliasCount++;
        stack.push([item, depth + 1, alias]);
      }
    }
  }
}
