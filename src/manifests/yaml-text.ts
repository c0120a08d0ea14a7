/**
 * Writes JSON values as YAML exactly as kubectl prints them (`kubectl get -o yaml`): go-yaml
 * v2's emitter, as used by sigs.k8s.io/yaml. Keys sorted in go-yaml's natural order, lists
 * not indented under their key, strings plain when they read back as strings, else single or
 * double quoted, multi-line strings as literal blocks, and long strings folded after column
 * 80. test/contract/manifests-yaml.test.ts compares the output with kubectl's, byte for byte.
 */
import { plainStringSurvives } from "../base/yaml-scalars.ts";

const BEST_WIDTH = 80;
const INDENT = 2;
const LETTER = /\p{L}/u;
const DIGIT = /\p{Nd}/u;

/**
 * go-yaml v2's key order (sorter.go): letters after everything else, runs of digits compared
 * as numbers, so "item2" sorts before "item10".
 *
 * @example ["b10", "b2", "_x", "B"].sort(goKeyOrder) // ["_x", "B", "b2", "b10"]
 */
export function goKeyOrder(a: string, b: string): number {
  return goKeyLess(a, b) ? -1 : goKeyLess(b, a) ? 1 : 0;
}

const ASCII = /^[\x00-\x7f]*$/;

function goKeyLess(a: string, b: string): boolean {
  // ASCII keys (nearly all) split without allocating per character.
  const ar = ASCII.test(a) ? a : [...a];
  const br = ASCII.test(b) ? b : [...b];
  const digit = (c: string) => (c.codePointAt(0) as number) - 48;
  for (let i = 0; i < ar.length && i < br.length; i++) {
    const ca = ar[i] as string;
    const cb = br[i] as string;
    if (ca === cb) continue;
    const al = LETTER.test(ca);
    const bl = LETTER.test(cb);
    if (al && bl) return (ca.codePointAt(0) as number) < (cb.codePointAt(0) as number);
    if (al || bl) return bl;
    let an = 0;
    let bn = 0;
    if (ca === "0" || cb === "0") {
      for (let j = i - 1; j >= 0 && DIGIT.test(ar[j] as string); j--) {
        if (ar[j] !== "0") {
          an = 1;
          bn = 1;
          break;
        }
      }
    }
    let ai = i;
    let bi = i;
    for (; ai < ar.length && DIGIT.test(ar[ai] as string); ai++) an = an * 10 + digit(ar[ai] as string);
    for (; bi < br.length && DIGIT.test(br[bi] as string); bi++) bn = bn * 10 + digit(br[bi] as string);
    if (an !== bn) return an < bn;
    if (ai !== bi) return ai < bi;
    return (ca.codePointAt(0) as number) < (cb.codePointAt(0) as number);
  }
  return ar.length < br.length;
}

/** strconv.FormatFloat(f, 'g', -1, 64), as go-yaml writes float64 values. */
export function goFloat(n: number): string {
  if (Number.isNaN(n)) return ".nan";
  if (!Number.isFinite(n)) return n > 0 ? ".inf" : "-.inf";
  if (n === 0) return Object.is(n, -0) ? "-0" : "0";
  const [mantissa, expText] = Math.abs(n).toExponential().split("e") as [string, string];
  const digits = mantissa.replace(".", "");
  const exp = Number(expText);
  const sign = n < 0 ? "-" : "";
  if (exp < -4 || exp >= 6) {
    const frac = digits.slice(1);
    return `${sign}${digits[0]}${frac ? `.${frac}` : ""}e${exp < 0 ? "-" : "+"}${String(Math.abs(exp)).padStart(2, "0")}`;
  }
  if (exp < 0) return `${sign}0.${"0".repeat(-exp - 1)}${digits}`;
  const intPart = digits.slice(0, exp + 1).padEnd(exp + 1, "0");
  const frac = digits.slice(exp + 1);
  return `${sign}${intPart}${frac ? `.${frac}` : ""}`;
}

/** Numbers as go-yaml prints what it decoded from JSON: integers as int64, the rest as float64. */
function formatNumber(n: number): string {
  if (Number.isInteger(n) && Math.abs(n) < 2 ** 63) return BigInt(n).toString();
  return goFloat(n);
}

const isBreak = (c: string) => c === "\n" || c === "\r" || c === "\u0085" || c === "\u2028" || c === "\u2029";
const isBlank = (c: string | undefined) => c === " " || c === "\t";

/** go-yaml's is_printable, per code point (unicode output on). */
function isPrintable(c: string): boolean {
  const cp = c.codePointAt(0) as number;
  return cp === 0x0a || (cp >= 0x20 && cp <= 0x7e) || (cp >= 0xa0 && cp <= 0xd7ff) || (cp >= 0xe000 && cp <= 0xfffd && cp !== 0xfeff);
}

export interface ScalarAnalysis {
  multiline: boolean;
  blockPlainAllowed: boolean;
  singleQuotedAllowed: boolean;
  blockAllowed: boolean;
}

/** go-yaml's yaml_emitter_analyze_scalar, for block context. Exported for the fast path's test. */
export function analyze(chars: readonly string[]): ScalarAnalysis {
  if (chars.length === 0) return { multiline: false, blockPlainAllowed: true, singleQuotedAllowed: true, blockAllowed: false };
  const text = chars.join("");
  let blockIndicators = text.startsWith("---") || text.startsWith("...");
  let lineBreaks = false;
  let special = false;
  let [leadingSpace, leadingBreak, trailingSpace, trailingBreak, breakSpace, spaceBreak] = [false, false, false, false, false, false];
  let precededByWhitespace = true;
  let previousSpace = false;
  let previousBreak = false;
  for (let i = 0; i < chars.length; i++) {
    const c = chars[i] as string;
    const next = chars[i + 1];
    const followedByWhitespace = next === undefined || isBlank(next);
    if (i === 0) {
      if ("#,[]{}&*!|>'\"%@`".includes(c)) blockIndicators = true;
      else if ((c === "?" || c === ":" || c === "-") && followedByWhitespace) blockIndicators = true;
    } else if (c === ":" && followedByWhitespace) blockIndicators = true;
    else if (c === "#" && precededByWhitespace) blockIndicators = true;
    if (!isPrintable(c)) special = true;
    if (c === " ") {
      if (i === 0) leadingSpace = true;
      if (i === chars.length - 1) trailingSpace = true;
      if (previousBreak) breakSpace = true;
      [previousSpace, previousBreak] = [true, false];
    } else if (isBreak(c)) {
      lineBreaks = true;
      if (i === 0) leadingBreak = true;
      if (i === chars.length - 1) trailingBreak = true;
      if (previousSpace) spaceBreak = true;
      [previousSpace, previousBreak] = [false, true];
    } else {
      [previousSpace, previousBreak] = [false, false];
    }
    precededByWhitespace = isBlank(c) || isBreak(c);
  }
  let blockPlainAllowed = !(leadingSpace || leadingBreak || trailingSpace || trailingBreak);
  let singleQuotedAllowed = true;
  let blockAllowed = !trailingSpace;
  if (breakSpace) blockPlainAllowed = singleQuotedAllowed = false;
  if (spaceBreak || special) blockPlainAllowed = singleQuotedAllowed = blockAllowed = false;
  if (lineBreaks || blockIndicators) blockPlainAllowed = false;
  return { multiline: lineBreaks, blockPlainAllowed, singleQuotedAllowed, blockAllowed };
}

type Style = "plain" | "single" | "double" | "literal";

const ESCAPES: Readonly<Record<string, string>> = {
  "\0": "0", "\x07": "a", "\b": "b", "\t": "t", "\n": "n", "\v": "v", "\f": "f", "\r": "r", "\x1b": "e",
  '"': '"', "\\": "\\", "\u0085": "N", "\u00a0": "_", "\u2028": "L", "\u2029": "P",
};

/** The text being built: one YAML document, with go-yaml's column and indentation state. */
class Writer {
  out = "";
  column = 0;
  /** Whether the last thing written is whitespace (go-yaml's emitter.whitespace). */
  whitespace = true;

  put(text: string): void {
    this.out += text;
    // Columns count characters, as go-yaml does: a surrogate pair is one.
    let width = text.length;
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (c >= 0xdc00 && c <= 0xdfff) width--;
    }
    this.column += width;
  }
  /** One character (one code point). */
  putChar(c: string): void {
    this.out += c;
    this.column++;
  }
  newline(): void {
    this.out += "\n";
    this.column = 0;
  }
  /** yaml_emitter_write_indent: a new line unless at its start, then spaces to `indent`. */
  indent(indent: number, atLineStart: boolean): void {
    if (!atLineStart || this.column > indent || (this.column === indent && !this.whitespace)) this.newline();
    this.put(" ".repeat(Math.max(0, indent - this.column)));
    this.whitespace = true;
  }
}

/**
 * Strings that need no analysis (most keys and values): printable ASCII without ':', '#' or
 * control characters, not starting with an indicator or a space, not ending with a space.
 * go-yaml allows them in every style.
 */
export const UNREMARKABLE = /^(?!\.\.\.)[A-Za-z0-9_./()=+$^~;<][^\x00-\x1f\x7f-\uffff:#]*(?<! )$/;
export const PLAIN_ANALYSIS: ScalarAnalysis = { multiline: false, blockPlainAllowed: true, singleQuotedAllowed: true, blockAllowed: true };

function chooseStyle(text: string, chars: readonly string[], simpleKey: boolean): Style {
  const a = UNREMARKABLE.test(text) ? PLAIN_ANALYSIS : analyze(chars);
  let style: Style = text.includes("\n") ? "literal" : plainStringSurvives(text) ? "plain" : "double";
  if (simpleKey && a.multiline) style = "double";
  if (style === "plain" && (!a.blockPlainAllowed || (chars.length === 0 && simpleKey))) style = "single";
  if (style === "single" && !a.singleQuotedAllowed) style = "double";
  if (style === "literal" && (!a.blockAllowed || simpleKey)) style = "double";
  return style;
}

function writeString(w: Writer, text: string, indent: number, simpleKey: boolean): void {
  const chars = [...text];
  const style = chooseStyle(text, chars, simpleKey);
  const breaks = !simpleKey;
  const last = chars.length - 1;
  if (style === "literal") return writeLiteral(w, chars, indent);
  if (!w.whitespace) w.put(" ");
  // No fold can happen before column 80: write short plain strings whole.
  if (style === "plain" && (!breaks || w.column + chars.length <= BEST_WIDTH)) {
    w.put(text);
  } else if (style === "plain") {
    let spaces = false;
    chars.forEach((c, i) => {
      if (c === " ") {
        if (breaks && !spaces && w.column > BEST_WIDTH && chars[i + 1] !== " ") w.indent(indent, false);
        else w.putChar(c);
        spaces = true;
      } else {
        w.putChar(c);
        spaces = false;
      }
    });
  } else if (style === "single") {
    w.put("'");
    let spaces = false;
    chars.forEach((c, i) => {
      if (c === " ") {
        if (breaks && !spaces && w.column > BEST_WIDTH && i > 0 && i < last && chars[i + 1] !== " ") w.indent(indent, false);
        else w.putChar(c);
        spaces = true;
      } else {
        if (c === "'") w.putChar(c);
        w.putChar(c);
        spaces = false;
      }
    });
    w.put("'");
  } else {
    w.put('"');
    // go-yaml tests the BOM at the start of the value for every character.
    const bom = text.startsWith("\ufeff");
    let spaces = false;
    chars.forEach((c, i) => {
      if (!isPrintable(c) || bom || isBreak(c) || c === '"' || c === "\\") {
        const cp = c.codePointAt(0) as number;
        const short = ESCAPES[c];
        const width = cp <= 0xff ? 2 : cp <= 0xffff ? 4 : 8;
        w.put(`\\${short ?? `${width === 2 ? "x" : width === 4 ? "u" : "U"}${cp.toString(16).toUpperCase().padStart(width, "0")}`}`);
        spaces = false;
      } else if (c === " ") {
        if (breaks && !spaces && w.column > BEST_WIDTH && i > 0 && i < last) {
          w.indent(indent, false);
          if (chars[i + 1] === " ") w.putChar("\\");
        } else w.putChar(c);
        spaces = true;
      } else {
        w.putChar(c);
        spaces = false;
      }
    });
    w.put('"');
  }
  w.whitespace = false;
}

function writeLiteral(w: Writer, chars: readonly string[], indent: number): void {
  w.put(w.whitespace ? "|" : " |");
  if (chars[0] === " " || isBreak(chars[0] ?? "")) w.put(String(INDENT));
  const last = chars.length - 1;
  if (chars.length === 0 || !isBreak(chars[last] as string)) w.put("-");
  else if (last === 0 || isBreak(chars[last - 1] as string)) w.put("+");
  w.newline();
  w.whitespace = true;
  const text = chars.join("");
  // Lines break at "\n" only, unless the text holds another YAML line break (NEL, LS, PS, CR).
  if (!/[\r\u0085\u2028\u2029]/.test(text)) {
    const lines = text.split("\n");
    lines.forEach((line, i) => {
      if (line !== "") w.put(" ".repeat(Math.max(0, indent - w.column)) + line);
      if (i < lines.length - 1) w.newline();
    });
    return;
  }
  let lineStart = true;
  for (const c of chars) {
    if (isBreak(c)) {
      if (c === "\n") w.newline();
      else {
        w.out += c;
        w.column = 0;
      }
      lineStart = true;
    } else {
      if (lineStart) w.put(" ".repeat(Math.max(0, indent - w.column)));
      w.putChar(c);
      lineStart = false;
    }
  }
}

function isCollection(v: unknown): v is object {
  return typeof v === "object" && v !== null;
}

function isEmptyCollection(v: unknown): boolean {
  return Array.isArray(v) ? v.length === 0 : isCollection(v) && Object.keys(v).length === 0;
}

/** A key fits go-yaml's simple form when it is one line of at most 128 bytes. */
function isSimpleKey(key: string): boolean {
  return !/[\n\r\u0085\u2028\u2029]/.test(key) && Buffer.byteLength(key, "utf8") <= 128;
}

function writeScalar(w: Writer, value: unknown, indent: number, simpleKey: boolean): void {
  if (typeof value === "string") return writeString(w, value, indent, simpleKey);
  const text = value === null || value === undefined ? "null" : typeof value === "number" ? formatNumber(value) : String(value);
  if (!w.whitespace) w.put(" ");
  w.put(text);
  w.whitespace = false;
}

/** Writes a node; `indent` is the indentation of the collection the node is a value in. */
function writeNode(w: Writer, value: unknown, indent: number, inMappingValue: boolean): void {
  if (isEmptyCollection(value)) {
    if (!w.whitespace) w.put(" ");
    w.put(Array.isArray(value) ? "[]" : "{}");
    w.whitespace = false;
  } else if (Array.isArray(value)) {
    // A sequence that is a mapping's value is not indented under its key (go-yaml's indentless form).
    const itemIndent = inMappingValue ? indent : Math.max(0, indent + INDENT);
    for (const item of value) {
      w.indent(itemIndent, true);
      w.put("-");
      w.whitespace = false;
      writeNode(w, item, itemIndent, false);
    }
  } else if (isCollection(value)) {
    const inner = indent < 0 ? 0 : indent + INDENT;
    const entries = Object.entries(value).filter(([, v]) => v !== undefined);
    entries.sort(([a], [b]) => goKeyOrder(a, b));
    for (const [key, v] of entries) {
      w.indent(inner, true);
      if (isSimpleKey(key)) {
        writeScalar(w, key, inner, true);
        w.put(":");
      } else {
        w.put("?");
        w.whitespace = false;
        writeScalar(w, key, inner, false);
        w.indent(inner, true);
        w.put(":");
      }
      w.whitespace = false;
      writeNode(w, v, inner, true);
    }
  } else {
    // A scalar's folded lines continue one level in; a document's root scalar at 2, as go-yaml does.
    writeScalar(w, value, indent < 0 ? INDENT : indent + INDENT, false);
  }
}

/**
 * One JSON value as a YAML document, the way kubectl prints it.
 *
 * @example
 * toYaml({ apiVersion: "v1", kind: "ConfigMap", metadata: { name: "a" }, data: { enabled: "true" } });
 * // 'apiVersion: v1\ndata:\n  enabled: "true"\nkind: ConfigMap\nmetadata:\n  name: a\n'
 */
export function toYaml(value: unknown): string {
  const w = new Writer();
  writeNode(w, value, -1, false);
  return w.out.endsWith("\n") ? w.out : `${w.out}\n`;
}
