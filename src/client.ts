/**
 * KubeClient: the one object most programs hold. It loads a kubeconfig (or in-cluster
 * config), owns the Connection, and hands out typed resource clients, watchers and
 * informers for generated kinds. Everything here is a thin forward to src/api and
 * src/runtime; the facade only saves the caller from passing the connection around.
 */
import type { Connection } from "./connection-types.ts";
import { createConnection, type ConnectionOptions } from "./connection.ts";
import { loadConfig, type LoadConfigOptions } from "./config/index.ts";
import { protectResolvedConfig, redactResolvedConfig } from "./config/redact.ts";
import type { ResolvedConfig } from "./config/types.ts";
import { api, type ClusterOptions, type NamespacedOptions } from "./api/client.ts";
import type { AllNamespacesClient, ResourceClient } from "./api/client-types.ts";
import { discoverResource, type ResourceQuery } from "./api/dynamic.ts";
import type { KubeObject as ApiObject } from "./api/object.ts";
import type { ResourceType, Verb } from "./api/resource.ts";
import { listRequest } from "./request/read.ts";
import { informer, type Informer, type InformerOptions } from "./runtime/informer.ts";
import type { KubeObject } from "./runtime/kube-object.ts";
import { SharedInformerFactory } from "./runtime/shared-informers.ts";
import { watcher, type WatcherOptions } from "./runtime/watcher.ts";
import type { Watcher } from "./runtime/watcher-events.ts";

export interface KubeClientOptions extends LoadConfigOptions, ConnectionOptions {}

/** Where to watch: a namespace, or all namespaces when left out. */
export interface ScopeOptions {
  namespace?: string;
}

export class KubeClient {
  /** The resolved configuration, secrets protected from printing. */
  readonly config: ResolvedConfig | undefined;
  #informers: SharedInformerFactory | undefined;

  constructor(
    readonly connection: Connection,
    config?: ResolvedConfig,
  ) {
    this.config = config ? protectResolvedConfig(config) : undefined;
  }

  /**
   * Loads configuration with kubectl's precedence (the given kubeconfig path, KUBECONFIG,
   * ~/.kube/config, then in-cluster) and connects.
   * @example const kube = await KubeClient.load({ context: "staging" });
   */
  static async load(options: KubeClientOptions = {}): Promise<KubeClient> {
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
   * A typed client for one resource type. Namespaced kinds take a namespace; leave it out
   * to list and watch across all namespaces. Cluster-scoped kinds take none.
   * @example const deployments = kube.api(Deployment, { namespace: kube.namespace });
   */
  api<T, S extends string, V extends Verb>(
    resource: ResourceType<T, true, S, V>,
    options: NamespacedOptions & { namespace: string },
  ): ResourceClient<T, S, V>;
  api<T, S extends string, V extends Verb>(
    resource: ResourceType<T, true, S, V>,
    options?: NamespacedOptions & { namespace?: undefined },
  ): AllNamespacesClient<T, S, V>;
  api<T, S extends string, V extends Verb>(resource: ResourceType<T, false, S, V>, options?: ClusterOptions): ResourceClient<T, S, V>;
  api(resource: ResourceType<unknown, boolean, string, Verb>, options?: { namespace?: string }): unknown {
    return (api as (c: Connection, r: ResourceType<unknown, boolean, string, Verb>, o?: { namespace?: string }) => unknown)(
      this.connection,
      resource,
      options,
    );
  }

  /**
   * List + watch of a resource type as events that survive disconnects and 410 Gone.
   * @example for await (const ev of kube.watcher(ConfigMap, { namespace: "prod" })) console.log(ev.type);
   */
  watcher<T extends KubeObject>(
    resource: ResourceType<T, boolean, string, Verb>,
    options: ScopeOptions & Omit<WatcherOptions, "path"> = {},
  ): Watcher<T> {
    const { namespace, ...rest } = options;
    return watcher<T>(this.connection, { ...rest, path: collectionPath(resource, namespace) });
  }

  /**
   * An informer (cache + handlers + waitFor) over a resource type.
   * @example const pods = kube.informer(Pod, { namespace: "prod" }); await pods.waitForSync();
   */
  informer<T extends KubeObject>(
    resource: ResourceType<T, boolean, string, Verb>,
    options: ScopeOptions & Omit<InformerOptions<T>, "path"> = {},
  ): Informer<T> {
    const { namespace, ...rest } = options;
    return informer<T>(this.connection, { ...rest, path: collectionPath(resource, namespace) });
  }

  /**
   * An informer shared with every other caller asking for the same resource, scope and
   * selectors on this client: one watch and one cache, reference-counted.
   * @example const a = kube.sharedInformer(Pod); const b = kube.sharedInformer(Pod); // one watch
   */
  sharedInformer<T extends KubeObject>(
    resource: ResourceType<T, boolean, string, Verb>,
    options: ScopeOptions & Omit<WatcherOptions, "path" | "signal"> = {},
  ): Informer<T> {
    const { namespace, ...rest } = options;
    this.#informers ??= new SharedInformerFactory(this.connection);
    return this.#informers.informer<T>({ ...rest, path: collectionPath(resource, namespace) });
  }

  /**
   * Finds a resource type on the cluster by kind or plural, for kinds unknown at generation time.
   * @example const Widget = await kube.discover({ kind: "Widget", group: "example.com" });
   */
  discover(query: ResourceQuery): Promise<ResourceType<ApiObject, boolean, string>> {
    return discoverResource(this.connection, query);
  }

  /** A printable view of the configuration in use, every secret redacted. */
  describe(): Record<string, unknown> | undefined {
    return this.config ? redactResolvedConfig(this.config) : undefined;
  }

  /** Closes pooled connections; streams end. */
  close(): void {
    this.connection.close();
  }
}

function collectionPath(resource: ResourceType<unknown, boolean, string, Verb>, namespace: string | undefined): string {
  return listRequest(resource, resource.namespaced ? namespace : undefined).path;
}
