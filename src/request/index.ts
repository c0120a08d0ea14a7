/** Pure request building: (resource, verb, params) -> KubeRequest. No I/O. */
export type { KubeRequest, SendOptions } from "./types.ts";
export {
  checkSegment,
  describeResource,
  encodeSegment,
  groupVersionPath,
  requestTarget,
  resourcePath,
  type Location,
  type ResourceRef,
} from "./path.ts";
export {
  escapeFieldValue,
  formatFieldSelector,
  formatLabelSelector,
  type LabelSelector,
  type LabelSelectorRequirement,
} from "./selectors.ts";
export type { FieldValidation, WriteParams } from "./param-checks.ts";
export {
  getRequest,
  listRequest,
  watchRequest,
  type GetParams,
  type ListParams,
  type ResourceVersionMatch,
  type SelectorParams,
  type WatchParams,
} from "./read.ts";
export {
  createRequest,
  deleteCollectionRequest,
  deleteRequest,
  replaceRequest,
  type CreateParams,
  type DeleteCollectionParams,
  type DeleteParams,
  type Preconditions,
  type PropagationPolicy,
  type ReplaceParams,
} from "./write.ts";
export {
  applyRequest,
  isBuiltInGroup,
  patchRequest,
  supportsStrategicMerge,
  type ApplyParams,
  type PatchParams,
  type PatchTarget,
} from "./patch.ts";
export {
  PATCH_CONTENT_TYPES,
  type ApplyConfiguration,
  type DeepPartial,
  type JsonPatchOperation,
  type MergePatch,
  type Patch,
  type PatchType,
  type StrategicMergePatch,
} from "./patch-types.ts";
export {
  bindingRequest,
  evictionRequest,
  logRequest,
  subresourceGetRequest,
  subresourceReplaceRequest,
  tokenRequest,
  type BindingTarget,
  type EvictionParams,
  type LogParams,
  type LogStreamParams,
  type SubresourceBody,
  type TokenRequestParams,
} from "./subresources.ts";
export {
  attachRequest,
  checkPort,
  execRequest,
  portForwardRequest,
  proxyRequest,
  type ProxyParams,
  type StreamParams,
} from "./connect-requests.ts";
export {
  METADATA_LIST_ACCEPT,
  METADATA_OBJECT_ACCEPT,
  metadataGetRequest,
  metadataListRequest,
  metadataWatchRequest,
} from "./metadata.ts";
