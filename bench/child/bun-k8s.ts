/**
 * Contender: bun-k8s, through its public building blocks — loadConfig, createConnection,
 * the generic typed client api() and the informer — as a user's program would call them.
 */
import { loadConfig } from "../../src/config/load-config.ts";
import { createConnection } from "../../src/connection/connection.ts";
import { api } from "../../src/api/client.ts";
import { informer } from "../../src/runtime/informer.ts";
import { metadataOnly } from "../../src/api/metadata-client.ts";
import { dropManagedFields } from "../../src/base/object.ts";
import { controller } from "../../src/controller/controller.ts";
import { ConfigMap, Namespace } from "../../generated/k8s/core/v1/index.ts";
import type { Connection } from "../../src/connection/types.ts";
import { WatchTally, type BenchTarget, type ConfigMapSpec, type Contender, type InformerMode, type InformerRun, type ReconcileRun, type WatchesRun, type WatchRun } from "./contender.ts";
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

  async listConfigMaps(namespace: string): Promise<{ items: readonly unknown[] }> {
    return api(this.conn, ConfigMap, { namespace }).list();
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

  openWatches(namespace: string, watches: number, eventsEach: number): WatchesRun {
    const stop = new AbortController();
    const tally = new WatchTally(watches, eventsEach);
    const configMaps = api(this.conn, ConfigMap, { namespace });
    for (let i = 0; i < watches; i++) {
      void (async () => {
        for await (const event of configMaps.watch({ resourceVersion: "0", signal: stop.signal })) {
          if (event.type !== "BOOKMARK") tally.event(i);
        }
        if (!stop.signal.aborted) tally.fail(i, new Error("the watch ended"));
      })().catch((error: unknown) => stop.signal.aborted || tally.fail(i, error));
    }
    return { opened: tally.opened, drained: tally.drained, stop: () => stop.abort() };
  }

  async startInformer(namespace: string, mode: InformerMode): Promise<InformerRun> {
    const configMaps = api(this.conn, ConfigMap, { namespace });
    const transform = mode === "transformed" || mode === "metadata-transformed" ? { transform: dropManagedFields } : {};
    // The default is a streaming list; "list" asks for client-node's way: one unpaged LIST, then a watch.
    if (mode === "list") {
      const inf = informer(configMaps, { streamingList: false, limit: 0 });
      await inf.waitForSync({ timeoutMs: 300_000 });
      return { size: inf.store.size, stop: async () => inf.stop() };
    }
    const inf = mode.startsWith("metadata") ? informer(metadataOnly(configMaps), transform) : informer(configMaps, transform);
    await inf.waitForSync({ timeoutMs: 300_000 });
    return { size: inf.store.size, stop: async () => inf.stop() };
  }

  async reconcileAll(namespace: string, expected: number, concurrency: number): Promise<ReconcileRun> {
    const configMaps = api(this.conn, ConfigMap, { namespace });
    const once = async (work: (name: string) => Promise<void> | void, workers: number): Promise<{ syncMs: number; reconcileMs: number }> => {
      const stop = new AbortController();
      const seen = new Set<string>();
      let synced = 0;
      let all!: () => void;
      const done = new Promise<void>((resolve) => (all = resolve));
      const started = performance.now();
      const ctl = controller(this.conn, ConfigMap, async (cm) => {
        synced ||= performance.now();
        await work(cm.metadata!.name!);
        seen.add(cm.metadata!.name!);
        if (seen.size === expected) all();
      }, { namespace, concurrency: workers });
      const running = ctl.run(stop.signal);
      await done;
      const finished = performance.now();
      stop.abort();
      await running;
      return { syncMs: synced - started, reconcileMs: finished - synced };
    };
    const noop = await once(() => undefined, 1);
    const get = await once(async (name) => void (await configMaps.get(name)), concurrency);
    return { syncMs: noop.syncMs, noopMs: noop.reconcileMs, getMs: get.reconcileMs };
  }

  close(): void {
    this.#conn?.close();
  }
}

await runChild(() => new BunK8sContender());
