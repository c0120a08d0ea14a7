/**
 * What the Flux launcher hands tests (through ClusterInfo.flux): where the loopback Git and
 * Helm repositories are, the Git credentials, and where the controllers listen. Plain data,
 * so that vitest can pass it from the global setup to the test workers.
 */
export interface FluxInfo {
  /** Module versions the controllers were built from, e.g. { "source-controller": "v1.9.6" }. */
  versions: Record<string, string>;
  git: {
    /** https://127.0.0.1:PORT; a repository is https://127.0.0.1:PORT/<path>.git, created on its first push. */
    url: string;
    /** Basic-auth credentials the Git server accepts (random per run). */
    username: string;
    password: string;
    /** PEM file of the CA that signed the server's certificate (the cluster's test CA when local). */
    caFile: string;
  };
  helm: {
    /** https://127.0.0.1:PORT, serving `dir` as a chart repository (index.yaml and archives), no credentials. */
    url: string;
    dir: string;
    caFile: string;
  };
  /** source-controller's artifact server (plain HTTP, as in a cluster). */
  storageUrl: string;
  /** notification-controller's event receiver, where the other controllers post their events. */
  eventsUrl: string;
  /** notification-controller's webhook receiver (Receiver objects). */
  receiverUrl: string;
  /** Only objects with matching labels are reconciled; undefined: every object. */
  watchLabelSelector: string | undefined;
  /** The controllers' log files. */
  logsDir: string;
  /** From spawning the processes to all of them answering ready. */
  startSeconds: number;
  /** Set when this start compiled the controllers. */
  buildSeconds: number | undefined;
}
