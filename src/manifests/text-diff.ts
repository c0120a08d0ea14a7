/**
 * Line diffs in unified format (`diff -u`), from Myers' O((N+M)D) algorithm: linear memory per
 * edit step, so large objects with small changes diff quickly.
 */

type Edit = { op: " " | "-" | "+"; line: string };

/** Past this many differing lines, the middle is shown as replaced whole: time and memory stay bounded. */
const MAX_EDIT_DISTANCE = 2000;

/** Myers' greedy search on `a` vs `b` (no common prefix or suffix), or undefined past the bound. */
function myers(a: readonly string[], b: readonly string[]): Edit[] | undefined {
  const n = a.length;
  const m = b.length;
  // trace[d][k + d] = furthest x on diagonal k after d edits: O(D²) memory, bounded by MAX_EDIT_DISTANCE.
  const trace: Int32Array[] = [];
  let prev = new Int32Array(1);
  for (let d = 0; d <= Math.min(n + m, MAX_EDIT_DISTANCE); d++) {
    const row = new Int32Array(2 * d + 1);
    for (let k = -d; k <= d; k += 2) {
      const fromAbove = k === -d || (k !== d && (prev[k - 1 + (d - 1)] as number) < (prev[k + 1 + (d - 1)] as number));
      let x = d === 0 ? 0 : fromAbove ? (prev[k + 1 + (d - 1)] as number) : (prev[k - 1 + (d - 1)] as number) + 1;
      let y = x - k;
      while (x < n && y < m && a[x] === b[y]) {
        x++;
        y++;
      }
      row[k + d] = x;
      if (x >= n && y >= m) {
        trace.push(row);
        return backtrack(trace, a, b);
      }
    }
    trace.push(row);
    prev = row;
  }
  return undefined;
}

function backtrack(trace: readonly Int32Array[], a: readonly string[], b: readonly string[]): Edit[] {
  const edits: Edit[] = [];
  let x = a.length;
  let y = b.length;
  for (let d = trace.length - 1; d > 0; d--) {
    const prev = trace[d - 1] as Int32Array;
    const k = x - y;
    const fromAbove = k === -d || (k !== d && (prev[k - 1 + (d - 1)] as number) < (prev[k + 1 + (d - 1)] as number));
    const prevK = fromAbove ? k + 1 : k - 1;
    const prevX = prev[prevK + (d - 1)] as number;
    const prevY = prevX - prevK;
    for (; x > prevX && y > prevY; x--, y--) edits.push({ op: " ", line: a[x - 1] as string });
    if (fromAbove) edits.push({ op: "+", line: b[--y] as string });
    else edits.push({ op: "-", line: a[--x] as string });
  }
  for (; x > 0 && y > 0; x--, y--) edits.push({ op: " ", line: a[x - 1] as string });
  return edits.reverse();
}

/** The edit script from `a` to `b`: common ends kept, the middle by Myers (or replaced whole past the bound). */
function editScript(a: readonly string[], b: readonly string[]): Edit[] {
  let head = 0;
  while (head < a.length && head < b.length && a[head] === b[head]) head++;
  let tail = 0;
  while (tail < a.length - head && tail < b.length - head && a[a.length - 1 - tail] === b[b.length - 1 - tail]) tail++;
  const midA = a.slice(head, a.length - tail);
  const midB = b.slice(head, b.length - tail);
  const middle = myers(midA, midB) ?? [...midA.map((line) => ({ op: "-" as const, line })), ...midB.map((line) => ({ op: "+" as const, line }))];
  const same = (lines: readonly string[]) => lines.map((line) => ({ op: " " as const, line }));
  return [...same(a.slice(0, head)), ...middle, ...same(a.slice(a.length - tail))];
}

function splitLines(text: string): string[] {
  if (text === "") return [];
  const lines = text.split("\n");
  if (lines[lines.length - 1] === "") lines.pop();
  return lines;
}

/**
 * A unified diff of two texts with `context` lines around each change; "" when they are equal.
 *
 * @example unifiedDiff("a\nb\n", "a\nc\n", "live", "applied") // "--- live\n+++ applied\n@@ -1,2 +1,2 @@\n a\n-b\n+c\n"
 */
export function unifiedDiff(before: string, after: string, fromName: string, toName: string, context = 3): string {
  if (before === after) return "";
  const edits = editScript(splitLines(before), splitLines(after));
  const out = [`--- ${fromName}`, `+++ ${toName}`];
  let i = 0;
  let aLine = 1;
  let bLine = 1;
  while (i < edits.length) {
    if ((edits[i] as Edit).op === " ") {
      i++;
      aLine++;
      bLine++;
      continue;
    }
    // A hunk: back up `context` lines, then run until `2 * context` unchanged lines in a row.
    const start = Math.max(0, i - context);
    const lead = i - start;
    let end = i;
    let quiet = 0;
    while (end < edits.length && quiet <= 2 * context) {
      quiet = (edits[end] as Edit).op === " " ? quiet + 1 : 0;
      end++;
    }
    end = Math.min(edits.length, end - Math.max(0, quiet - context));
    const hunk = edits.slice(start, end);
    const aCount = hunk.filter((e) => e.op !== "+").length;
    const bCount = hunk.filter((e) => e.op !== "-").length;
    const aStart = aLine - lead;
    const bStart = bLine - lead;
    // GNU diff's ranges: "start,count", the count left out when it is 1, start one back when empty.
    const range = (startLine: number, count: number) => (count === 1 ? `${startLine}` : `${count === 0 ? startLine - 1 : startLine},${count}`);
    out.push(`@@ -${range(aStart, aCount)} +${range(bStart, bCount)} @@`);
    for (const e of hunk) out.push(`${e.op}${e.line}`);
    for (const e of edits.slice(i, end)) {
      if (e.op !== "+") aLine++;
      if (e.op !== "-") bLine++;
    }
    i = end;
  }
  return `${out.join("\n")}\n`;
}
