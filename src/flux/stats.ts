/**
 * `flux stats` (pure): per Flux kind, how many objects there are and how many are ready,
 * failing and suspended, plus the artifact storage sources use. Readiness is the SDK's
 * (evaluateReadiness): failing is Ready=False or Stalled=True for the current generation.
 */
import { FLUX_RESOURCES, isFluxKind, type FluxKind, type FluxObject } from "./kinds.ts";
import { evaluateReadiness, isSuspended, type FluxObjectLike } from "./readiness.ts";

/** For one Flux kind: how many objects there are, and how many are running, ready, failing or suspended, and their artifacts' storage. */
export interface FluxKindStats {
  kind: FluxKind;
  total: number;
  /** Not suspended (what `flux stats` calls running). */
  running: number;
  /** Ready=True for the current generation, or a kind no controller reconciles (Alert, Provider). */
  ready: number;
  /** Ready=False or Stalled=True for the current generation. */
  failing: number;
  suspended: number;
  /** Sum of status.artifact.size (sources only; 0 when none report it). */
  storageBytes: number;
}

/**
 * Counts objects per kind, one row per kind in `kinds` (default: every kind of an object
 * given), in the order of the SDK's kind table.
 *
 * @example fluxStats(await listAll()).find((s) => s.kind === "Kustomization")?.failing
 */
export function fluxStats(objects: readonly FluxObject[], kinds?: readonly FluxKind[]): FluxKindStats[] {
  const rows = new Map<FluxKind, FluxKindStats>();
  const row = (kind: FluxKind): FluxKindStats => {
    let r = rows.get(kind);
    if (!r) rows.set(kind, (r = { kind, total: 0, running: 0, ready: 0, failing: 0, suspended: 0, storageBytes: 0 }));
    return r;
  };
  for (const kind of kinds ?? []) row(kind);
  for (const object of objects) {
    if (!isFluxKind(object.kind)) continue;
    const r = row(object.kind);
    const state = evaluateReadiness(object).state;
    r.total++;
    if (isSuspended(object)) r.suspended++;
    else r.running++;
    if (state === "ready" || state === "static") r.ready++;
    if (state === "failed" || state === "stalled") r.failing++;
    const size = ((object as FluxObjectLike).status as { artifact?: { size?: unknown } } | undefined)?.artifact?.size;
    if (typeof size === "number") r.storageBytes += size;
  }
  const order = Object.keys(FLUX_RESOURCES);
  return [...rows.values()].sort((a, b) => order.indexOf(a.kind) - order.indexOf(b.kind));
}

/**
 * The rows as a table, like `flux stats`:
 * ```
 * RECONCILERS    RUNNING  READY  FAILING  SUSPENDED  STORAGE
 * GitRepository  2        1      1        0          1.2 KiB
 * ```
 */
export function formatFluxStats(stats: readonly FluxKindStats[]): string {
  const header = ["RECONCILERS", "RUNNING", "READY", "FAILING", "SUSPENDED", "STORAGE"];
  const rows = stats.map((s) => [s.kind, `${s.running}`, `${s.ready}`, `${s.failing}`, `${s.suspended}`, formatSize(s.storageBytes)]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  return [header, ...rows].map((cells) => cells.map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]!))).join("  ")).join("\n");
}

/** "-", "512 B", "1.2 KiB", as the CLI prints sizes. */
export function formatSize(bytes: number): string {
  if (bytes <= 0) return "-";
  if (bytes < 1024) return `${bytes} B`;
  const units = "KMGTPE";
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${value.toFixed(1)} ${units[unit]}iB`;
}
