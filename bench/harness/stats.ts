/** Summaries of raw samples: what the JSON, the table and the chart report. */

export interface Summary {
  unit: string;
  n: number;
  median: number;
  /** Nearest-rank 99th percentile (the maximum when n < 100). */
  p99: number;
  min: number;
  max: number;
  mean: number;
}

/** @example summarize([3, 1, 2], "ms").median === 2 */
export function summarize(samples: readonly number[], unit: string): Summary {
  const sorted = [...samples].sort((a, b) => a - b);
  const n = sorted.length;
  if (n === 0) return { unit, n, median: NaN, p99: NaN, min: NaN, max: NaN, mean: NaN };
  const mid = Math.floor(n / 2);
  const median = n % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
  const p99 = sorted[Math.min(n - 1, Math.ceil(0.99 * n) - 1)]!;
  const mean = sorted.reduce((a, b) => a + b, 0) / n;
  return { unit, n, median: round(median), p99: round(p99), min: round(sorted[0]!), max: round(sorted[n - 1]!), mean: round(mean) };
}

/** A figure for a table or chart: thousands separated, else three significant digits; "–" for no number. */
export function fmtFigure(x: number): string {
  if (!Number.isFinite(x)) return "–";
  const a = Math.abs(x);
  if (a >= 1000) return Math.round(x).toLocaleString("en-US");
  if (a >= 100) return x.toFixed(0);
  if (a >= 10) return x.toFixed(1);
  return x.toFixed(2);
}

/** Three significant digits, enough for figures that vary by more than that run to run. */
export function round(x: number): number {
  if (!Number.isFinite(x) || x === 0) return x;
  const digits = Math.max(0, 2 - Math.floor(Math.log10(Math.abs(x))));
  return Number(x.toFixed(Math.min(digits, 4)));
}
