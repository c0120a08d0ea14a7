/**
 * Contender: @kubernetes/client-node as its README shows it — KubeConfig, CoreV1Api
 * (object-parameter style), Watch and makeInformer. One class for 1.4 (client-node.ts) and 2.0
 * (client-node-2.ts); each entry passes its release's module in, so a child loads only one.
 * Typed against 1.4: 2.0 kept these calls.
 */
import type * as clientNode14 from "@kubernetes/client-node";
import type { CoreV1Api, KubeConfig, V1ConfigMap } from "@kubernetes/client-node";
import { NotApplicable, WatchTally, type BenchTarget, type ConfigMapSpec, type Contender, type InformerMode, type InformerRun, type WatchesRun, type WatchRun } from "./contender.ts";

/** What the contender uses of a client-node release. */
export type ClientNodeModule = Pick<typeof clientNode14, "CoreV1Api" | "KubeConfig" | "Watch" | "makeInformer">;

export class ClientNodeContender implements Contender {
  readonly #k8s: ClientNodeModule;
  #kc: KubeConfig | undefined;
  #core: CoreV1Api | undefined;

  constructor(k8s: ClientNodeModule) {
    this.#k8s = k8s;
  }

  get kc(): KubeConfig {
    if (!this.#kc) throw new Error("setup() has not run");
    return this.#kc;
  }

  get core(): CoreV1Api {
    if (!this.#core) throw new Error("setup() has not run");
    return this.#core;
  }

  async setup(target: BenchTarget): Promise<void> {
    this.#kc = new this.#k8s.KubeConfig();
    this.#kc.loadFromFile(target.kubeconfig);
    this.#core = this.#kc.makeApiClient(this.#k8s.CoreV1Api);
  }

  async listNamespaces(): Promise<number> {
    return (await this.core.listNamespace()).items.length;
  }

  async getConfigMap(namespace: string, name: string): Promise<void> {
    await this.core.readNamespacedConfigMap({ namespace, name });
  }

  async listConfigMaps(namespace: string): Promise<{ items: readonly unknown[] }> {
    return this.core.listNamespacedConfigMap({ namespace });
  }

  async createConfigMap(spec: ConfigMapSpec): Promise<void> {
    await this.core.createNamespacedConfigMap({
      namespace: spec.namespace,
      body: { apiVersion: "v1", kind: "ConfigMap", metadata: { name: spec.name }, data: spec.data },
    });
  }

  async deleteConfigMap(namespace: string, name: string): Promise<void> {
    await this.core.deleteNamespacedConfigMap({ namespace, name });
  }

  async watchConfigMaps(namespace: string, events: number): Promise<WatchRun> {
    let seen = 0;
    let controller: AbortController | undefined;
    let reached = false;
    const done = new Promise<void>((resolve, reject) => {
      void new this.#k8s.Watch(this.kc)
        .watch(
          `/api/v1/namespaces/${namespace}/configmaps`,
          { resourceVersion: "0" },
          (phase) => {
            if (phase === "BOOKMARK" || reached) return;
            if (++seen >= events) {
              reached = true;
              resolve();
            }
          },
          (err: unknown) => {
            if (reached) return;
            reject(err instanceof Error ? err : new Error(`watch ended after ${seen} events: ${String(err)}`));
          },
        )
        .then((c) => {
          controller = c;
          if (reached) c.abort();
        }, reject);
    });
    try {
      await done;
    } finally {
      controller?.abort();
    }
    return { events: seen };
  }

  openWatches(namespace: string, watches: number, eventsEach: number): WatchesRun {
    const tally = new WatchTally(watches, eventsEach);
    const controllers: AbortController[] = [];
    let stopped = false;
    for (let i = 0; i < watches; i++) {
      new this.#k8s.Watch(this.kc)
        .watch(
          `/api/v1/namespaces/${namespace}/configmaps`,
          { resourceVersion: "0" },
          (phase) => phase === "BOOKMARK" || tally.event(i),
          (err: unknown) => stopped || tally.fail(i, err ?? new Error("the watch ended")),
        )
        .then(
          (c) => (stopped ? c.abort() : controllers.push(c)),
          (err: unknown) => tally.fail(i, err),
        );
    }
    return {
      opened: tally.opened,
      drained: tally.drained,
      stop: () => {
        stopped = true;
        for (const c of controllers) c.abort();
      },
    };
  }

  async startInformer(namespace: string, mode: InformerMode): Promise<InformerRun> {
    // "list" is how client-node's informer always fills its cache.
    if (mode !== "full" && mode !== "list") throw new NotApplicable(`client-node's informer has no ${mode === "transformed" ? "transform hook" : "metadata-only mode"}`);
    const path = `/api/v1/namespaces/${namespace}/configmaps`;
    const inf = this.#k8s.makeInformer<V1ConfigMap>(this.kc, path, () => this.core.listNamespacedConfigMap({ namespace }));
    const failed = new Promise<never>((_, reject) => inf.on("error", (err: unknown) => reject(err instanceof Error ? err : new Error(String(err)))));
    failed.catch(() => undefined); // an error after the sync is not this case's concern
    // start() resolves once the initial list is in the cache and the watch is open.
    await Promise.race([inf.start(), failed]);
    return { size: inf.list().length, stop: () => inf.stop() };
  }

  close(): void {
    // client-node keeps no pool to close: it makes a new https.Agent per request.
  }
}
