/**
 * How Kubernetes tools read an unquoted YAML scalar. kubectl, client-go and the API server's
 * YAML path go through sigs.k8s.io/yaml, which decodes with go-yaml v2: YAML 1.1 rules, so
 * `yes`, `on` and `n` are booleans, `0755` is octal and `1_000` is a thousand. Reading
 * manifests (and writing them back) the same way keeps one file meaning one object in every
 * tool. Pure functions, no YAML library.
 */

/** The tag go-yaml v2 gives a plain scalar. "timestamp" values stay strings in JSON. */
export type ScalarTag = "str" | "bool" | "int" | "float" | "null" | "merge" | "timestamp";

const BOOL_TRUE = new Set(["y", "Y", "yes", "Yes", "YES", "true", "True", "TRUE", "on", "On", "ON"]);
const BOOL_FALSE = new Set(["n", "N", "no", "No", "NO", "false", "False", "FALSE", "off", "Off", "OFF"]);
const NULLS = new Set(["", "~", "null", "Null", "NULL"]);
const SPECIAL_FLOATS = new Map<string, number>([
  [".nan", Number.NaN],
  [".NaN", Number.NaN],
  [".NAN", Number.NaN],
  [".inf", Number.POSITIVE_INFINITY],
  [".Inf", Number.POSITIVE_INFINITY],
  [".INF", Number.POSITIVE_INFINITY],
  ["+.inf", Number.POSITIVE_INFINITY],
  ["+.Inf", Number.POSITIVE_INFINITY],
  ["+.INF", Number.POSITIVE_INFINITY],
  ["-.inf", Number.NEGATIVE_INFINITY],
  ["-.Inf", Number.NEGATIVE_INFINITY],
  ["-.INF", Number.NEGATIVE_INFINITY],
]);

// strconv.ParseInt(s, 0, 64) syntax: a sign, then a 0x/0o/0b prefix, a leading-zero octal, or decimal.
const GO_INT = /^[-+]?(?:0[xX][0-9a-fA-F]+|0[oO][0-7]+|0[bB][01]+|0[0-7]*|[1-9][0-9]*)$/;
const YAML_STYLE_FLOAT = /^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?$/;
const BASE60_FLOAT = /^[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?$/;
const INT64_MAX = 2n ** 63n - 1n;
const UINT64_MAX = 2n ** 64n - 1n;

/** Resolved tag and value of a plain (unquoted) scalar. */
export interface ResolvedScalar {
  readonly tag: ScalarTag;
  readonly value: string | number | boolean | null;
}

function parseGoInt(text: string): bigint | undefined {
  if (!GO_INT.test(text)) return undefined;
  const negative = text.startsWith("-");
  const unsigned = text.replace(/^[-+]/, "");
  let digits = unsigned;
  let radix = 10;
  if (/^0[xX]/.test(unsigned)) [digits, radix] = [unsigned.slice(2), 16];
  else if (/^0[oO]/.test(unsigned)) [digits, radix] = [unsigned.slice(2), 8];
  else if (/^0[bB]/.test(unsigned)) [digits, radix] = [unsigned.slice(2), 2];
  else if (unsigned.length > 1 && unsigned.startsWith("0")) [digits, radix] = [unsigned.slice(1), 8];
  let value = 0n;
  for (const c of digits) value = value * BigInt(radix) + BigInt(Number.parseInt(c, radix));
  if (negative) value = -value;
  // ParseInt fits int64; ParseUint takes the rest of uint64 (unsigned only).
  if (value > INT64_MAX && (negative || value > UINT64_MAX)) return undefined;
  if (value < -INT64_MAX - 1n) return undefined;
  return value;
}

/** Days in a month of a year, as Go's time.Parse checks them. */
function daysIn(month: number, year: number): number {
  if (month === 2) return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : 28;
  return [4, 6, 9, 11].includes(month) ? 30 : 31;
}

const DATE = /^(\d{4})-(\d{1,2})-(\d{1,2})(?:([Tt ])(\d{1,2}):(\d{1,2}):(\d{1,2})(\.\d+)?(Z|[-+]\d{2}:\d{2})?)?$/;

/**
 * Whether go-yaml v2 reads the text as a timestamp: "2006-1-2", "2006-1-2T15:4:5Z07:00"
 * (also with a lower-case t, and fractional seconds), or "2006-1-2 15:4:5" without a zone.
 *
 * @example isTimestamp("2024-02-30") // false: February has no 30th
 */
export function isTimestamp(text: string): boolean {
  const m = DATE.exec(text);
  if (!m) return false;
  const [, y, mo, d, sep, h, mi, s, , zone] = m;
  const year = Number(y);
  const month = Number(mo);
  const day = Number(d);
  if (month < 1 || month > 12 || day < 1 || day > daysIn(month, year)) return false;
  if (sep === undefined) return true;
  // The space-separated form takes no zone; the T forms need one.
  if ((sep === " ") !== (zone === undefined)) return false;
  if (zone !== undefined && zone !== "Z" && (Number(zone.slice(1, 3)) > 23 || Number(zone.slice(4)) > 59)) return false;
  return Number(h) <= 23 && Number(mi) <= 59 && Number(s) <= 59;
}

/**
 * Resolves a plain scalar as go-yaml v2 does (YAML 1.1 booleans and nulls, Go integer syntax
 * with underscores, YAML-style floats, timestamps); anything else is a string.
 *
 * @example
 * resolvePlainScalar("on");     // { tag: "bool", value: true }
 * resolvePlainScalar("0755");   // { tag: "int", value: 493 }
 * resolvePlainScalar("1.5Gi");  // { tag: "str", value: "1.5Gi" }
 */
export function resolvePlainScalar(text: string): ResolvedScalar {
  if (NULLS.has(text)) return { tag: "null", value: null };
  if (BOOL_TRUE.has(text)) return { tag: "bool", value: true };
  if (BOOL_FALSE.has(text)) return { tag: "bool", value: false };
  if (text === "<<") return { tag: "merge", value: text };
  const special = SPECIAL_FLOATS.get(text);
  if (special !== undefined) return { tag: "float", value: special };
  const first = text[0] ?? "";
  if (first === ".") {
    if (YAML_STYLE_FLOAT.test(text)) return { tag: "float", value: Number(text) };
    return { tag: "str", value: text };
  }
  if (!/[-+0-9]/.test(first)) return { tag: "str", value: text };
  if (isTimestamp(text)) return { tag: "timestamp", value: text };
  const plain = text.replaceAll("_", "");
  const int = parseGoInt(plain);
  if (int !== undefined) return { tag: "int", value: Number(int) };
  if (YAML_STYLE_FLOAT.test(plain)) {
    const n = Number(plain);
    // Go's ParseFloat fails out of range, and the text then stays a string.
    if (Number.isFinite(n)) return { tag: "float", value: n };
  }
  return { tag: "str", value: text };
}

/**
 * Whether a string can be written unquoted and read back as the same string: it must resolve
 * to a string, and not look like a YAML 1.1 base-60 float ("1:20"), which go-yaml quotes too.
 *
 * @example plainStringSurvives("yes") // false: it would read back as true
 */
export function plainStringSurvives(text: string): boolean {
  return resolvePlainScalar(text).tag === "str" && !BASE60_FLOAT.test(text);
}
