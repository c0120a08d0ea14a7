/**
 * Contender: @kubernetes/client-node 1.4.x as its README shows it — KubeConfig,
 * CoreV1Api (object-parameter style), Watch and makeInformer.
 */
import { CoreV1Api, KubeConfig, Watch, makeInformer, type V1ConfigMap } from "@kubernetes/client-node";
import { NotApplicable, type BenchTarget, type ConfigMapSpec, type Contender, type InformerMode, type InformerRun, type WatchRun } from "./contender.ts";
import { runChild } from "./case-runner.ts";

class ClientNodeContender implements Contender {
  #kc: KubeConfig | undefined;
  #core: CoreV1Api | undefined;

  get kc(): KubeConfig {
    if (!this.#kc) throw new Error("setup() has not run");
    return this.#kc;
  }

  get core(): CoreV1Api {
    if (!this.#core) throw new Error("setup() has not run");
    return this.#core;
  }

  async setup(target: BenchTarget): Promise<void> {
    this.#kc = new KubeConfig();
    this.#kc.loadFromFile(target.kubeconfig);
    this.#core = this.#kc.makeApiClient(CoreV1Api);
  }

  async listNamespaces(): Promise<number> {
    return (await this.core.listNamespace()).items.length;
  }

  async getConfigMap(namespace: string, name: string): Promise<void> {
    await this.core.readNamespacedConfigMap({ namespace, name });
  }

  async listConfigMaps(namespace: string): Promise<number> {
    return (await this.core.listNamespacedConfigMap({ namespace })).items.length;
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
      void new Watch(this.kc)
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

  async startInformer(namespace: string, mode: InformerMode): Promise<InformerRun> {
    if (mode !== "full") throw new NotApplicable(`client-node's informer has no ${mode === "transformed" ? "transform hook" : "metadata-only mode"}`);
    const path = `/api/v1/namespaces/${namespace}/configmaps`;
    const inf = makeInformer<V1ConfigMap>(this.kc, path, () => this.core.listNamespacedConfigMap({ namespace }));
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

await runChild(() => new ClientNodeContender());
