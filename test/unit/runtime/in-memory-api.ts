/**
 * An in-memory list/watch server for ONE collection, implementing Connection, for unit
 * tests of the watcher's logic: paging with continue tokens, resourceVersions, an event log
 * with compaction (410), bookmarks, streaming lists, label selectors, and fault switches.
 * The real API server's behaviour is checked by the contract suite, not here.
 */
import type { Connection } from "../../../src/connection/types.ts";
import { ApiError, TransportError } from "../../../src/base/errors.ts";
import type { KubeRequest, SendOptions } from "../../../src/request/types.ts";
import type { HttpResponse } from "../../../src/transport/types.ts";
import type { KubeObject } from "../../../src/base/object.ts";
import type { ResourceType } from "../../../src/base/resource.ts";
import { api } from "../../../src/api/client.ts";
import type { ResourceClient } from "../../../src/api/client-types.ts";

export interface TestObject extends KubeObject {
  data?: Record<string, string>;
}

/**
 * The collection this server holds. No kind, so list items get theirs from the list's own
 * kind, as for a resource described by hand.
 */
const TestConfigMaps: ResourceType<TestObject, true, never> = {
  group: "",
  version: "v1",
  kind: "",
  listKind: "",
  plural: "configmaps",
  namespaced: true,
  verbs: ["get", "list", "watch", "create", "update", "patch", "delete", "deletecollection"],
  subresources: [],
};

type EventType = "ADDED" | "MODIFIED" | "DELETED";

const encoder = new TextEncoder();

/** A byte stream fed by the server; aborting the request fails it like a real transport. */
class WatchStream {
  private readonly queue: Uint8Array[] = [];
  private wake: (() => void) | undefined;
  private ended = false;
  private failure: Error | undefined;
  closed = false;
  /** Cut off by a partition: nothing more reaches the client on this stream. */
  stalled = false;

  readonly query: Record<string, unknown>;
  private readonly chunking: (line: string) => Uint8Array[];

  constructor(query: Record<string, unknown>, chunking: (line: string) => Uint8Array[], signal: AbortSignal | undefined) {
    this.query = query;
    this.chunking = chunking;
    signal?.addEventListener("abort", () => this.fail(new DOMException("aborted", "AbortError")), { once: true });
  }

  sendLine(line: string): void {
    if (this.ended || this.stalled) return;
    this.queue.push(...this.chunking(`${line}\n`));
    this.wake?.();
  }

  send(type: string, object: unknown): void {
    this.sendLine(JSON.stringify({ type, object }));
  }

  end(): void {
    this.ended = true;
    this.wake?.();
  }

  fail(error: Error): void {
    if (this.ended) return;
    this.failure = error;
    this.end();
  }

  async *bytes(): AsyncGenerator<Uint8Array> {
    try {
      for (;;) {
        const chunk = this.queue.shift();
        if (chunk) {
          yield chunk;
          continue;
        }
        if (this.failure) throw this.failure;
        if (this.ended) return;
        await new Promise<void>((resolve) => (this.wake = resolve));
        this.wake = undefined;
      }
    } finally {
      this.closed = true;
    }
  }
}

export class InMemoryApi implements Connection {
  readonly server = "http://in-memory.test";
  readonly namespace = "default";
  readonly contextName = "in-memory";
  readonly requests: KubeRequest[] = [];
  /** Errors thrown by the next list / watch requests, first in first out. */
  readonly failNext: { list: Error[]; watch: Error[] } = { list: [], watch: [] };
  /** False: the server answers sendInitialEvents with 422, as when WatchList is off. */
  streamingSupported = true;
  /** Called before each list page is answered (page index from 0), to inject faults. */
  onListPage: ((page: number) => void) | undefined;

  private rv = 100;
  private uidCounter = 0;
  private readonly objects = new Map<string, TestObject>();
  private log: { rv: number; type: EventType; object: TestObject }[] = [];
  private compactedRv = 0;
  private readonly streams = new Set<WatchStream>();
  private readonly snapshots = new Map<string, { rv: number; items: TestObject[] }>();

  readonly path = "/api/v1/namespaces/ns/configmaps";
  private readonly ns = "ns";

  /** The typed client the runtime is given: configmaps in namespace "ns", through this fake server. */
  client(): ResourceClient<TestObject, never> {
    return api(this, TestConfigMaps, { namespace: this.ns });
  }

  get resourceVersion(): string {
    return String(this.rv);
  }

  /** Open watch streams. */
  get activeWatches(): number {
    return [...this.streams].filter((s) => !s.closed).length;
  }

  /** The state as a consumer should see it: key → resourceVersion. */
  state(labelSelector?: string): Map<string, string> {
    const out = new Map<string, string>();
    for (const o of this.objects.values()) {
      if (matches(o, labelSelector)) out.set(keyOf(o), o.metadata!.resourceVersion!);
    }
    return out;
  }

  get(name: string): TestObject | undefined {
    return this.objects.get(name);
  }

  create(name: string, data: Record<string, string> = {}, labels: Record<string, string> = {}): TestObject {
    const object: TestObject = {
      apiVersion: "v1",
      kind: "ConfigMap",
      metadata: { name, namespace: this.ns, uid: `uid-${++this.uidCounter}`, labels },
      data,
    };
    return this.record("ADDED", object);
  }

  update(name: string, data: Record<string, string>, labels?: Record<string, string>): TestObject {
    const current = this.objects.get(name);
    if (!current) throw new Error(`no object ${name}`);
    const metadata = { ...current.metadata, ...(labels ? { labels } : {}) };
    return this.record("MODIFIED", { ...current, metadata, data });
  }

  remove(name: string): void {
    const current = this.objects.get(name);
    if (!current) throw new Error(`no object ${name}`);
    this.record("DELETED", current);
  }

  /** Forgets the event log: watches from older versions and old continue tokens get 410. */
  compact(): void {
    this.compactedRv = this.rv;
    this.log = [];
  }

  /**
   * Cuts the open watches off: changes from now on do not reach them (they stay in the log),
   * as when a connection silently dies. `heal` then resets those connections.
   */
  partition(): void {
    for (const s of this.streams) s.stalled = true;
  }

  /** Resets the connections a partition stalled, so the client reconnects. */
  heal(): void {
    for (const s of [...this.streams]) {
      if (!s.stalled) continue;
      s.stalled = false;
      s.fail(new TransportError("connection reset by peer", {}, { code: "ECONNRESET" }));
      this.streams.delete(s);
    }
  }

  /** Sends a plain bookmark at the current version to watches that allow them. */
  bookmark(): void {
    for (const s of this.streams) {
      if (s.query.allowWatchBookmarks) s.send("BOOKMARK", bookmarkObject(this.rv, false));
    }
  }

  /** Sends a raw line to every open watch (to test decoding failures). */
  sendRaw(line: string): void {
    for (const s of this.streams) s.sendLine(line);
  }

  /** Sends an ERROR event to every open watch. */
  sendError(code: number, reason: string): void {
    for (const s of this.streams) s.send("ERROR", { kind: "Status", status: "Failure", code, reason, message: `test ${reason}` });
  }

  /** Ends every watch cleanly, as the server does at timeoutSeconds. */
  closeWatches(): void {
    for (const s of this.streams) s.end();
    this.streams.clear();
  }

  /** Fails every watch mid-stream, as a reset connection or a restarting server does. */
  breakWatches(): void {
    for (const s of this.streams) s.fail(new TransportError("connection reset by peer", {}, { code: "ECONNRESET" }));
    this.streams.clear();
  }

  async send(request: KubeRequest, options: SendOptions = {}): Promise<HttpResponse> {
    this.requests.push(request);
    await Promise.resolve();
    if (options.signal?.aborted) throw new DOMException("aborted", "AbortError");
    if (request.path !== this.path) {
      throw new ApiError({ code: 404, reason: "NotFound", message: `no collection at ${request.path}` });
    }
    const query = request.query ?? {};
    return query.watch ? this.watch(query, options) : this.list(query);
  }

  close(): void {
    this.breakWatches();
  }

  /** Splits every line in two, at a byte that may fall inside a multi-byte character. */
  private chunking = (line: string): Uint8Array[] => {
    const bytes = encoder.encode(line);
    const cut = Math.floor(bytes.length / 2);
    return cut > 0 ? [bytes.subarray(0, cut), bytes.subarray(cut)] : [bytes];
  };

  private record(type: EventType, object: TestObject): TestObject {
    this.rv++;
    const stored: TestObject = { ...object, metadata: { ...object.metadata, resourceVersion: String(this.rv) } };
    const name = stored.metadata!.name!;
    if (type === "DELETED") this.objects.delete(name);
    else this.objects.set(name, stored);
    this.log.push({ rv: this.rv, type, object: stored });
    for (const s of this.streams) this.push(s, type, stored);
    return stored;
  }

  private push(s: WatchStream, type: EventType, object: TestObject): void {
    if (matches(object, s.query.labelSelector as string | undefined)) s.send(type, object);
  }

  private list(query: KubeRequest["query"] & object): HttpResponse {
    const failure = this.failNext.list.shift();
    if (failure) throw failure;
    const limit = Number(query.limit ?? 0);
    const token = query.continue as string | undefined;
    let snapshot: { rv: number; items: TestObject[] };
    let offset = 0;
    let page = 0;
    if (token) {
      const [id, at, pageIndex] = token.split(":");
      const found = this.snapshots.get(id!);
      if (!found) throw new ApiError({ code: 400, reason: "BadRequest", message: "unknown continue token" });
      snapshot = found;
      offset = Number(at);
      page = Number(pageIndex);
    } else {
      const items = [...this.objects.values()]
        .filter((o) => matches(o, query.labelSelector as string | undefined))
        .sort((a, b) => keyOf(a).localeCompare(keyOf(b)));
      snapshot = { rv: this.rv, items };
    }
    this.onListPage?.(page);
    if (token && snapshot.rv < this.compactedRv) {
      throw new ApiError({ code: 410, reason: "Expired", message: "The provided continue parameter is too old" });
    }
    const end = limit > 0 ? Math.min(snapshot.items.length, offset + limit) : snapshot.items.length;
    let next: string | undefined;
    if (end < snapshot.items.length) {
      const id = `snap-${this.snapshots.size + 1}`;
      this.snapshots.set(id, snapshot);
      next = `${id}:${end}:${page + 1}`;
    }
    // Like the real server, list items carry no apiVersion/kind.
    const items = snapshot.items.slice(offset, end).map(({ apiVersion: _a, kind: _k, ...rest }) => rest);
    const body = {
      kind: "ConfigMapList",
      apiVersion: "v1",
      metadata: { resourceVersion: String(snapshot.rv), ...(next ? { continue: next } : {}) },
      items,
    };
    return textResponse(JSON.stringify(body));
  }

  private watch(query: KubeRequest["query"] & object, options: SendOptions): HttpResponse {
    const failure = this.failNext.watch.shift();
    if (failure) throw failure;
    if (!options.stream) throw new Error("watch requests must be sent with { stream: true }");
    const stream = new WatchStream(query as Record<string, unknown>, this.chunking, options.signal);
    const labelSelector = query.labelSelector as string | undefined;
    if (query.sendInitialEvents) {
      if (!this.streamingSupported) {
        throw new ApiError({
          code: 422,
          reason: "Invalid",
          message: "ListOptions.meta.k8s.io \"\" is invalid: sendInitialEvents: Forbidden",
        });
      }
      for (const o of this.objects.values()) if (matches(o, labelSelector)) stream.send("ADDED", o);
      stream.send("BOOKMARK", bookmarkObject(this.rv, true));
    } else if (query.resourceVersion !== undefined && query.resourceVersion !== "") {
      const from = Number(query.resourceVersion);
      if (from < this.compactedRv) {
        stream.send("ERROR", {
          kind: "Status",
          status: "Failure",
          code: 410,
          reason: "Expired",
          message: `too old resource version: ${from} (${this.compactedRv})`,
        });
        stream.end();
        return streamResponse(stream);
      }
      for (const entry of this.log) if (entry.rv > from) this.push(stream, entry.type, entry.object);
    }
    this.streams.add(stream);
    return streamResponse(stream);
  }
}

function bookmarkObject(rv: number, initialEventsEnd: boolean): unknown {
  return {
    kind: "ConfigMap",
    apiVersion: "v1",
    metadata: {
      resourceVersion: String(rv),
      ...(initialEventsEnd ? { annotations: { "k8s.io/initial-events-end": "true" } } : {}),
    },
  };
}

function keyOf(o: TestObject): string {
  return o.metadata?.namespace ? `${o.metadata.namespace}/${o.metadata.name}` : o.metadata!.name!;
}

function matches(o: TestObject, selector: string | undefined): boolean {
  if (!selector) return true;
  return selector.split(",").every((term) => {
    const [k, v] = term.split("=");
    return o.metadata?.labels?.[k!] === v;
  });
}

/** A complete 200 response with a JSON (or any text) body. */
export function textResponse(text: string): HttpResponse {
  return {
    status: 200,
    headers: { "content-type": "application/json" },
    text: async () => text,
    bytes: async () => encoder.encode(text),
    stream: async function* () {
      yield encoder.encode(text);
    },
  };
}

function streamResponse(stream: WatchStream): HttpResponse {
  return {
    status: 200,
    headers: { "content-type": "application/json" },
    text: async () => {
      const parts: string[] = [];
      const decoder = new TextDecoder();
      for await (const chunk of stream.bytes()) parts.push(decoder.decode(chunk, { stream: true }));
      return parts.join("");
    },
    bytes: async () => {
      throw new Error("not used");
    },
    stream: () => stream.bytes(),
  };
}
