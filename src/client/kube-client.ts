/**
 * KubeClient: the one object most programs hold. It loads a kubeconfig (or in-cluster
 * config), owns the Connection, and hands out typed resource clients, watchers and
 * informers. Everything here is a thin forward to src/api and src/runtime; the facade only
 * saves the caller from passing the connection around.
 */
import type { Connection } from "../connection/types.ts";
import { createConnection, type ConnectionOptions } from "../connection/connection.ts";
import type { LoadConfigOptions } from "../config/load-config.ts";
import { protectResolvedConfig, redactResolvedConfig } from "../config/redact.ts";
import type { ResolvedConfig } from "../config/types.ts";
import { api, type ResourceApi } from "../api/client.ts";
import type { CallOptions, ListWatchClient } from "../api/client-types.ts";
import { serverVersion, type ServerVersion } from "../api/server-version.ts";
import { discoverResource, type ResourceQuery } from "../api/dynamic.ts";
import type { DynamicObject, KubeObject } from "../base/object.ts";
import type { ResourceType, Verb } from "../base/resource.ts";
import { informer, type Informer, type InformerOptions } from "../runtime/informer.ts";
import { SharedInformerFactory } from "../runtime/shared-informers.ts";
import { watcher, type WatcherOptions } from "../runtime/watcher.ts";
import type { TransformOptions } from "../runtime/collection.ts";
import type { Watcher } from "../runtime/watcher-events.ts";
import { awaitCondition, type AwaitConditionOptions } from "../runtime/await-condition.ts";
import type { WaitCondition } from "../runtime/conditions.ts";

export interface KubeClientOptions extends LoadConfigOptions, ConnectionOptions {}

/**
 * Where to watch. A namespaced kind takes a namespace, or none for all namespaces; a
 * cluster-scoped kind takes none.
 */
export type ScopeOptions<N extends boolean> = N extends true ? { namespace?: string | undefined } : boolean extends N ? { namespace?: string | undefined } : { namespace?: never };

type Has<Union, Member> = [Member] extends [Union] ? true : false;

/**
 * Only a kind that serves both list and watch can be watched; for any other, the resource
 * argument asks for a property no ResourceType has, so the call does not compile.
 */
export type Watchable<V extends Verb> = Has<V, "list"> extends true ? (Has<V, "watch"> extends true ? unknown : { readonly __cannotWatch: "the kind does not serve watch" }) : { readonly __cannotWatch: "the kind does not serve list" };

export class KubeClient {
  /** The connection every client of this KubeClient uses. */
  readonly connection: Connection;
  /** The resolved configuration, secrets protected from printing. */
  readonly config: ResolvedConfig | undefined;
  /**
   * A typed client for one resource type: the same overloads as `api(conn, …)`. Namespaced
   * kinds take a namespace, or none to list and watch across all namespaces; cluster-scoped
   * kinds take none; discovered kinds take either.
   * @example const deployments = kube.api(Deployment, { namespace: kube.namespace });
   */
  readonly api: ResourceApi;
  #informers: SharedInformerFactory | undefined;

  constructor(connection: Connection, config?: ResolvedConfig) {
    this.connection = connection;
    this.config = config ? protectResolvedConfig(config) : undefined;
    this.api = ((resource: ResourceType, options?: { namespace?: string }) => api(connection, resource, options)) as ResourceApi;
  }

  /**
   * Loads configuration with kubectl's precedence (the given kubeconfig path, KUBECONFIG,
   * ~/.kube/config, then in-cluster) and connects.
   * @example const kube = await KubeClient.load({ context: "staging" });
   */
  static async load(options: KubeClientOptions = {}): Promise<KubeClient> {
    // Kubeconfig reading and auth load with the first client, not with the package: importing bun-k8s
    // stays cheap, and a program that builds its client from a ResolvedConfig never loads them.
    const { loadConfig } = await import("../config/load-config.ts");
    return KubeClient.fromConfig(await loadConfig(options), options);
  }

  /** @example const kube = KubeClient.fromConfig(await loadConfig(), { timeoutMs: 5_000 }); */
  static fromConfig(config: ResolvedConfig, options: ConnectionOptions = {}): KubeClient {
    return new KubeClient(createConnection(config, options), config);
  }

  /** The namespace of the selected context ("default" when it names none). */
  get namespace(): string {
    return this.connection.namespace;
  }

  /**
   * List + watch of a resource type as events that survive disconnects and 410 Gone. Takes
   * the same selectors, `limit` and timeouts as `list()` and `watch()`.
   * @example for await (const ev of kube.watcher(Pod, { namespace: "prod", labelSelector: { app: "web" } })) console.log(ev.type);
   */
  watcher<T extends KubeObject, N extends boolean, S extends string, V extends Verb>(
    resource: ResourceType<T, N, S, V> & Watchable<V>,
    options?: ScopeOptions<N> & WatcherOptions & TransformOptions<T>,
  ): Watcher<T> {
    const { namespace, ...rest } = options ?? {};
    return watcher(this.#client(resource, namespace), rest);
  }

  /**
   * An informer (cache + handlers + waitFor) over a resource type.
   * @example const pods = kube.informer(Pod, { namespace: "prod", fieldSelector: { "status.phase": "Running" } }); await pods.waitForSync();
   */
  informer<T extends KubeObject, N extends boolean, S extends string, V extends Verb>(
    resource: ResourceType<T, N, S, V> & Watchable<V>,
    options?: ScopeOptions<N> & InformerOptions<T>,
  ): Informer<T> {
    const { namespace, ...rest } = options ?? {};
    return informer(this.#client(resource, namespace), rest);
  }

  /**
   * An informer shared with every other caller asking for the same resource, scope and
   * selectors on this client: one watch and one cache, reference-counted.
   * @example const a = kube.sharedInformer(Pod); const b = kube.sharedInformer(Pod); // one watch
   */
  sharedInformer<T extends KubeObject, N extends boolean, S extends string, V extends Verb>(
    resource: ResourceType<T, N, S, V> & Watchable<V>,
    options?: ScopeOptions<N> & InformerOptions<T>,
  ): Informer<T> {
    const { namespace, ...rest } = options ?? {};
    this.#informers ??= new SharedInformerFactory();
    return this.#informers.informer(this.#client(resource, namespace), rest);
  }

  /**
   * Waits until a condition holds for one object (see the stock conditions: deploymentComplete,
   * jobComplete, podReady, deleted, ...). Resolves with the object (undefined once deleted);
   * rejects with WaitFailedError when the condition can no longer hold, WaitTimeoutError after
   * `timeoutMs`.
   * @example await kube.wait(Deployment, "web", deploymentComplete(), { namespace: "prod", timeoutMs: 120_000 });
   */
  wait<T extends KubeObject, N extends boolean, S extends string, V extends Verb>(
    resource: ResourceType<T, N, S, V> & Watchable<V>,
    name: string,
    condition: WaitCondition<T>,
    options?: ScopeOptions<N> & AwaitConditionOptions<T>,
  ): Promise<T | undefined> {
    const { namespace, ...rest } = options ?? {};
    return awaitCondition(this.#client(resource, namespace), name, condition, rest);
  }

  /**
   * Finds a resource type on the cluster by kind or plural, for kinds unknown at generation
   * time. The result goes straight into `kube.api`, `kube.watcher` and `kube.informer`.
   * @example
   * const Widget = await kube.discover({ kind: "Widget", group: "example.com" });
   * const widgets = kube.api(Widget, { namespace: "default" });
   */
  discover(query: ResourceQuery): Promise<ResourceType<DynamicObject, boolean, string>> {
    return discoverResource(this.connection, query);
  }

  /**
   * The server's version (`GET /version`).
   * @example const { gitVersion, major, minor } = await kube.version(); // "v1.37.2", "1", "37"
   */
  version(options?: CallOptions): Promise<ServerVersion> {
    return serverVersion(this.connection, options);
  }

  /** A printable view of the configuration in use, every secret redacted. */
  describe(): Record<string, unknown> | undefined {
    return this.config ? redactResolvedConfig(this.config) : undefined;
  }

  /** Closes pooled connections; streams end. */
  close(): void {
    this.connection.close();
  }

  #client<T>(resource: ResourceType<T, boolean, string, Verb>, namespace: string | undefined): ListWatchClient<T> {
    return api(this.connection, resource as ResourceType<T, boolean, string, Verb>, resource.namespaced ? { namespace } : {});
  }
}
