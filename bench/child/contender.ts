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
  /** Resolves with the number of items decoded. */
  listConfigMaps(namespace: string): Promise<number>;
  createConfigMap(spec: ConfigMapSpec): Promise<void>;
  deleteConfigMap(namespace: string, name: string): Promise<void>;
  /** Watches the namespace's ConfigMaps from resourceVersion "0" until `events` events arrived. */
  watchConfigMaps(namespace: string, events: number): Promise<WatchRun>;
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
