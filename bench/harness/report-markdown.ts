/** The Markdown report: context, the side-by-side table, the ratios, footprint and failures. */
import { curvesMarkdown } from "./curves-report.ts";
import { HEADLINES, costRatio, headlineValue, type Headline } from "./headlines.ts";
import type { BenchResults, FootprintEntry } from "./results-types.ts";
import { fmtFigure, type Summary } from "./stats.ts";

const fmt = fmtFigure;

function isSummary(v: unknown): v is Summary {
  return typeof v === "object" && v !== null && "median" in v;
}

class Footnotes {
  readonly notes: string[] = [];
  ref(text: string): string {
    let i = this.notes.indexOf(text);
    if (i < 0) i = this.notes.push(text) - 1;
    return `[^${i + 1}]`;
  }
}

function cell(h: Headline, v: ReturnType<typeof headlineValue>, label: string, notes: Footnotes): string {
  if (v === undefined) return "–";
  if (!isSummary(v)) return v.notApplicable ? "n/a" : `failed${notes.ref(`${label}, ${h.case}: ${v.error}`)}`;
  const spread =
    v.n <= 1 ? "" : h.spread === "p99" ? ` (p99 ${fmt(v.p99)})` : ` (${fmt(v.min)}–${fmt(v.max)})`;
  return `${fmt(v.median)}${spread}`;
}

function ratioCell(results: BenchResults, h: Headline, ours: string, theirs: string): string {
  const a = headlineValue(results, h, ours);
  const b = headlineValue(results, h, theirs);
  if (!isSummary(a) || !isSummary(b)) return "–";
  return `${costRatio(h, a.median, b.median).toFixed(2)}×`;
}

const RATIOS: [string, string, string][] = [
  ["bun-k8s / floor, on Bun", "bun-k8s@bun", "floor@bun"],
  ["bun-k8s / floor, on Node", "bun-k8s@node", "floor@node"],
  ["bun-k8s / client-node, on Node", "bun-k8s@node", "client-node@node"],
  ["bun-k8s / client-node, on Bun", "bun-k8s@bun", "client-node@bun"],
  ["bun-k8s on Bun / client-node on Node", "bun-k8s@bun", "client-node@node"],
  ["bun-k8s / floor, on Node 24", "bun-k8s@node24", "floor@node24"],
  ["bun-k8s / client-node 2.0, on Node 24", "bun-k8s@node24", "client-node-2@node24"],
  ["bun-k8s / client-node 2.0, on Bun", "bun-k8s@bun", "client-node-2@bun"],
];

function mib(bytes: number): string {
  return `${(bytes / 2 ** 20).toFixed(2)} MiB`;
}
function kib(bytes: number | undefined): string {
  return bytes === undefined ? "–" : `${(bytes / 1024).toFixed(1)} KiB`;
}

function footprintTable(r: BenchResults, notes: Footnotes): string[] {
  const ours = r.footprint["bun-k8s"];
  const theirs = r.footprint["client-node"];
  const get = (e: FootprintEntry | { error: string }, label: string, f: (x: FootprintEntry) => string): string =>
    "error" in e && !("installedBytes" in e) ? `failed${notes.ref(`${label}, footprint: ${e.error}`)}` : f(e as FootprintEntry);
  const ratio = (f: (x: FootprintEntry) => number | undefined, g: (x: FootprintEntry) => number | undefined = f): string => {
    if ("installedBytes" in ours && "installedBytes" in theirs) {
      const a = f(ours);
      const b = g(theirs);
      if (a !== undefined && b !== undefined && b > 0) return `${(a / b).toFixed(3)}×`;
    }
    return "–";
  };
  const bundle = (x: FootprintEntry, label: string): string =>
    x.bundleBytes === undefined ? `failed${notes.ref(`${label}, bundle: ${x.bundleError ?? "unknown"}`)}` : `${kib(x.bundleBytes)} (${kib(x.bundleGzipBytes)} gzip)`;
  const inCluster = (x: FootprintEntry, label: string): string =>
    label === "client-node" ? "same program" : x.inClusterBundleBytes === undefined ? "–" : `${kib(x.inClusterBundleBytes)} (${kib(x.inClusterBundleGzipBytes)} gzip)`;
  const rows: [string, (x: FootprintEntry, label: string) => string, (x: FootprintEntry) => number | undefined, ((x: FootprintEntry) => number | undefined)?][] = [
    ["Installed node_modules", (x) => `${mib(x.installedBytes)} (${x.installedFiles} files)`, (x) => x.installedBytes],
    ["Runtime dependencies (transitive)", (x) => String(x.runtimeDependencies), (x) => x.runtimeDependencies],
    ["`bun build --minify` of \"list pods\"", bundle, (x) => x.bundleBytes],
    ["the same, in a pod (in-cluster config, no kubeconfig)", inCluster, (x) => x.inClusterBundleBytes, (x) => x.bundleBytes],
    ["npm pack tarball", (x) => (x.tarballBytes === undefined ? "–" : kib(x.tarballBytes)), () => undefined],
  ];
  return [
    "| Footprint | bun-k8s | client-node | bun-k8s / client-node |",
    "|---|---:|---:|---:|",
    ...rows.map(([name, f, n, m]) => `| ${name} | ${get(ours, "bun-k8s", (x) => f(x, "bun-k8s"))} | ${get(theirs, "client-node", (x) => f(x, "client-node"))} | ${ratio(n, m)} |`),
  ];
}

/** Exec and port-forward throughput, from bench/pod-io's results file. */
function podIoTable(r: BenchResults): string[] {
  const p = r.podIo;
  if (!p) return [];
  const label = (id: string) => r.contenders.find((c) => c.id === id)?.label ?? id;
  return [
    "### Exec and port-forward throughput",
    "",
    `bench/pod-io (through kube-apiserver to kwok's kubelet streaming server; its own control plane). ${p.header}`,
    "",
    `| Case, MB/s (higher is better) | ${p.contenders.map(label).join(" | ")} |`,
    `|---|${p.contenders.map(() => "---:").join("|")}|`,
    ...p.cases.map((c) => {
      const cells = p.contenders.map((id) => {
        const v = c.byContender[id];
        if (!v) return "–";
        if (!v.ok) return `failed: ${v.error.replace(/\|/g, "/").slice(0, 80)}`;
        return `${fmt(v.summary.median)} (${fmt(v.summary.min)}–${fmt(v.summary.max)})`;
      });
      return `| ${c.label} | ${cells.join(" | ")} |`;
    }),
    "",
  ];
}

/** @example writeFileSync("latest.md", renderMarkdown(results)) */
export function renderMarkdown(r: BenchResults): string {
  const notes = new Footnotes();
  const m = r.machine;
  const out: string[] = [
    `# bun-k8s benchmarks — ${r.date.slice(0, 16).replace("T", " ")} UTC${r.mode === "smoke" ? " (SMOKE: a few iterations, figures not meaningful)" : ""}`,
    "",
    `Machine: ${m.cpuModel}, ${m.cores} cores, ${m.memoryGiB} GiB, ${m.os}; 1-min load ${m.loadStart} at start, ${m.loadEnd} at end.  `,
    `Runtimes: Bun ${r.runtimes.bun}, Node ${r.runtimes.node}${r.runtimes.node24 ? `, Node 24: ${r.runtimes.node24}` : ""}. bun-k8s ${r.versions.bunK8s}, @kubernetes/client-node ${r.versions.clientNode}${r.versions.clientNode2 ? ` and ${r.versions.clientNode2}` : ""}, ` +
      `kube-apiserver ${r.versions.kubernetes} (local, etcd, client-certificate auth, all on loopback, same server for every contender).  `,
    ...(m.loadByCase
      ? [`1-min load per case (start→end): ${Object.entries(m.loadByCase).map(([k, [a, b]]) => `${k} ${a}→${b}`).join(", ")}.  `]
      : []),
    ...(r.notes ?? []).map((n) => `Note: ${n}.  `),
    ...(r.skipped ? [`Not run (the run's ${r.skipped.budgetMinutes}-minute budget was spent): ${r.skipped.steps.join(", ")}.  `] : []),
    `Run took ${r.durationSeconds} s. Medians; spread in brackets: p99 for per-request latency, min–max of the repetitions otherwise.`,
    "",
    `| Case | unit | better | ${r.contenders.map((c) => c.label).join(" | ")} |`,
    `|---|---|---|${r.contenders.map(() => "---:").join("|")}|`,
  ];
  for (const h of HEADLINES) {
    if (!r.cases[h.case]) continue;
    const unit = r.contenders.map((c) => headlineValue(r, h, c.id)).find(isSummary)?.unit ?? "";
    const cells = r.contenders.map((c) => cell(h, headlineValue(r, h, c.id), c.label, notes));
    out.push(`| ${h.label} | ${unit} | ${h.better} | ${cells.join(" | ")} |`);
  }
  out.push(
    "",
    "Cost ratios of medians: bun-k8s's time, memory or inverse throughput divided by the other's. Below 1.00× bun-k8s is faster or smaller.",
    "",
    `| Case | ${RATIOS.map(([l]) => l).join(" | ")} |`,
    `|---|${RATIOS.map(() => "---:").join("|")}|`,
  );
  for (const h of HEADLINES) {
    if (!r.cases[h.case]) continue;
    out.push(`| ${h.label} | ${RATIOS.map(([, a, b]) => ratioCell(r, h, a, b)).join(" | ")} |`);
  }
  out.push("", ...curvesMarkdown(r), ...podIoTable(r), ...footprintTable(r, notes), "");
  for (const lib of ["bun-k8s", "client-node"] as const) {
    const e = r.footprint[lib];
    const parts = "installedBytes" in e && e.bundleComposition ? Object.entries(e.bundleComposition) : [];
    if (parts.length) out.push(`${lib} "list pods" bundle by source: ${parts.slice(0, 8).map(([k, b]) => `${k.replace(/^bun-k8s\/dist\//, "")} ${kib(b)}`).join(", ")}.  `);
  }
  out.push("");
  const entry = "installedBytes" in r.footprint["bun-k8s"] ? (r.footprint["bun-k8s"] as FootprintEntry).entry : undefined;
  if (entry === "dist-modules") {
    out.push("bun-k8s has no main entry exporting loadConfig/createConnection/api yet: its consumer programs import the built modules by path.", "");
  } else if (entry) {
    out.push(`bun-k8s's cold-start and "list pods" programs use ${entry === "KubeClient" ? "`KubeClient.load()` and `kube.api(Kind)`" : "`loadConfig`, `createConnection` and `api`"} from the package's main entry, as installed from its npm tarball.`, "");
  }
  out.push("Parameters:", "", ...Object.entries(r.params).map(([k, v]) => `- ${k}: \`${JSON.stringify(v)}\``), "");
  if (r.harnessErrors.length) out.push("Harness errors:", "", ...r.harnessErrors.map((e) => `- ${e.split("\n")[0]}`), "");
  out.push(...notes.notes.map((n, i) => `[^${i + 1}]: ${n.replace(/\|/g, "\\|")}`), "");
  return out.join("\n");
}
