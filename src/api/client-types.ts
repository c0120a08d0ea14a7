/**
 * The public types of the generic client. Which methods exist is computed from the
 * ResourceType's phantoms: a verb method only where `verbs` allows it, a subresource
 * accessor only where `subresources` lists it, and no namespace on cluster-scoped kinds.
 */
import type { Status } from "../base/errors.ts";
import type {
  ApplyConfiguration,
  ApplyParams,
  BindingTarget,
  CreateParams,
  DeleteCollectionParams,
  DeleteParams,
  EvictionParams,
  GetParams,
  ListParams,
  LogParams,
  LogStreamParams,
  Patch,
  ProxyParams,
  PatchParams,
  ReplaceParams,
  TokenRequestParams,
  WatchParams,
  WriteParams,
} from "../request/index.ts";
import type { ResourceType, Verb } from "../base/resource.ts";
import type { KubeList } from "../base/object.ts";
import type { Writable } from "../base/value-types.ts";
import type { Scale, TokenRequest } from "./subresource-bodies.ts";
import type { WatchEvent } from "./watch-stream.ts";
import type { Connection } from "../connection/types.ts";
import type { HttpResponse } from "../transport/types.ts";

/** How one call is sent: cancellation, a per-call timeout and a per-call response-size limit. */
export interface CallOptions {
  signal?: AbortSignal | undefined;
  /** ms for credentials, headers and body (streams: until the headers); 0: none. Default: the connection's. */
  timeoutMs?: number | undefined;
  /** Bytes of response body (after decompression) before ResponseTooLargeError. Default: the connection's. */
  maxResponseBytes?: number | undefined;
}

export interface GetMethods<T> {
  /** GET one object; rejects with ApiError (404 NotFound, ...) when it cannot. */
  get(name: string, options?: GetParams & CallOptions): Promise<T>;
  /** Like `get`, but resolves undefined on 404 instead of rejecting. */
  getOpt(name: string, options?: GetParams & CallOptions): Promise<T | undefined>;
}

export interface ListMethods<T> {
  /** One page (or all objects when no limit is given). Items get apiVersion and kind filled in. */
  list(options?: ListParams & CallOptions): Promise<KubeList<T>>;
  /** Every page, following metadata.continue until the last one. */
  pages(options?: ListParams & CallOptions): AsyncIterable<KubeList<T>>;
  /** Every object across all pages. */
  items(options?: ListParams & CallOptions): AsyncIterable<T>;
}

export interface WatchMethods<T> {
  /** A raw watch stream of typed events; an ERROR event rejects with ApiError (410 Gone: isGone). */
  watch(options?: WatchParams & CallOptions): AsyncIterable<WatchEvent<T>>;
}

export interface CreateMethods<T> {
  /** POST a new object. It may say `cpu: 1` where the server will answer "1" (see Writable). */
  create(object: Writable<T>, options?: CreateParams & CallOptions): Promise<T>;
}

export interface ReplaceMethods<T> {
  /** PUT the whole object; metadata.resourceVersion makes it a compare-and-swap (409 on conflict). */
  replace(object: Writable<T>, options?: ReplaceParams & CallOptions): Promise<T>;
}

export interface PatchMethods<T> {
  patch(name: string, patch: Patch<T>, options?: PatchParams & CallOptions): Promise<T>;
  /** Server-side apply; the name comes from `config.metadata.name`. */
  apply(config: ApplyConfiguration<T>, options: ApplyParams & CallOptions): Promise<T>;
}

export interface DeleteMethods<T> {
  /** Resolves with the object (still terminating, e.g. finalizers) or a Status; see `isStatus`. */
  delete(name: string, options?: DeleteParams & CallOptions): Promise<T | Status>;
}

export interface DeleteCollectionMethods<T> {
  deleteCollection(options?: DeleteCollectionParams & CallOptions): Promise<KubeList<T> | Status>;
}

type If<Cond extends boolean, Then> = Cond extends true ? Then : unknown;
type Has<Union, Member> = [Member] extends [Union] ? true : false;

export type VerbMethods<T, V extends Verb> = If<Has<V, "get">, GetMethods<T>> &
  If<Has<V, "list">, ListMethods<T>> &
  If<Has<V, "watch">, WatchMethods<T>> &
  If<Has<V, "create">, CreateMethods<T>> &
  If<Has<V, "update">, ReplaceMethods<T>> &
  If<Has<V, "patch">, PatchMethods<T>> &
  If<Has<V, "delete">, DeleteMethods<T>> &
  If<Has<V, "deletecollection">, DeleteCollectionMethods<T>>;

/** A subresource whose body is the object itself (status, ephemeralcontainers, resize, approval). */
export interface SubresourceClient<T> {
  get(name: string, options?: CallOptions): Promise<T>;
  replace(object: Writable<T>, options?: WriteParams & CallOptions): Promise<T>;
  patch(name: string, patch: Patch<T>, options?: PatchParams & CallOptions): Promise<T>;
  apply(config: ApplyConfiguration<T>, options: ApplyParams & CallOptions): Promise<T>;
}

/** The scale subresource (autoscaling/v1 Scale). */
export interface ScaleClient {
  get(name: string, options?: CallOptions): Promise<Scale>;
  replace(name: string, scale: Scale, options?: WriteParams & CallOptions): Promise<Scale>;
  patch(name: string, patch: Exclude<Patch<Scale>, { type: "apply" }>, options?: PatchParams & CallOptions): Promise<Scale>;
  /** Sets spec.replicas with a merge patch. */
  set(name: string, replicas: number, options?: WriteParams & CallOptions): Promise<Scale>;
}

/** Approving or denying a CertificateSigningRequest. */
export interface ApprovalClient<T> extends Omit<SubresourceClient<T>, "apply"> {
  /** Reads the CSR, sets an Approved=True condition and PUTs it to /approval. */
  approve(name: string, options?: { reason?: string; message?: string } & WriteParams & CallOptions): Promise<T>;
  /** Reads the CSR, sets a Denied=True condition and PUTs it to /approval. */
  deny(name: string, options?: { reason?: string; message?: string } & WriteParams & CallOptions): Promise<T>;
}

export interface LogMethods {
  /** The container log as one string. */
  logs(name: string, options?: LogParams & CallOptions): Promise<string>;
  /** The container log line by line; with `follow: true` it stays open for new lines. */
  logStream(name: string, options?: LogStreamParams & CallOptions): AsyncIterable<string>;
}

export interface ProxyMethods {
  /**
   * A request through the API server's proxy to the pod, service or node (`name:port/proxy/path`).
   * Resolves with the target's 2xx response; any other status rejects with ApiError.
   */
  proxy(name: string, options?: ProxyParams & CallOptions): Promise<HttpResponse>;
}

export interface EvictionMethods {
  /** POSTs an Eviction; rejects with 429 TooManyRequests while a PodDisruptionBudget forbids it. */
  evict(name: string, options?: EvictionParams & CallOptions): Promise<Status>;
}

export interface BindingMethods {
  /** Binds a pod to a node, as a scheduler does. */
  bind(name: string, target: BindingTarget, options?: WriteParams & CallOptions): Promise<Status>;
}

export interface TokenMethods {
  /** A short-lived service account token (TokenRequest); the token is in `status.token`. */
  createToken(name: string, options?: TokenRequestParams & CallOptions): Promise<TokenRequest>;
}

export type SubresourceMethods<T, S extends string> = If<Has<S, "status">, { readonly status: SubresourceClient<T> }> &
  If<Has<S, "scale">, { readonly scale: ScaleClient }> &
  If<Has<S, "ephemeralcontainers">, { readonly ephemeralContainers: Omit<SubresourceClient<T>, "apply"> }> &
  If<Has<S, "resize">, { readonly resize: Omit<SubresourceClient<T>, "apply"> }> &
  If<Has<S, "approval">, { readonly approval: ApprovalClient<T> }> &
  If<Has<S, "log">, LogMethods> &
  If<Has<S, "proxy">, ProxyMethods> &
  If<Has<S, "eviction">, EvictionMethods> &
  If<Has<S, "binding">, BindingMethods> &
  If<Has<S, "token">, TokenMethods>;

interface ClientBase<T, S extends string, V extends Verb> {
  /** The connection every request of this client goes through. */
  readonly connection: Connection;
  readonly resource: ResourceType<T, boolean, S, V>;
  /** The namespace this client works in; undefined for cluster-scoped kinds and all-namespaces clients. */
  readonly namespace: string | undefined;
}

/**
 * A client for one kind in one namespace (or, for a cluster-scoped kind, the cluster).
 * Methods exist only for the verbs and subresources the kind serves.
 */
export type ResourceClient<T, S extends string = string, V extends Verb = Verb> = ClientBase<T, S, V> &
  VerbMethods<T, V> &
  SubresourceMethods<T, S>;

/**
 * A namespaced kind across all namespaces: only list and watch are served there. Use
 * `inNamespace` to read or write single objects.
 */
export type AllNamespacesClient<T, S extends string = string, V extends Verb = Verb> = ClientBase<T, S, V> &
  If<Has<V, "list">, ListMethods<T>> &
  If<Has<V, "watch">, WatchMethods<T>> & {
    /** The same kind's client in one namespace, for single-object reads and writes. */
    inNamespace(namespace: string): ResourceClient<T, S, V>;
  };

/**
 * The narrow view of a typed client that the watcher, informers and the poller need: what it
 * lists and watches (resource and namespace) and the two calls. Every client from `api()` of a
 * kind that serves list and watch is one, in a namespace or across all namespaces; tests and
 * wrappers may implement it themselves.
 */
export interface ListWatchClient<T> extends ListClient<T> {
  /** A raw watch stream of typed events, as `ResourceClient.watch` gives it. */
  watch(options?: WatchParams & CallOptions): AsyncIterable<WatchEvent<T>>;
}

/** The part of a typed client that polling needs: list only. */
export interface ListClient<T> {
  readonly resource: ResourceType<T, boolean, string, Verb>;
  readonly namespace: string | undefined;
  /**
   * The connection the client uses: named in error messages, and the identity shared
   * informers key on, so they never mix two connections' objects.
   */
  readonly connection?: Pick<Connection, "server" | "contextName"> | undefined;
  /**
   * Which representation the client reads when it is not the whole object ("metadata" for a
   * `metadataOnly` view). Part of the shared informers' sharing key, so views never share a cache.
   */
  readonly view?: string | undefined;
  /** One page of objects (all of them without `limit`), as `ResourceClient.list` gives it. */
  list(options?: ListParams & CallOptions): Promise<KubeList<T>>;
}
