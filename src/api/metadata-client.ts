/**
 * The metadata-only view of a typed client: the same resource and namespace, read as
 * meta/v1 PartialObjectMetadata (name, namespace, uid, resourceVersion, labels, annotations,
 * owner references, finalizers, ...) without spec, status or data. It is a ListWatchClient,
 * so watchers and informers over it cache a fraction of the bytes (controller-runtime's
 * "metadata-only" watches; client-go's metadata informer). It is the generic client with the
 * metadata Accept headers (src/request/metadata.ts), typed to what the server then answers.
 */
import type * as rq from "../request/index.ts";
import type { KubeList, KubeObject, ObjectMetaLike } from "../base/object.ts";
import type { ResourceType, Verb } from "../base/resource.ts";
import type { Connection } from "../connection/types.ts";
import type { CallOptions, ListWatchClient } from "./client-types.ts";
import { GenericClient } from "./client.ts";

/** meta/v1 PartialObjectMetadata: an object's identity and metadata, nothing else. */
export interface PartialObjectMetadata extends KubeObject {
  apiVersion?: "meta.k8s.io/v1";
  kind?: "PartialObjectMetadata";
  metadata?: ObjectMetaLike;
}

/** What a metadata-only view is made from: any typed client (one namespace, all, or cluster-scoped). */
export interface MetadataSource {
  readonly connection: Connection;
  readonly resource: ResourceType<unknown, boolean, string, Verb>;
  readonly namespace: string | undefined;
}

/** A typed client's metadata-only view: get, list and watch return PartialObjectMetadata. */
export interface MetadataClient extends ListWatchClient<PartialObjectMetadata> {
  readonly connection: Connection;
  /** "metadata": the sharing key of shared informers tells this view from the full one. */
  readonly view: "metadata";
  /** One object's metadata (PartialObjectMetadata); rejects with ApiError 404 when it is missing. */
  get(name: string, options?: rq.GetParams & CallOptions): Promise<PartialObjectMetadata>;
  /** Like `get`, but undefined on 404. */
  getOpt(name: string, options?: rq.GetParams & CallOptions): Promise<PartialObjectMetadata | undefined>;
  /** The list's pages (`limit` per page, following `continue`), metadata only. */
  pages(options?: rq.ListParams & CallOptions): AsyncIterable<KubeList<PartialObjectMetadata>>;
  /** Every object of the list, one at a time across pages, metadata only. */
  items(options?: rq.ListParams & CallOptions): AsyncIterable<PartialObjectMetadata>;
}

/**
 * The metadata-only view of a typed client. Watch it, or give it to `informer()`, to follow a
 * collection's metadata at a fraction of the memory of whole objects.
 *
 * @example
 * const secrets = metadataOnly(api(conn, Secret, { namespace: "prod" }));
 * const inf = informer(secrets); // caches names, labels, owners: never a Secret's data
 * await inf.waitForSync();
 */
export function metadataOnly(client: MetadataSource): MetadataClient {
  const resource = client.resource as ResourceType<PartialObjectMetadata>;
  return new GenericClient<PartialObjectMetadata>(client.connection, resource, client.namespace, "metadata") as unknown as MetadataClient;
}
