/**
 * Reading the ledgers the leader-election candidates write (test/support/leader-ledger-child.ts):
 * each candidate's terms (first to last act between a "start" and its end), overlaps between
 * candidates' terms, and who acted first after a given moment.
 */
import { existsSync, readFileSync } from "node:fs";

export interface LedgerLine {
  t: number;
  e: "ready" | "start" | "act" | "stop" | "error" | "exit";
  message?: string;
}

export interface Term {
  who: string;
  /** First and last act of the term (wall ms). */
  from: number;
  to: number;
  acts: number;
}

export function readLedger(file: string): LedgerLine[] {
  if (!existsSync(file)) return [];
  return readFileSync(file, "utf8")
    .split("\n")
    .filter((l) => l.trim() !== "")
    .flatMap((l) => {
      try {
        return [JSON.parse(l) as LedgerLine];
      } catch {
        return []; // a line cut by kill -9
      }
    });
}

/** A candidate's terms: runs of acts, each begun by a "start". */
export function termsOf(who: string, lines: LedgerLine[]): Term[] {
  const terms: Term[] = [];
  let current: Term | undefined;
  for (const line of lines) {
    if (line.e === "start") current = undefined;
    if (line.e !== "act") continue;
    if (!current) terms.push((current = { who, from: line.t, to: line.t, acts: 0 }));
    current.to = line.t;
    current.acts++;
  }
  return terms;
}

/** Pairs of terms of different candidates whose [from, to] intervals intersect. */
export function overlappingTerms(terms: Term[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < terms.length; i++) {
    for (let j = i + 1; j < terms.length; j++) {
      const a = terms[i]!;
      const b = terms[j]!;
      if (a.who !== b.who && a.from <= b.to && b.from <= a.to) out.push(`${a.who} [${a.from}, ${a.to}] overlaps ${b.who} [${b.from}, ${b.to}]`);
    }
  }
  return out;
}

/** The first act at or after `after`, by anyone but `except`. */
export function firstActAfter(ledgers: Record<string, LedgerLine[]>, after: number, except?: string): { who: string; t: number } | undefined {
  let best: { who: string; t: number } | undefined;
  for (const [who, lines] of Object.entries(ledgers)) {
    if (who === except) continue;
    const act = lines.find((l) => l.e === "act" && l.t >= after);
    if (act && (!best || act.t < best.t)) best = { who, t: act.t };
  }
  return best;
}

/** The last act of `who` (wall ms), or undefined. */
export function lastAct(lines: LedgerLine[], before = Infinity): number | undefined {
  let last: number | undefined;
  for (const l of lines) if (l.e === "act" && l.t <= before) last = l.t;
  return last;
}
