/** The generic typed client, the watch stream it opens, and the dynamic client. */
export { api, type ClusterOptions, type NamespacedOptions, type ResourceApi } from "./client.ts";
export type {
  AllNamespacesClient,
  ApprovalClient,
  BindingMethods,
  CallOptions,
  CreateMethods,
  DeleteCollectionMethods,
  DeleteMethods,
  EvictionMethods,
  GetMethods,
  ListClient,
  ListMethods,
  ListWatchClient,
  LogMethods,
  PatchMethods,
  ReplaceMethods,
  ResourceClient,
  ScaleClient,
  SubresourceClient,
  SubresourceMethods,
  TokenMethods,
  VerbMethods,
  WatchMethods,
} from "./client-types.ts";
export type { Scale, TokenRequest } from "./subresource-bodies.ts";
export { INITIAL_EVENTS_END_ANNOTATION, type BookmarkObject, type WatchEvent, type WatchEventType } from "./watch-stream.ts";
export { applyConfigurationOf } from "./apply-configuration.ts";
export { discoverResource, discoveryFor, dynamicResource, type DynamicResourceSpec, type ResourceQuery } from "./dynamic.ts";
export { Discovery, type DiscoveredGroup, type DiscoveredResource } from "./discovery.ts";
export { metadataOnly, type MetadataClient, type MetadataSource, type PartialObjectMetadata } from "./metadata-client.ts";
export { serverVersion, type ServerVersion } from "./server-version.ts";
