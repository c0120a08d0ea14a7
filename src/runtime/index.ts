/** The runtime: watch streams, the watcher, polling, backoff and informers. */
export { combineSignals } from "./abort.ts";
export { ExponentialBackoff, ResetTimerBackoff, defaultBackoff, withBackoff } from "./backoff.ts";
export type { Backoff, ExponentialBackoffOptions, WithBackoffOptions } from "./backoff.ts";
export { systemClock, sleep } from "./clock.ts";
export type { Clock } from "./clock.ts";
export { InformerCache } from "./informer-cache.ts";
export type { IndexFunction, ReadonlyCache } from "./informer-cache.ts";
export { informer } from "./informer.ts";
export type {
  ChangeInfo,
  Informer,
  InformerHandlers,
  InformerOptions,
  ObjectRef,
  SyncInfo,
  WaitOptions,
} from "./informer.ts";
export { objectKey } from "./kube-object.ts";
export type { KubeObject, KubeObjectMeta } from "./kube-object.ts";
export { poller } from "./polling.ts";
export type { PollerOptions } from "./polling.ts";
export { SharedInformerFactory } from "./shared-informers.ts";
export { INITIAL_EVENTS_END_ANNOTATION, watch } from "./watch.ts";
export type { BookmarkObject, WatchEvent, WatchEventType, WatchOptions } from "./watch.ts";
export { buildListRequest, buildWatchRequest } from "./watch-request.ts";
export type { ListQuery, SelectorOptions, WatchQuery } from "./watch-request.ts";
export { watcher } from "./watcher.ts";
export type { WatcherOptions } from "./watcher.ts";
export type { Watcher, WatcherEvent, WatcherStats, WatchMode } from "./watcher-events.ts";
