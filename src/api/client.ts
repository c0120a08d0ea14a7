/**
 * The one generic typed client. `api(conn, Deployment, { namespace })` points it at a
 * resource; each verb is a pure request builder (src/request/) plus one send and a JSON
 * decode. Types come from the ResourceType's phantoms (see client-types.ts).
 */
import * as rq from "../request/index.ts";
import type { Connection } from "../connection/types.ts";
import { isNotFound, type Status } from "../base/errors.ts";
import { siteOf } from "../connection/error-site.ts";
import type { SendOptions } from "../request/types.ts";
import { watchStream, type WatchEvent } from "./watch-stream.ts";
import { decodeLines } from "../transport/line-decoder.ts";
import type { ResourceType, Verb } from "../base/resource.ts";
import type { KubeList } from "../base/object.ts";
import type { Writable } from "../base/value-types.ts";
import type { HttpResponse } from "../transport/types.ts";
import type { TokenRequest } from "./subresource-bodies.ts";
import type { AllNamespacesClient, CallOptions, ResourceClient } from "./client-types.ts";
import {
  ApprovalSubresource,
  ObjectSubresource,
  ScaleSubresource,
  sendJson,
  splitCall,
  type ClientContext,
} from "./subresource-clients.ts";
import { decodeList, parseJson } from "./decode.ts";

/** The identity list decoding gives metadata-only items that come without one. */
const PARTIAL_OBJECT_METADATA = { group: "meta.k8s.io", version: "v1", kind: "PartialObjectMetadata" } as const;

/** Options of `api()` for a namespaced kind. */
export interface NamespacedOptions {
  /** The namespace to work in; leave out to list and watch across all namespaces. */
  namespace?: string | undefined;
}

/** Cluster-scoped kinds live outside namespaces, so they take none. */
export interface ClusterOptions {
  namespace?: never;
}

/**
 * The one overload set that turns a ResourceType into a typed client, shared by `api(conn, …)`
 * and `KubeClient.api(…)` (`Pre` is what comes before the resource: the connection, or
 * nothing). Namespaced kinds take a namespace, or none to list and watch across all
 * namespaces; cluster-scoped kinds take none; a kind whose scope is known only at run time
 * (discovered, or read from a table of both scopes) takes either.
 */
export interface ResourceApi<Pre extends unknown[] = []> {
  <T, S extends string, V extends Verb>(
    ...args: [...Pre, resource: ResourceType<T, true, S, V>, options: NamespacedOptions & { namespace: string }]
  ): ResourceClient<T, S, V>;
  <T, S extends string, V extends Verb>(
    ...args: [...Pre, resource: ResourceType<T, true, S, V>, options?: NamespacedOptions & { namespace?: undefined }]
  ): AllNamespacesClient<T, S, V>;
  <T, S extends string, V extends Verb>(...args: [...Pre, resource: ResourceType<T, false, S, V>, options?: ClusterOptions]): ResourceClient<T, S, V>;
  <T, N extends boolean, S extends string, V extends Verb>(
    ...args: [...Pre, resource: ResourceType<T, N, S, V>, options?: boolean extends N ? NamespacedOptions : ClusterOptions]
  ): ResourceClient<T, S, V>;
}

/**
 * A typed client for one resource type, in one namespace, across all namespaces (list and
 * watch only) or, for cluster-scoped kinds, in the cluster.
 *
 * @example
 * const deployments = api(conn, Deployment, { namespace: "prod" });
 * const web = await deployments.get("web");
 * await deployments.patch("web", { type: "merge", patch: { spec: { replicas: 2 } } });
 */
export const api: ResourceApi<[conn: Connection]> = ((conn: Connection, resource: ResourceType, options?: NamespacedOptions) =>
  new GenericClient<unknown>(conn, resource, options?.namespace)) as ResourceApi<[conn: Connection]>;

/** Implements every verb and subresource; the public types hide what a kind does not serve. */
export class GenericClient<T> implements ClientContext {
  readonly status: ObjectSubresource<T>;
  readonly scale: ScaleSubresource;
  readonly ephemeralContainers: ObjectSubresource<T>;
  readonly resize: ObjectSubresource<T>;
  readonly approval: ApprovalSubresource<T>;

  readonly connection: Connection;
  readonly resource: ResourceType<T>;
  readonly namespace: string | undefined;
  /** "metadata": get, list and watch read PartialObjectMetadata (see metadataOnly). */
  readonly view: "metadata" | undefined;

  constructor(connection: Connection, resource: ResourceType<T>, namespace: string | undefined, view?: "metadata") {
    this.connection = connection;
    this.resource = resource;
    this.namespace = namespace;
    this.view = view;
    this.status = new ObjectSubresource<T>(this, "status");
    this.scale = new ScaleSubresource(this);
    this.ephemeralContainers = new ObjectSubresource<T>(this, "ephemeralcontainers");
    this.resize = new ObjectSubresource<T>(this, "resize");
    this.approval = new ApprovalSubresource<T>(this);
  }

  inNamespace(namespace: string): GenericClient<T> {
    return new GenericClient<T>(this.connection, this.resource, namespace, this.view);
  }

  async get(name: string, options?: rq.GetParams & CallOptions): Promise<T> {
    const { params, send } = splitCall(options);
    const build = this.view === "metadata" ? rq.metadataGetRequest : rq.getRequest;
    return sendJson<T>(this, build(this.resource, this.namespace, name, params), send);
  }

  async getOpt(name: string, options?: rq.GetParams & CallOptions): Promise<T | undefined> {
    try {
      return await this.get(name, options);
    } catch (e) {
      if (isNotFound(e)) return undefined;
      throw e;
    }
  }

  async list(options?: rq.ListParams & CallOptions): Promise<KubeList<T>> {
    const { params, send } = splitCall(options);
    return this.listPage(params, send);
  }

  async *pages(options?: rq.ListParams & CallOptions): AsyncGenerator<KubeList<T>, void, undefined> {
    const { params, send } = splitCall(options);
    let page = await this.listPage(params, send);
    yield page;
    // The continue token pins the snapshot: later pages may not repeat resourceVersion(Match).
    const { resourceVersion: _rv, resourceVersionMatch: _rvm, ...rest } = params ?? {};
    while (page.metadata?.continue) {
      page = await this.listPage({ ...rest, continue: page.metadata.continue }, send);
      yield page;
    }
  }

  async *items(options?: rq.ListParams & CallOptions): AsyncGenerator<T, void, undefined> {
    for await (const page of this.pages(options)) yield* page.items;
  }

  watch(options?: rq.WatchParams & CallOptions): AsyncIterable<WatchEvent<T>> {
    const { params, send } = splitCall(options);
    // Built now, so bad options fail at the call rather than at the first iteration.
    const build = this.view === "metadata" ? rq.metadataWatchRequest : rq.watchRequest;
    const request = build(this.resource, this.namespace, params);
    return watchStream<T>(this.connection, request, { signal: send.signal });
  }

  async create(object: Writable<T>, options?: rq.CreateParams & CallOptions): Promise<T> {
    const { params, send } = splitCall(options);
    return sendJson<T>(this, rq.createRequest(this.resource, this.namespace, object, params), send);
  }

  async replace(object: Writable<T>, options?: rq.ReplaceParams & CallOptions): Promise<T> {
    const { params, send } = splitCall(options);
    return sendJson<T>(this, rq.replaceRequest(this.resource, this.namespace, object, params), send);
  }

  async patch(name: string, patch: rq.Patch<T>, options?: rq.PatchParams & CallOptions): Promise<T> {
    const { params, send } = splitCall(options);
    return sendJson<T>(this, rq.patchRequest(this.resource, this.namespace, { name }, patch as rq.Patch, params), send);
  }

  async apply(config: rq.ApplyConfiguration<T>, options: rq.ApplyParams & CallOptions): Promise<T> {
    const { params, send } = splitCall(options);
    return sendJson<T>(this, rq.applyRequest(this.resource, this.namespace, config, params as rq.ApplyParams), send);
  }

  async delete(name: string, options?: rq.DeleteParams & CallOptions): Promise<T | Status> {
    const { params, send } = splitCall(options);
    return sendJson<T | Status>(this, rq.deleteRequest(this.resource, this.namespace, name, params), send);
  }

  async deleteCollection(options?: rq.DeleteCollectionParams & CallOptions): Promise<KubeList<T> | Status> {
    const { params, send } = splitCall(options);
    return sendJson<KubeList<T> | Status>(this, rq.deleteCollectionRequest(this.resource, this.namespace, params), send);
  }

  async logs(name: string, options?: rq.LogParams & CallOptions): Promise<string> {
    const { params, send } = splitCall(options);
    const response = await this.connection.send(rq.logRequest(this.resource, this.namespace, name, params), send);
    return response.text();
  }

  async *logStream(name: string, options?: rq.LogStreamParams & CallOptions): AsyncGenerator<string, void, undefined> {
    const { params, send } = splitCall(options);
    const request = rq.logRequest(this.resource, this.namespace, name, params);
    // A followed log is a long-lived stream: no time-to-headers default beyond what the caller set.
    const response = await this.connection.send(request, { ...send, stream: params?.follow === true });
    try {
      yield* decodeLines(response.stream(), { site: siteOf(this.connection, request) });
    } catch (e) {
      if (send.signal?.aborted) return;
      throw e;
    }
  }

  async proxy(name: string, options?: rq.ProxyParams & CallOptions): Promise<HttpResponse> {
    const { params, send } = splitCall(options);
    return this.connection.send(rq.proxyRequest(this.resource, this.namespace, name, params), send);
  }

  async evict(name: string, options?: rq.EvictionParams & CallOptions): Promise<Status> {
    const { params, send } = splitCall(options);
    return sendJson<Status>(this, rq.evictionRequest(this.resource, this.namespace, name, params), send);
  }

  async bind(name: string, target: rq.BindingTarget, options?: rq.WriteParams & CallOptions): Promise<Status> {
    const { params, send } = splitCall(options);
    return sendJson<Status>(this, rq.bindingRequest(this.resource, this.namespace, name, target, params), send);
  }

  async createToken(name: string, options?: rq.TokenRequestParams & CallOptions): Promise<TokenRequest> {
    const { params, send } = splitCall(options);
    return sendJson<TokenRequest>(this, rq.tokenRequest(this.resource, this.namespace, name, params), send);
  }

  private async listPage(params: rq.ListParams | undefined, send: SendOptions): Promise<KubeList<T>> {
    const metadata = this.view === "metadata";
    const request = (metadata ? rq.metadataListRequest : rq.listRequest)(this.resource, this.namespace, params);
    const response = await this.connection.send(request, send);
    const site = siteOf(this.connection, request);
    return decodeList<T>(parseJson<unknown>(await response.text(), site), metadata ? PARTIAL_OBJECT_METADATA : this.resource, site);
  }
}
