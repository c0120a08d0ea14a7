/**
 * The cost curves in the report: how time and memory grow with the work (objects listed or
 * cached, watches open), bun-k8s against client-node and the floor. A Markdown table per
 * figure, and SVG line panels for the chart (x: the load, on a log scale; y: from zero).
 */
import type { BenchResults, CaseResult } from "./results-types.ts";
import { fmtFigure, type Summary } from "./stats.ts";

export interface CurveFigure {
  curve: "list" | "informer" | "watches";
  metric: string;
  title: string;
  /** What the load counts, for the axis and the table. */
  loadUnit: string;
}

export const CURVE_FIGURES: CurveFigure[] = [
  { curve: "list", metric: "time", title: "LIST: time", loadUnit: "objects" },
  { curve: "list", metric: "heapPerObject", title: "LIST: heap held per object", loadUnit: "objects" },
  { curve: "informer", metric: "sync", title: "Informer: time to synced", loadUnit: "objects" },
  { curve: "informer", metric: "heapPerObject", title: "Informer: heap per cached object", loadUnit: "objects" },
  { curve: "watches", metric: "open", title: "Concurrent watches: time until all are open", loadUnit: "watches" },
  { curve: "watches", metric: "perEvent", title: "Concurrent watches: time per event (all watches)", loadUnit: "watches" },
  { curve: "watches", metric: "heap", title: "Concurrent watches: heap while open", loadUnit: "watches" },
];

/** The two pairs every curve is read by: bun-k8s over client-node on each runtime. */
const RATIO_PAIRS: [string, string, string][] = [
  ["bun-k8s / client-node 1.4, on Bun", "bun-k8s@bun", "client-node@bun"],
  ["bun-k8s / client-node 2.0, on Node 24", "bun-k8s@node24", "client-node-2@node24"],
  ["bun-k8s / floor, on Bun", "bun-k8s@bun", "floor@bun"],
  ["bun-k8s / floor, on Node 24", "bun-k8s@node24", "floor@node24"],
];

export interface CurvePointValue {
  load: number;
  value: Summary | { error: string } | undefined;
}

/** One contender's points of one figure, in load order. */
export function curveSeries(r: BenchResults, f: CurveFigure, contenderId: string): CurvePointValue[] {
  return (r.curves ?? [])
    .filter((p) => p.curve === f.curve)
    .sort((a, b) => a.load - b.load)
    .map((p) => ({ load: p.load, value: pick(r.cases[p.key]?.[contenderId], f.metric) }));
}

function pick(result: CaseResult | undefined, metric: string): CurvePointValue["value"] {
  if (!result) return undefined;
  if (!result.ok) return { error: result.notApplicable ? "n/a" : result.error };
  return result.metrics[metric];
}

/** Contenders that ran at least one point of the curves, in column order. */
export function curveContenders(r: BenchResults): BenchResults["contenders"] {
  const keys = (r.curves ?? []).map((p) => p.key);
  return r.contenders.filter((c) => keys.some((k) => r.cases[k]?.[c.id]));
}

export function fmtLoad(n: number): string {
  return n >= 1000 ? `${Math.round(n / 100) / 10}k`.replace(".0k", "k") : String(n);
}

const fmt = fmtFigure;

function isSummary(v: CurvePointValue["value"]): v is Summary {
  return v !== undefined && "median" in v;
}

/** The Markdown section: per figure, load by contender, with the ratios beside. */
export function curvesMarkdown(r: BenchResults): string[] {
  if (!r.curves?.length) return [];
  const cols = curveContenders(r);
  const pairs = RATIO_PAIRS.filter(([, a, b]) => cols.some((c) => c.id === a) && cols.some((c) => c.id === b));
  const loads = r.machine.loadByCase ?? {};
  const out = [
    "### Cost curves",
    "",
    "The same work at growing loads, each point a fresh child per contender, round by round (medians; min–max in brackets). " +
      "LIST and informer: a namespace of that many ~1 KiB ConfigMaps (plus its kube-root-ca.crt). Watches: that many watches " +
      "opened at once from resourceVersion 0 on the 1k namespace, each replaying every object; time per event is from the open " +
      "to the last event of every watch, divided by all events. Heap is measured after a forced GC while the list, cache or " +
      "watches are still held.",
    "",
  ];
  for (const f of CURVE_FIGURES) {
    const points = (r.curves ?? []).filter((p) => p.curve === f.curve).sort((a, b) => a.load - b.load);
    if (!points.length) continue;
    const unit = cols.map((c) => curveSeries(r, f, c.id).map((p) => p.value).find(isSummary)?.unit).find(Boolean) ?? "";
    out.push(
      `${f.title} (${unit}, lower is better):`,
      "",
      `| ${f.loadUnit} | 1-min load | ${cols.map((c) => c.label).join(" | ")} | ${pairs.map(([l]) => l).join(" | ")} |`,
      `|---:|---|${cols.map(() => "---:").join("|")}|${pairs.map(() => "---:").join("|")}|`,
    );
    for (const p of points) {
      const cells = cols.map((c) => {
        const v = pick(r.cases[p.key]?.[c.id], f.metric);
        if (v === undefined) return "–";
        if (!isSummary(v)) return v.error === "n/a" ? "n/a" : "failed";
        return v.n > 1 ? `${fmt(v.median)} (${fmt(v.min)}–${fmt(v.max)})` : fmt(v.median);
      });
      const ratios = pairs.map(([, a, b]) => {
        const x = pick(r.cases[p.key]?.[a], f.metric);
        const y = pick(r.cases[p.key]?.[b], f.metric);
        return isSummary(x) && isSummary(y) && y.median > 0 ? `${(x.median / y.median).toFixed(2)}×` : "–";
      });
      const load = loads[p.key];
      out.push(`| ${p.load.toLocaleString("en-US")} | ${load ? `${load[0]}→${load[1]}` : "–"} | ${cells.join(" | ")} | ${ratios.join(" | ")} |`);
    }
    out.push("");
  }
  return out;
}

const PANEL_W = 470;
const PANEL_H = 210;
const PLOT = { left: 50, right: 212, top: 40, bottom: 34 };

function esc(s: string): string {
  return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}

/**
 * One line panel per curve figure, two columns, starting at `top`; colours come from the bar
 * chart's palette (`color`), the floor dashed. Failed points are left out of the line and
 * named in the legend.
 */
export function curvesSvg(r: BenchResults, top: number, color: (contenderId: string) => string): { svg: string; height: number } {
  if (!r.curves?.length) return { svg: "", height: 0 };
  const cols = curveContenders(r);
  const figures = CURVE_FIGURES.filter((f) => r.curves!.some((p) => p.curve === f.curve));
  const parts = [`<text x="10" y="${top + 20}" class="h">${esc("Cost curves: how cost grows with the work (log scale of load, medians)")}</text>`];
  let y = top + 30;
  figures.forEach((f, i) => {
    const x = 10 + (i % 2) * (PANEL_W + 20);
    parts.push(panel(r, f, cols, x, y, color));
    if (i % 2 === 1 || i === figures.length - 1) y += PANEL_H;
  });
  return { svg: parts.join("\n"), height: y - top };
}

function panel(r: BenchResults, f: CurveFigure, cols: BenchResults["contenders"], x0: number, y0: number, color: (id: string) => string): string {
  const series = cols.map((c) => ({ c, points: curveSeries(r, f, c.id) }));
  const loads = [...new Set(series.flatMap((s) => s.points.map((p) => p.load)))].sort((a, b) => a - b);
  const values = series.flatMap((s) => s.points.map((p) => p.value)).filter(isSummary);
  const unit = values[0]?.unit ?? "";
  // From zero, or from below it: a heap can shrink while a figure is taken.
  const top = Math.max(0, ...values.map((v) => v.median));
  const bottom = Math.min(0, ...values.map((v) => v.median));
  const span = (top - bottom) * 1.1 || 1;
  const w = PANEL_W - PLOT.left - PLOT.right;
  const h = PANEL_H - PLOT.top - PLOT.bottom;
  const lo = Math.log10(loads[0] ?? 1);
  const hi = Math.log10(loads[loads.length - 1] ?? 10);
  const px = (load: number) => x0 + PLOT.left + (hi > lo ? ((Math.log10(load) - lo) / (hi - lo)) * w : w / 2);
  const py = (v: number) => y0 + PLOT.top + h - ((v - bottom) / span) * h;
  const out = [
    `<text x="${x0}" y="${y0 + 16}" class="t">${esc(f.title)}</text>`,
    `<text x="${x0}" y="${y0 + 30}" class="n">${esc(`${unit}, lower is better; x: ${f.loadUnit}`)}</text>`,
    `<line x1="${x0 + PLOT.left}" y1="${py(0)}" x2="${x0 + PLOT.left + w}" y2="${py(0)}" stroke="#9ca3af"/>`,
    `<line x1="${x0 + PLOT.left}" y1="${y0 + PLOT.top + h}" x2="${x0 + PLOT.left}" y2="${y0 + PLOT.top}" stroke="#9ca3af"/>`,
  ];
  for (const frac of [0.5, 1]) {
    const v = top * frac;
    out.push(`<text x="${x0 + PLOT.left - 4}" y="${py(v) + 4}" class="n" text-anchor="end">${esc(fmt(v))}</text>`);
    out.push(`<line x1="${x0 + PLOT.left}" y1="${py(v)}" x2="${x0 + PLOT.left + w}" y2="${py(v)}" stroke="#e5e7eb"/>`);
  }
  for (const load of loads) {
    out.push(`<text x="${px(load)}" y="${y0 + PLOT.top + h + 14}" class="n" text-anchor="middle">${esc(fmtLoad(load))}</text>`);
  }
  series.forEach(({ c, points }, i) => {
    const ok = points.filter((p): p is { load: number; value: Summary } => isSummary(p.value));
    const dashed = c.library === "floor" ? ` stroke-dasharray="4 3"` : "";
    if (ok.length > 1) {
      const d = ok.map((p, j) => `${j ? "L" : "M"}${px(p.load).toFixed(1)} ${py(p.value.median).toFixed(1)}`).join(" ");
      out.push(`<path d="${d}" fill="none" stroke="${color(c.id)}" stroke-width="2"${dashed}/>`);
    }
    for (const p of ok) out.push(`<circle cx="${px(p.load).toFixed(1)}" cy="${py(p.value.median).toFixed(1)}" r="2.5" fill="${color(c.id)}"/>`);
    // Legend on the right: the label, and the value at the largest load (or why there is none).
    const last = points[points.length - 1]?.value;
    const tail = isSummary(last) ? fmt(last.median) : last === undefined ? "not run" : last.error === "n/a" ? "n/a" : "failed";
    const ly = y0 + PLOT.top + 4 + i * 15;
    const lx = x0 + PANEL_W - PLOT.right + 10;
    out.push(`<line x1="${lx}" y1="${ly - 4}" x2="${lx + 14}" y2="${ly - 4}" stroke="${color(c.id)}" stroke-width="2"${dashed}/>`);
    out.push(`<text x="${lx + 18}" y="${ly}" class="k">${esc(`${c.label}: ${tail}`)}</text>`);
  });
  return out.join("\n");
}
