/** The generic typed client and the dynamic client. */
export { api, GenericClient, type ClusterOptions, type NamespacedOptions } from "./client.ts";
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
  ListMethods,
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
export { isStatus, type KubeList, type KubeObject, type ListMeta, type ObjectMetaLike, type Scale, type TokenRequest } from "./object.ts";
export { apiVersionOf, type ResourceType, type Verb } from "./resource.ts";
export type { WatchEvent } from "../runtime/watch.ts";
export type { ApplyConfiguration, DeepPartial, MergePatch, Patch, StrategicMergePatch } from "../request/index.ts";
export { discoverResource, discoveryFor, dynamicResource, type DynamicResourceSpec, type ResourceQuery } from "./dynamic.ts";
export { Discovery, type DiscoveredGroup, type DiscoveredResource } from "./discovery.ts";
