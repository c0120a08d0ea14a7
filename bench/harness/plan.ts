/**
 * What one bench run does: the contenders, the cases in the order they run, and the
 * iteration counts of the full and the smoke mode.
 */
import type { CaseParams } from "./case-params.ts";

export type Mode = "full" | "smoke";
/** "client-node" is 1.4 (as installed in bench/node_modules), "client-node-2" the 2.0 release (npm alias client-node-2). */
export type Library = "bun-k8s" | "client-node" | "client-node-2" | "floor";
/** "node" is the Node that runs npm (20 in CI); "node24" the pinned binary of test/runtimes (npm run runtimes:install). */
export type Runtime = "bun" | "node" | "node24";

export interface ContenderRun {
  /** "bun-k8s@bun" */
  id: string;
  library: Library;
  runtime: Runtime;
  label: string;
}

const LIBRARY_LABEL: Record<Library, string> = { "bun-k8s": "bun-k8s", "client-node": "client-node 1.4", "client-node-2": "client-node 2.0", floor: "floor" };
const RUNTIME_LABEL: Record<Runtime, string> = { bun: "Bun", node: "Node", node24: "Node 24" };

function run(library: Library, runtime: Runtime): ContenderRun {
  return { id: `${library}@${runtime}`, library, runtime, label: `${LIBRARY_LABEL[library]} (${RUNTIME_LABEL[runtime]})` };
}

/** Column order of every table and chart. */
export const CONTENDERS: ContenderRun[] = [
  run("bun-k8s", "bun"),
  run("bun-k8s", "node"),
  run("client-node", "node"),
  run("client-node", "bun"),
  run("floor", "bun"),
  run("floor", "node"),
  run("bun-k8s", "node24"),
  run("client-node-2", "node24"),
  run("client-node-2", "bun"),
  run("floor", "node24"),
];

export const NAMESPACES = {
  get: "bun-k8s-bench-get",
  list: "bun-k8s-bench-list",
  watch: "bun-k8s-bench-watch",
  churn: "bun-k8s-bench-churn",
  curveSmall: "bun-k8s-bench-curve-small",
  curveLarge: "bun-k8s-bench-curve-large",
} as const;

/**
 * The contenders of the cost curves: bun-k8s against client-node on Bun and on Node 24
 * (client-node 1.4 on Bun, where 2.0 fails; 2.0 on Node 24), and the floor where it applies.
 */
export const CURVE_CONTENDERS = ["bun-k8s@bun", "client-node@bun", "floor@bun", "bun-k8s@node24", "client-node-2@node24", "floor@node24"];

/** One point of a cost curve: the results key, the case it runs, and the load printed beside it. */
export interface CurvePoint {
  key: string;
  curve: "list" | "informer" | "watches";
  /** Objects listed or cached, or watches open. */
  load: number;
  params: CaseParams;
}

export const GET_TARGET = "bench-target";

export interface Plan {
  mode: Mode;
  listObjects: number;
  watchObjects: number;
  coldStart: { warmup: number; reps: number };
  /** Child processes per informer measurement (one informer per process). */
  informerProcesses: number;
  /** Per-child time limit. */
  childTimeoutMs: number;
  cases: CaseParams[];
  /** Cases run a second time (results key "<case>+hog") while `processes` busy loops run. */
  hog: { processes: number; cases: CaseParams["case"][] };
  /** Objects of the curve namespaces (the middle point of the curves is the watch namespace). */
  curveObjects: { small: number; large: number };
  /** The cost curves, in the order they run; each point's expected count is filled in by the orchestrator. */
  curves: CurvePoint[];
}

/** Iteration counts: the full run meets the minimums; smoke proves the harness in about two minutes. */
export function makePlan(mode: Mode, curveRoundsOverride?: number): Plan {
  const full = mode === "full";
  const listObjects = full ? 5_000 : 200;
  const watchObjects = full ? 10_000 : 300;
  const curveRounds = curveRoundsOverride ?? (full ? 3 : 1);
  const small = full ? 1_000 : 100;
  const large = full ? 50_000 : 1_000;
  const sizes: [number, string][] = [
    [small, NAMESPACES.curveSmall],
    [watchObjects, NAMESPACES.watch],
    [large, NAMESPACES.curveLarge],
  ];
  const curves: CurvePoint[] = [
    ...sizes.map(([n, namespace]): CurvePoint => ({ key: `curve-list@${n}`, curve: "list", load: n, params: { case: "list", namespace, expected: n, warmup: 1, reps: curveRounds } })),
    ...sizes.map(([n, namespace]): CurvePoint => ({ key: `curve-informer@${n}`, curve: "informer", load: n, params: { case: "informer", namespace, expected: n } })),
    // Each watch replays the small namespace (every object an ADDED event) and stays open.
    ...[1, 10, 100].map((w): CurvePoint => ({ key: `curve-watches@${w}`, curve: "watches", load: w, params: { case: "watches", namespace: NAMESPACES.curveSmall, watches: w, eventsEach: small, reps: curveRounds } })),
  ];
  return {
    mode,
    curveObjects: { small, large },
    curves,
    listObjects,
    watchObjects,
    coldStart: full ? { warmup: 2, reps: 10 } : { warmup: 1, reps: 2 },
    informerProcesses: full ? 3 : 1,
    childTimeoutMs: full ? 600_000 : 60_000,
    hog: { processes: 2, cases: ["sequential-get", "concurrent-get", "create-delete"] },
    cases: [
      full
        ? { case: "sequential-get", namespace: NAMESPACES.get, name: GET_TARGET, warmup: 200, requests: 2_000, rounds: 3 }
        : { case: "sequential-get", namespace: NAMESPACES.get, name: GET_TARGET, warmup: 5, requests: 30, rounds: 2 },
      full
        ? { case: "concurrent-get", namespace: NAMESPACES.get, name: GET_TARGET, warmup: 256, requests: 4_000, concurrency: 32, rounds: 3 }
        : { case: "concurrent-get", namespace: NAMESPACES.get, name: GET_TARGET, warmup: 32, requests: 128, concurrency: 32, rounds: 2 },
      { case: "list", namespace: NAMESPACES.list, expected: listObjects, warmup: full ? 2 : 1, reps: full ? 10 : 2 },
      full
        ? { case: "create-delete", namespace: NAMESPACES.churn, prefix: "", objects: 1_000, concurrency: 16, warmup: 50, rounds: 3 }
        : { case: "create-delete", namespace: NAMESPACES.churn, prefix: "", objects: 20, concurrency: 8, warmup: 4, rounds: 1 },
      { case: "watch", namespace: NAMESPACES.watch, events: watchObjects, warmup: full ? 1 : 0, reps: full ? 5 : 2 },
      { case: "informer", namespace: NAMESPACES.watch, expected: watchObjects },
      { case: "informer-transformed", namespace: NAMESPACES.watch, expected: watchObjects },
      { case: "informer-metadata", namespace: NAMESPACES.watch, expected: watchObjects },
      { case: "informer-metadata-transformed", namespace: NAMESPACES.watch, expected: watchObjects },
      { case: "informer-list", namespace: NAMESPACES.watch, expected: watchObjects },
      { case: "reconcile", namespace: NAMESPACES.watch, expected: watchObjects, concurrency: 16 },
    ],
  };
}
