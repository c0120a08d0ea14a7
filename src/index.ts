/**
 * bun-k8s: a typed Kubernetes SDK for Bun and Node. This entry holds the client, the typed
 * API, errors and the runtime (watchers, informers). Configuration loading is in
 * `bun-k8s/config`, the Flux toolkit in `bun-k8s/flux`, and the kinds on their own subpaths,
 * e.g. `import { Deployment } from "bun-k8s/apps/v1"` or `"bun-k8s/flux/source/v1"`.
 * test/unit/public-surface.test.ts lists every name, so the surface grows only on purpose.
 */

// The client
export { KubeClient, type KubeClientOptions, type ScopeOptions } from "./client/kube-client.ts";
export { createConnection, type ConnectionOptions, type RetryEvent } from "./connection/connection.ts";
export type { Connection } from "./connection/types.ts";
export type { RetryPolicy } from "./transport/retry.ts";
export type { RateLimit } from "./transport/rate-limit.ts";

// Errors
export {
  ApiError,
  AuthError,
  ConfigError,
  DecodeError,
  KubeError,
  ResponseTooLargeError,
  TlsError,
  TransportError,
  ValidationError,
  WaitFailedError,
  WaitTimeoutError,
  isAbortError,
  isAlreadyExists,
  isConflict,
  isForbidden,
  isGone,
  isInvalid,
  isNotFound,
  isTooManyRequests,
  isUnauthorized,
  type ErrorSite,
  type Status,
  type StatusDetails,
} from "./base/errors.ts";

// Secrets: what a custom AuthProvider registers so no error can quote it
export { SecretValues } from "./base/secrets.ts";
export { DEFAULT_MAX_RESPONSE_BYTES } from "./transport/body-limit.ts";

// Resources and objects
export { apiVersionOf, type ResourceType, type Verb } from "./base/resource.ts";
export { dropManagedFields, isStatus, objectKey, type DynamicObject, type KubeList, type KubeObject, type ListMeta, type ObjectMetaLike } from "./base/object.ts";
export type { JsonValue, NewerValue, QuantityMarker, Writable } from "./base/value-types.ts";

// The typed API
export {
  api,
  applyConfigurationOf,
  discoverResource,
  dynamicResource,
  Discovery,
  INITIAL_EVENTS_END_ANNOTATION,
  metadataOnly,
  type AllNamespacesClient,
  type BookmarkObject,
  type CallOptions,
  type ClusterOptions,
  type DiscoveredResource,
  type DynamicResourceSpec,
  type ListClient,
  type ListWatchClient,
  type MetadataClient,
  type MetadataSource,
  type NamespacedOptions,
  type PartialObjectMetadata,
  type ResourceApi,
  type ResourceClient,
  type ResourceQuery,
  type Scale,
  serverVersion,
  type ServerVersion,
  type TokenRequest,
  type WatchEvent,
  type WatchEventType,
} from "./api/index.ts";
export { formatFieldSelector, formatLabelSelector } from "./request/selectors.ts";
export type { LabelSelector, LabelSelectorRequirement } from "./request/selectors.ts";
export type { GetParams, ListParams, SelectorParams, WatchParams } from "./request/read.ts";
export type { CreateParams, DeleteCollectionParams, DeleteParams, Preconditions, PropagationPolicy, ReplaceParams } from "./request/write.ts";
export type { ApplyParams, PatchParams } from "./request/patch.ts";
export type { WriteParams } from "./request/param-checks.ts";
export type { ApplyConfiguration, DeepPartial, JsonPatchOperation, MergePatch, Patch, StrategicMergePatch } from "./request/patch-types.ts";
export type { BindingTarget, EvictionParams, LogParams, LogStreamParams, TokenRequestParams } from "./request/subresources.ts";
export type { ProxyParams } from "./request/connect-requests.ts";
export type { KubeRequest, SendOptions } from "./request/types.ts";

// The runtime
export {
  SharedInformerFactory,
  informer,
  poller,
  watcher,
  type ChangeInfo,
  type IndexFunction,
  type Informer,
  type InformerHandlers,
  type InformerOptions,
  type ObjectRef,
  type PollerOptions,
  type ReadonlyCache,
  type SyncInfo,
  type TransformOptions,
  type WaitOptions,
  type Watcher,
  type WatcherEvent,
  type WatcherOptions,
  type WatcherStats,
  type WatchMode,
  awaitCondition,
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
  type AwaitConditionOptions,
  type WaitCondition,
} from "./runtime/index.ts";
export { ExponentialBackoff, ResetTimerBackoff, defaultBackoff, type Backoff, type ExponentialBackoffOptions } from "./base/backoff.ts";
export type { Clock } from "./base/clock.ts";

// Transport seams (ConnectionOptions.transport)
export { createTransport } from "./transport/index.ts";
export type { HttpRequest, HttpResponse, TlsOptions, Transport, TransportOptions } from "./transport/types.ts";
