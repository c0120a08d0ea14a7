/**
 * Writes JSON values as YAML exactly as kubectl prints them (`kubectl get -o yaml`): go-yaml
 * v2's emitter, as used by sigs.k8s.io/yaml. Keys sorted in go-yaml's natural order, lists
 * not indented under their key, strings plain when they read back as strings, else single or
 * double quoted, multi-line strings as literal blocks, and long strings folded after column
 * 80 (the styles are chosen in yaml-style.ts). test/contract/manifests-kubectl.test.ts compares
 * the output with kubectl's, byte for byte.
 */
import { chooseStyle, formatNumber, goKeyOrder, isBreak, isPrintable } from "./yaml-style.ts";

const BEST_WIDTH = 80;
const INDENT = 2;

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
