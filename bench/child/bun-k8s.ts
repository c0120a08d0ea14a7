/**
 * Contender: bun-k8s, through its public building blocks — loadConfig, createConnection,
 * the generic typed client api() and the informer — as a user's program would call them.
 */
import { loadConfig } from "../../src/config/load-config.ts";
import { createConnection } from "../../src/connection/connection.ts";
import { api } from "../../src/api/client.ts";
import { informer } from "../../src/runtime/informer.ts";
import { ConfigMap, Namespace } from "../../generated/k8s/core/v1/index.ts";
import type { Connection } from "../../src/connection/types.ts";
import type { BenchTarget, ConfigMapSpec, Contender, InformerRun, WatchRun } from "./contender.ts";
import { runChild } from "./case-runner.ts";

class BunK8sContender implements Contender {
  #conn: Connection | undefined;

  get conn(): Connection {
    if (!this.#conn) throw new Error("setup() has not run");
    return this.#conn;
  }

  async setup(target: BenchTarget): Promise<void> {
    this.#conn = createConnection(await loadConfig({ kubeconfigPath: target.kubeconfig }));
  }

  async listNamespaces(): Promise<number> {
    return (await api(this.conn, Namespace).list()).items.length;
  }

  async getConfigMap(namespace: string, name: string): Promise<void> {
    await api(this.conn, ConfigMap, { namespace }).get(name);
  }

  async listConfigMaps(namespace: string): Promise<number> {
    return (await api(this.conn, ConfigMap, { namespace }).list()).items.length;
  }

  async createConfigMap(spec: ConfigMapSpec): Promise<void> {
    await api(this.conn, ConfigMap, { namespace: spec.namespace }).create({
      apiVersion: "v1",
      kind: "ConfigMap",
      metadata: { name: spec.name },
      data: spec.data,
    });
  }

  async deleteConfigMap(namespace: string, name: string): Promise<void> {
    await api(this.conn, ConfigMap, { namespace }).delete(name);
  }

  async watchConfigMaps(namespace: string, events: number): Promise<WatchRun> {
    const stop = new AbortController();
    let seen = 0;
    for await (const event of api(this.conn, ConfigMap, { namespace }).watch({ resourceVersion: "0", signal: stop.signal })) {
      if (event.type !== "BOOKMARK" && ++seen >= events) break;
    }
    stop.abort();
    return { events: seen };
  }

  async startInformer(namespace: string): Promise<InformerRun> {
    const inf = informer(api(this.conn, ConfigMap, { namespace }));
    await inf.waitForSync({ timeoutMs: 300_000 });
    return { size: inf.store.size, stop: async () => inf.stop() };
  }

  close(): void {
    this.#conn?.close();
  }
}

await runChild(() => new BunK8sContender());
