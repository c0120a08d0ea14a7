/**
 * bun-k8s: a typed Kubernetes and Flux SDK for Bun and Node.
 *
 * Kinds and their types come from the generated subpath modules, e.g.
 * `import { Deployment } from "bun-k8s/apps/v1"` or `"bun-k8s/flux/source/v1"`.
 */
export { KubeClient, type KubeClientOptions, type ScopeOptions } from "./client.ts";
export { createConnection, type ConnectionOptions, type RetryEvent } from "./connection.ts";
export type { Connection } from "./connection-types.ts";
export * from "./errors.ts";
export * from "./config/index.ts";
export * from "./api/index.ts";
export {
  ExponentialBackoff,
  InformerCache,
  ResetTimerBackoff,
  SharedInformerFactory,
  INITIAL_EVENTS_END_ANNOTATION,
  defaultBackoff,
  informer,
  objectKey,
  poller,
  watch,
  watcher,
  withBackoff,
} from "./runtime/index.ts";
export type {
  Backoff,
  BookmarkObject,
  ChangeInfo,
  Informer,
  InformerHandlers,
  InformerOptions,
  IndexFunction,
  ObjectRef,
  PollerOptions,
  ReadonlyCache,
  SyncInfo,
  WaitOptions,
  Watcher,
  WatcherEvent,
  WatcherOptions,
  WatcherStats,
  WatchEventType,
  WatchMode,
  WatchOptions,
} from "./runtime/index.ts";
export type { KubeRequest, SendOptions } from "./request/types.ts";
export { formatFieldSelector, formatLabelSelector } from "./request/index.ts";
export type { HttpResponse, TlsOptions, Transport, TransportOptions } from "./transport/types.ts";
export { createTransport } from "./transport/index.ts";
export * from "./flux/index.ts";
