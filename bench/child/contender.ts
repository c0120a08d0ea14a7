/**
 * What every contender (bun-k8s, @kubernetes/client-node, the raw floor) offers the case
 * runner. Each contender runs in its own child process, so nothing of one is loaded in
 * another's memory measurements.
 */

/** Where the bench cluster is, as the orchestrator hands it to every child. */
export interface BenchTarget {
  /** https://127.0.0.1:PORT */
  server: string;
  /** Admin kubeconfig (client certificate). */
  kubeconfig: string;
  /** PEM files of that same identity, for the floor (which parses no kubeconfig). */
  caFile: string;
  certFile: string;
  keyFile: string;
}

/** One ConfigMap's identity and payload, as the churn case creates it. */
export interface ConfigMapSpec {
  namespace: string;
  name: string;
  data: Record<string, string>;
}

export interface WatchRun {
  /** Events received before the stop. */
  events: number;
}

/** Several watches open at once (the cost curve of concurrent watches). */
export interface WatchesRun {
  /** Resolves once every watch has delivered its first event; rejects when one fails. */
  opened: Promise<void>;
  /** Resolves once every watch has delivered `eventsEach` events (the watches stay open). */
  drained: Promise<void>;
  stop(): void;
}

/**
 * Counts events of `watches` watches: `opened` once each saw one, `drained` once each saw
 * `eventsEach`. Every contender feeds it; `fail` rejects both.
 */
export class WatchTally {
  readonly opened: Promise<void>;
  readonly drained: Promise<void>;
  readonly #seen: number[];
  readonly #eventsEach: number;
  #open = 0;
  #done = 0;
  #resolveOpened!: () => void;
  #resolveDrained!: () => void;
  #reject!: (e: Error) => void;

  constructor(watches: number, eventsEach: number) {
    this.#seen = new Array<number>(watches).fill(0);
    this.#eventsEach = eventsEach;
    let rejectOpened!: (e: Error) => void;
    this.opened = new Promise((resolve, reject) => ((this.#resolveOpened = resolve), (rejectOpened = reject)));
    this.drained = new Promise((resolve, reject) => {
      this.#resolveDrained = resolve;
      this.#reject = (e) => (rejectOpened(e), reject(e));
    });
    this.opened.catch(() => undefined);
    this.drained.catch(() => undefined);
  }

  /** One event (not a BOOKMARK) of watch `i`. */
  event(i: number): void {
    const n = ++this.#seen[i]!;
    if (n === 1 && ++this.#open === this.#seen.length) this.#resolveOpened();
    if (n === this.#eventsEach && ++this.#done === this.#seen.length) this.#resolveDrained();
  }

  /** Watch `i` ended before it was stopped. */
  fail(i: number, error: unknown): void {
    this.#reject(new Error(`watch ${i} of ${this.#seen.length} failed after ${this.#seen[i]} events: ${error instanceof Error ? error.message : String(error)}`));
  }
}

export interface InformerRun {
  /** Objects in the informer's cache once it reports synced. */
  size: number;
  stop(): Promise<void>;
}

/**
 * What an informer keeps of each object: all of it, all but managedFields, metadata only, or metadata but
 * managedFields; or "list": all of it, filled by one unpaged LIST then a watch (what client-node's informer
 * always does) instead of the library's default.
 */
export type InformerMode = "full" | "transformed" | "metadata" | "metadata-transformed" | "list";

export interface ReconcileRun {
  /** From starting the controller to its informer's first sync, ms. */
  syncMs: number;
  /** From the sync to every key reconciled once, with a reconcile that does nothing, ms. */
  noopMs: number;
  /** The same with a reconcile that GETs its object, `concurrency` at once, ms. */
  getMs: number;
}

export interface Contender {
  /** Loads config and builds the client; not timed by the throughput cases. */
  setup(target: BenchTarget): Promise<void>;
  listNamespaces(): Promise<number>;
  getConfigMap(namespace: string, name: string): Promise<void>;
  /** Resolves with the decoded list, so the case can count its items and weigh what it holds. */
  listConfigMaps(namespace: string): Promise<{ items: readonly unknown[] }>;
  createConfigMap(spec: ConfigMapSpec): Promise<void>;
  deleteConfigMap(namespace: string, name: string): Promise<void>;
  /** Watches the namespace's ConfigMaps from resourceVersion "0" until `events` events arrived. */
  watchConfigMaps(namespace: string, events: number): Promise<WatchRun>;
  /**
   * Opens `watches` watches of the namespace's ConfigMaps from resourceVersion "0" at once, each
   * counting its events; they stay open until `stop()`.
   */
  openWatches(namespace: string, watches: number, eventsEach: number): WatchesRun;
  /** Absent when the contender has no informer (the floor). */
  startInformer?(namespace: string, mode: InformerMode): Promise<InformerRun>;
  /** Absent when the contender has no controller (client-node, the floor). */
  reconcileAll?(namespace: string, expected: number, concurrency: number): Promise<ReconcileRun>;
  close(): void;
}

/** Thrown for a case a contender has no way to run (not a failure of the contender). */
export class NotApplicable extends Error {
  override readonly name = "NotApplicable";
}
