/**
 * The README chart, drawn by hand as SVG: one small bar panel per headline figure, two
 * columns, contenders in a fixed order and colour (bun-k8s blue, client-node red, floor grey;
 * the darker shade is Bun). Failed runs are written, not drawn.
 */
import { curvesSvg } from "./curves-report.ts";
import { HEADLINES, headlineValue } from "./headlines.ts";
import type { Library, Runtime } from "./plan.ts";
import type { BenchResults, FootprintEntry } from "./results-types.ts";
import { fmtFigure } from "./stats.ts";

const COLORS: Record<Library, Record<Runtime, string>> = {
  "bun-k8s": { bun: "#1d4ed8", node: "#60a5fa", node24: "#93c5fd" },
  "client-node": { bun: "#b91c1c", node: "#f87171", node24: "#fca5a5" },
  "client-node-2": { bun: "#c2410c", node: "#fb923c", node24: "#fdba74" },
  floor: { bun: "#4b5563", node: "#9ca3af", node24: "#d1d5db" },
};

interface Bar {
  label: string;
  color: string;
  value: number | undefined;
  /** Shown instead of a bar. */
  text?: string;
}

interface Panel {
  title: string;
  note: string;
  unit: string;
  bars: Bar[];
}

const W = 980;
const COL_W = 480;
const LABEL_W = 150;
const BAR_MAX = 220;
const BAR_H = 14;
const GAP = 5;
const HEAD = 40;

function esc(s: string): string {
  return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}

const fmt = fmtFigure;

function panels(r: BenchResults): Panel[] {
  const out: Panel[] = [];
  for (const h of HEADLINES) {
    if (!r.cases[h.case]) continue;
    let unit = "";
    const bars = r.contenders.map((c): Bar => {
      const v = headlineValue(r, h, c.id);
      const color = COLORS[c.library][c.runtime];
      if (v === undefined) return { label: c.label, color, value: undefined, text: "not run" };
      if ("error" in v) return { label: c.label, color, value: undefined, text: v.notApplicable ? "n/a" : "failed" };
      unit = v.unit;
      return { label: c.label, color, value: v.median };
    });
    out.push({ title: h.label, note: `${h.better} is better`, unit, bars });
  }
  const fp = (lib: "bun-k8s" | "client-node", pick: (e: FootprintEntry) => number | undefined, scale: number): Bar => {
    const e = r.footprint[lib];
    const color = COLORS[lib].bun;
    if (!("installedBytes" in e)) return { label: lib, color, value: undefined, text: "failed" };
    const v = pick(e);
    return v === undefined ? { label: lib, color, value: undefined, text: "failed" } : { label: lib, color, value: v / scale };
  };
  for (const c of r.podIo?.cases ?? []) {
    const bars = r.podIo!.contenders.map((id): Bar => {
      const v = c.byContender[id];
      const label = podIoLabel(r, id);
      if (!v) return { label, color: colorOf(id), value: undefined, text: "not run" };
      return v.ok ? { label, color: colorOf(id), value: v.summary.median } : { label, color: colorOf(id), value: undefined, text: "failed" };
    });
    out.push({ title: c.label.replace(/^exec/, "Exec").replace(/^port/, "Port"), note: "higher is better", unit: "MB/s", bars });
  }
  out.push(
    { title: "Installed node_modules", note: "lower is better", unit: "MiB", bars: [fp("bun-k8s", (e) => e.installedBytes, 2 ** 20), fp("client-node", (e) => e.installedBytes, 2 ** 20)] },
    { title: "Minified \"list pods\" bundle", note: "lower is better", unit: "KiB", bars: [fp("bun-k8s", (e) => e.bundleBytes, 1024), fp("client-node", (e) => e.bundleBytes, 1024)] },
  );
  return out;
}

/** The colour of a contender id ("bun-k8s@node24"); kubectl and unknown ids are grey. */
function colorOf(id: string): string {
  const [library, runtime] = id.split("@") as [Library, Runtime | undefined];
  return COLORS[library]?.[runtime ?? "node"] ?? "#6b7280";
}

function podIoLabel(r: BenchResults, id: string): string {
  return r.contenders.find((c) => c.id === id)?.label ?? id;
}

function panelHeight(p: Panel): number {
  return HEAD + p.bars.length * (BAR_H + GAP) + 12;
}

function drawPanel(p: Panel, x: number, y: number): string {
  const max = Math.max(...p.bars.map((b) => b.value ?? 0), 0);
  const parts = [
    `<text x="${x}" y="${y + 16}" class="t">${esc(p.title)}</text>`,
    `<text x="${x}" y="${y + 31}" class="n">${esc(`${p.unit}, ${p.note}`)}</text>`,
  ];
  p.bars.forEach((b, i) => {
    const by = y + HEAD + i * (BAR_H + GAP);
    parts.push(`<text x="${x + LABEL_W - 6}" y="${by + BAR_H - 3}" class="l" text-anchor="end">${esc(b.label)}</text>`);
    if (b.value === undefined) {
      const cls = b.text === "failed" ? "f" : "x";
      parts.push(`<text x="${x + LABEL_W}" y="${by + BAR_H - 3}" class="${cls}">${esc(b.text ?? "")}</text>`);
      return;
    }
    const w = max > 0 ? Math.max(1, (b.value / max) * BAR_MAX) : 1;
    parts.push(`<rect x="${x + LABEL_W}" y="${by}" width="${w.toFixed(1)}" height="${BAR_H}" fill="${b.color}" rx="2"/>`);
    parts.push(`<text x="${(x + LABEL_W + w + 5).toFixed(1)}" y="${by + BAR_H - 3}" class="v">${esc(fmt(b.value))}</text>`);
  });
  return parts.join("\n");
}

/** @example writeFileSync("latest.svg", renderSvg(results)) */
export function renderSvg(r: BenchResults): string {
  const ps = panels(r);
  const top = 56;
  const body: string[] = [];
  let y = top;
  for (let i = 0; i < ps.length; i += 2) {
    const row = ps.slice(i, i + 2);
    row.forEach((p, j) => body.push(drawPanel(p, 10 + j * COL_W, y)));
    y += Math.max(...row.map(panelHeight));
  }
  const curves = curvesSvg(r, y, colorOf);
  body.push(curves.svg);
  y += curves.height;
  const m = r.machine;
  const subtitle = `${m.cpuModel}, ${m.cores} cores · Bun ${r.runtimes.bun}, Node ${r.runtimes.node} · client-node ${r.versions.clientNode} · kube-apiserver ${r.versions.kubernetes} · load ${m.loadStart}→${m.loadEnd}`;
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${y + 10}" viewBox="0 0 ${W} ${y + 10}" font-family="system-ui, -apple-system, Segoe UI, Helvetica, Arial, sans-serif">
<style>
.h{font-size:17px;font-weight:600;fill:#111827}.s{font-size:11px;fill:#4b5563}.t{font-size:13px;font-weight:600;fill:#111827}
.n{font-size:10.5px;fill:#6b7280}.l{font-size:11px;fill:#374151}.v{font-size:11px;fill:#111827}.k{font-size:10px;fill:#374151}.f{font-size:11px;fill:#b91c1c;font-style:italic}.x{font-size:11px;fill:#9ca3af;font-style:italic}
</style>
<rect width="100%" height="100%" fill="#ffffff"/>
<text x="10" y="24" class="h">${esc(`bun-k8s vs @kubernetes/client-node vs the raw floor — medians, ${r.date.slice(0, 10)}${r.mode === "smoke" ? " (smoke run)" : ""}`)}</text>
<text x="10" y="42" class="s">${esc(subtitle)}</text>
${body.join("\n")}
</svg>
`;
}
