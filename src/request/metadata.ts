/**
 * Metadata-only reads: the same get, list and watch requests, with the Accept header that asks
 * the API server for meta/v1 PartialObjectMetadata (objects) or PartialObjectMetadataList
 * (lists) instead of whole objects. Watch events carry single objects, so a watch asks for
 * PartialObjectMetadata; asking a watch or a get for the List form is answered 406.
 */
import type { KubeRequest } from "./types.ts";
import { getRequest, listRequest, watchRequest, type GetParams, type ListParams, type WatchParams } from "./read.ts";
import type { ResourceRef } from "./path.ts";

/** Accept header of a metadata-only list. */
export const METADATA_LIST_ACCEPT = "application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1";
/** Accept header of a metadata-only get or watch (each event's object is one PartialObjectMetadata). */
export const METADATA_OBJECT_ACCEPT = "application/json;as=PartialObjectMetadata;g=meta.k8s.io;v=v1";

function accept(request: KubeRequest, value: string): KubeRequest {
  return { ...request, headers: { ...request.headers, Accept: value } };
}

/**
 * A list answered as a PartialObjectMetadataList.
 *
 * @example metadataListRequest(ConfigMap, "default", { limit: 100 }).headers // { Accept: METADATA_LIST_ACCEPT }
 */
export function metadataListRequest(r: ResourceRef, namespace: string | undefined, params?: ListParams): KubeRequest {
  return accept(listRequest(r, namespace, params), METADATA_LIST_ACCEPT);
}

/**
 * A watch whose events carry PartialObjectMetadata objects.
 *
 * @example metadataWatchRequest(ConfigMap, "default", { resourceVersion: "42" })
 */
export function metadataWatchRequest(r: ResourceRef, namespace: string | undefined, params?: WatchParams): KubeRequest {
  return accept(watchRequest(r, namespace, params), METADATA_OBJECT_ACCEPT);
}

/**
 * A get answered as one PartialObjectMetadata.
 *
 * @example metadataGetRequest(ConfigMap, "default", "settings")
 */
export function metadataGetRequest(r: ResourceRef, namespace: string | undefined, name: string, params?: GetParams): KubeRequest {
  return accept(getRequest(r, namespace, name, params), METADATA_OBJECT_ACCEPT);
}
