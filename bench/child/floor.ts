/**
 * Contender: the floor — no SDK, the runtime's own TLS client with the PEM files handed
 * over directly (no kubeconfig parsing). Bun: fetch with its `tls` option. Node: node:https
 * with one keep-alive Agent. Bodies are still decoded with JSON.parse, as a client must.
 */
import { Agent, request } from "node:https";
import { readFileSync } from "node:fs";
import { WatchTally, type BenchTarget, type ConfigMapSpec, type Contender, type WatchesRun, type WatchRun } from "./contender.ts";
import { runChild } from "./case-runner.ts";

interface Tls {
  ca: string;
  cert: string;
  key: string;
}

/** The raw client: one request, the decoded JSON body; non-2xx rejects. */
interface RawClient {
  json(method: string, path: string, body?: string): Promise<unknown>;
  /** Streams a watch, calling `onLine` per event line; resolves when `onLine` returns false or `signal` aborts. */
  stream(path: string, onLine: (line: string) => boolean, signal?: AbortSignal): Promise<void>;
  close(): void;
}

const isBun = typeof (globalThis as { Bun?: unknown }).Bun !== "undefined";

class BunFetchClient implements RawClient {
  readonly server: string;
  readonly tls: Tls;

  constructor(server: string, tls: Tls) {
    this.server = server;
    this.tls = tls;
  }

  async #fetch(method: string, path: string, body?: string, signal?: AbortSignal): Promise<Response> {
    const res = await fetch(this.server + path, {
      method,
      headers: body === undefined ? { accept: "application/json" } : { accept: "application/json", "content-type": "application/json" },
      ...(body !== undefined && { body }),
      ...(signal && { signal }),
      tls: { ...this.tls, rejectUnauthorized: true },
    } as RequestInit);
    if (res.status < 200 || res.status > 299) throw new Error(`${method} ${path}: HTTP ${res.status} ${(await res.text()).slice(0, 200)}`);
    return res;
  }

  async json(method: string, path: string, body?: string): Promise<unknown> {
    return (await this.#fetch(method, path, body)).json();
  }

  async stream(path: string, onLine: (line: string) => boolean, signal?: AbortSignal): Promise<void> {
    const stop = new AbortController();
    signal?.addEventListener("abort", () => stop.abort(), { once: true });
    const res = await this.#fetch("GET", path, undefined, stop.signal);
    const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
    let rest = "";
    try {
      for (;;) {
        const { value, done } = await reader.read().catch((error: unknown) => {
          if (signal?.aborted) return { value: undefined, done: true as const };
          throw error;
        });
        if (done && signal?.aborted) return;
        if (done) throw new Error("watch stream ended early");
        rest += value;
        let nl: number;
        while ((nl = rest.indexOf("\n")) >= 0) {
          const line = rest.slice(0, nl);
          rest = rest.slice(nl + 1);
          if (line && !onLine(line)) return;
        }
      }
    } finally {
      stop.abort();
    }
  }

  close(): void {}
}

class NodeHttpsClient implements RawClient {
  readonly agent: Agent;
  readonly server: string;

  constructor(server: string, tls: Tls) {
    this.server = server;
    this.agent = new Agent({ keepAlive: true, maxSockets: Infinity, ...tls });
  }

  #request(method: string, path: string, body: string | undefined, onResponse: (res: import("node:http").IncomingMessage) => void, reject: (e: Error) => void) {
    const headers: Record<string, string> = { accept: "application/json" };
    if (body !== undefined) headers["content-type"] = "application/json";
    const req = request(this.server + path, { method, headers, agent: this.agent }, onResponse);
    req.on("error", reject);
    req.end(body);
    return req;
  }

  json(method: string, path: string, body?: string): Promise<unknown> {
    return new Promise((resolve, reject) => {
      this.#request(method, path, body, (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("error", reject);
        res.on("end", () => {
          const text = Buffer.concat(chunks).toString("utf8");
          const status = res.statusCode ?? 0;
          if (status < 200 || status > 299) reject(new Error(`${method} ${path}: HTTP ${status} ${text.slice(0, 200)}`));
          else resolve(JSON.parse(text));
        });
      }, reject);
    });
  }

  stream(path: string, onLine: (line: string) => boolean, signal?: AbortSignal): Promise<void> {
    return new Promise((resolve, reject) => {
      signal?.addEventListener("abort", () => (req.destroy(), resolve()), { once: true });
      const req = this.#request("GET", path, undefined, (res) => {
        if ((res.statusCode ?? 0) !== 200) return reject(new Error(`GET ${path}: HTTP ${res.statusCode}`));
        res.setEncoding("utf8");
        let rest = "";
        let finished = false;
        res.on("data", (chunk: string) => {
          if (finished) return;
          rest += chunk;
          let nl: number;
          try {
            while ((nl = rest.indexOf("\n")) >= 0) {
              const line = rest.slice(0, nl);
              rest = rest.slice(nl + 1);
              if (line && !onLine(line)) {
                finished = true;
                req.destroy();
                return resolve();
              }
            }
          } catch (error) {
            finished = true;
            req.destroy();
            reject(error instanceof Error ? error : new Error(String(error)));
          }
        });
        res.on("end", () => finished || reject(new Error("watch stream ended early")));
        res.on("error", (e) => finished || reject(e));
      }, (e) => reject(e));
    });
  }

  close(): void {
    this.agent.destroy();
  }
}

class FloorContender implements Contender {
  #client: RawClient | undefined;

  get client(): RawClient {
    if (!this.#client) throw new Error("setup() has not run");
    return this.#client;
  }

  async setup(target: BenchTarget): Promise<void> {
    const tls: Tls = {
      ca: readFileSync(target.caFile, "utf8"),
      cert: readFileSync(target.certFile, "utf8"),
      key: readFileSync(target.keyFile, "utf8"),
    };
    this.#client = isBun ? new BunFetchClient(target.server, tls) : new NodeHttpsClient(target.server, tls);
  }

  async listNamespaces(): Promise<number> {
    return ((await this.client.json("GET", "/api/v1/namespaces")) as { items: unknown[] }).items.length;
  }

  async getConfigMap(namespace: string, name: string): Promise<void> {
    await this.client.json("GET", `/api/v1/namespaces/${namespace}/configmaps/${name}`);
  }

  async listConfigMaps(namespace: string): Promise<{ items: readonly unknown[] }> {
    return (await this.client.json("GET", `/api/v1/namespaces/${namespace}/configmaps`)) as { items: unknown[] };
  }

  async createConfigMap(spec: ConfigMapSpec): Promise<void> {
    const body = JSON.stringify({ apiVersion: "v1", kind: "ConfigMap", metadata: { name: spec.name }, data: spec.data });
    await this.client.json("POST", `/api/v1/namespaces/${spec.namespace}/configmaps`, body);
  }

  async deleteConfigMap(namespace: string, name: string): Promise<void> {
    await this.client.json("DELETE", `/api/v1/namespaces/${namespace}/configmaps/${name}`);
  }

  async watchConfigMaps(namespace: string, events: number): Promise<WatchRun> {
    let seen = 0;
    await this.client.stream(`/api/v1/namespaces/${namespace}/configmaps?watch=true&resourceVersion=0`, (line) => {
      const event = JSON.parse(line) as { type: string };
      if (event.type === "ERROR") throw new Error(`watch ERROR event: ${line.slice(0, 200)}`);
      if (event.type !== "BOOKMARK") seen++;
      return seen < events;
    });
    return { events: seen };
  }

  openWatches(namespace: string, watches: number, eventsEach: number): WatchesRun {
    const stop = new AbortController();
    const tally = new WatchTally(watches, eventsEach);
    const path = `/api/v1/namespaces/${namespace}/configmaps?watch=true&resourceVersion=0`;
    for (let i = 0; i < watches; i++) {
      const onLine = (line: string) => {
        const event = JSON.parse(line) as { type: string };
        if (event.type === "ERROR") throw new Error(`watch ERROR event: ${line.slice(0, 200)}`);
        if (event.type !== "BOOKMARK") tally.event(i);
        return true;
      };
      this.client.stream(path, onLine, stop.signal).then(
        () => stop.signal.aborted || tally.fail(i, new Error("the watch ended")),
        (error: unknown) => stop.signal.aborted || tally.fail(i, error),
      );
    }
    return { opened: tally.opened, drained: tally.drained, stop: () => stop.abort() };
  }

  close(): void {
    this.#client?.close();
  }
}

await runChild(() => new FloorContender());
