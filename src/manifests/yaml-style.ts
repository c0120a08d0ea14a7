/**
 * How go-yaml v2 (and so kubectl) writes each value: the order of map keys, the text of numbers,
 * and the style of each string (plain, single-quoted, double-quoted, literal block), from its
 * scalar analysis. Pure functions; yaml-text.ts writes the document.
 */
import { plainStringSurvives } from "../base/yaml-scalars.ts";

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
export function formatNumber(n: number): string {
  if (Number.isInteger(n) && Math.abs(n) < 2 ** 63) return BigInt(n).toString();
  return goFloat(n);
}

export const isBreak = (c: string) => c === "\n" || c === "\r" || c === "\u0085" || c === "\u2028" || c === "\u2029";
const isBlank = (c: string | undefined) => c === " " || c === "\t";

/** go-yaml's is_printable, per code point (unicode output on). */
export function isPrintable(c: string): boolean {
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

export type Style = "plain" | "single" | "double" | "literal";

/**
 * Strings that need no analysis (most keys and values): printable ASCII without ':', '#' or
 * control characters, not starting with an indicator or a space, not ending with a space.
 * go-yaml allows them in every style.
 */
export const UNREMARKABLE = /^(?!\.\.\.)[A-Za-z0-9_./()=+$^~;<][^\x00-\x1f\x7f-\uffff:#]*(?<! )$/;
export const PLAIN_ANALYSIS: ScalarAnalysis = { multiline: false, blockPlainAllowed: true, singleQuotedAllowed: true, blockAllowed: true };

export function chooseStyle(text: string, chars: readonly string[], simpleKey: boolean): Style {
  const a = UNREMARKABLE.test(text) ? PLAIN_ANALYSIS : analyze(chars);
  let style: Style = text.includes("\n") ? "literal" : plainStringSurvives(text) ? "plain" : "double";
  if (simpleKey && a.multiline) style = "double";
  if (style === "plain" && (!a.blockPlainAllowed || (chars.length === 0 && simpleKey))) style = "single";
  if (style === "single" && !a.singleQuotedAllowed) style = "double";
  if (style === "literal" && (!a.blockAllowed || simpleKey)) style = "double";
  return style;
}

