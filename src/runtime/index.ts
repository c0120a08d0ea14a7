/** The runtime: the watcher, polling and informers, all driven by typed clients. */
export { InformerCache } from "./informer-cache.ts";
export type { IndexFunction, ReadonlyCache } from "./informer-cache.ts";
export { informer } from "./informer.ts";
export type { ChangeInfo, Informer, InformerHandlers, InformerOptions, ObjectRef, SyncInfo, WaitOptions } from "./informer.ts";
export { poller } from "./polling.ts";
export type { PollerOptions } from "./polling.ts";
export { SharedInformerFactory } from "./shared-informers.ts";
export { watcher } from "./watcher.ts";
export type { WatcherOptions } from "./watcher.ts";
export type { Watcher, WatcherEvent, WatcherStats, WatchMode } from "./watcher-events.ts";
export { awaitCondition } from "./await-condition.ts";
export type { AwaitConditionOptions } from "./await-condition.ts";
export {
  waitCondition,
  crdEstablished,
  daemonSetRolledOut,
  deleted,
  deploymentComplete,
  jobComplete,
  jobFailed,
  podReady,
  podRunning,
  podSucceeded,
  statefulSetRolledOut,
} from "./conditions.ts";
export type { WaitCondition, CrdLike, DaemonSetLike, DeploymentLike, JobLike, PodLike, StatefulSetLike } from "./conditions.ts";
export type { TransformOptions } from "./collection.ts";
