/**
 * bun-k8s/controller: what an operator needs beyond typed clients and informers. The
 * controller loop with its work queue and rate limiters, finalizers, conditions and status by
 * server-side apply, an events.k8s.io/v1 recorder, and leader election on a Lease.
 */
export { Controller, controller } from "./controller.ts";
export type {
  ControllerOptions,
  InformerTuning,
  ReconcileContext,
  ReconcileResult,
  Reconciler,
  RelationOptions,
  RunOptions,
} from "./controller-types.ts";
export { openMetrics, type ControllerStats, type DurationHistogram } from "./controller-stats.ts";
export { keyOfRef, ownerMapper, type KeyMapper, type KeyRef } from "./relations.ts";
export { WorkQueue, type WorkQueueOptions } from "./workqueue.ts";
export {
  bucketRateLimiter,
  defaultControllerRateLimiter,
  itemExponentialRateLimiter,
  maxOfRateLimiter,
  type RateLimiter,
} from "./rate-limiters.ts";
export { finalizer, type FinalizerClient, type FinalizerHandlers } from "./finalizer.ts";
export {
  applyStatus,
  findCondition,
  isConditionTrue,
  setCondition,
  type Condition,
  type ConditionStatus,
  type ConditionUpdate,
  type StatusClient,
} from "./conditions.ts";
export {
  EventRecorder,
  eventRecorder,
  type EventInput,
  type EventRecorderOptions,
  type EventRecorderStats,
  type EventType,
} from "./event-recorder.ts";
export {
  LEADER_ELECTION_DEFAULTS,
  LeaderElector,
  leaderElector,
  type LeaderElectionOptions,
  type LeaderElectionStats,
} from "./leader-election.ts";
export { microTime, objectReference } from "./object-reference.ts";
export type { KubeTarget } from "./kube-target.ts";
