/**
 * An in-memory API server for MANY kinds, implementing Connection, for unit tests of the
 * controller toolkit's logic: get, list, watch (from a resourceVersion, and streaming lists),
 * create, replace (resourceVersion preconditions), merge / JSON (with `test`) / apply patches,
 * the status subresource, deletion with finalizers, metadata-only answers, and an intercept
 * hook to fail or stall requests. What the real server does is checked by the contract suite.
 */
import { ApiError, TransportError } from "../../../src/base/errors.ts";
import type { Connection } from "../../../src/connection/types.ts";
import type { KubeRequest, SendOptions } from "../../../src/request/types.ts";
import type { HttpResponse } from "../../../src/transport/types.ts";
import type { DynamicObject, ObjectMetaLike } from "../../../src/base/object.ts";
import { textResponse } from "../runtime/in-memory-api.ts";

/** An object as the fake stores it: identity and metadata typed, the rest open. */
export interface Obj extends DynamicObject {
  metadata?: ObjectMetaLike & { [field: string]: unknown };
}

interface Target {
  collection: string;
  namespace: string | undefined;
  name: string | undefined;
  subresource: string | undefined;
}

interface Stream {
  collection: string;
  namespace: string | undefined;
  labelSelector: string | undefined;
  metadataOnly: boolean;
  push(line: string): void;
  end(error?: Error): void;
}

const encoder = new TextEncoder();
const clone = <V>(v: V): V => structuredClone(v);

export class FakeCluster implements Connection {
  readonly server = "https://fake-cluster.test";
  readonly namespace = "default";
  readonly contextName = "fake";
  readonly requests: { method: string; path: string; query: KubeRequest["query"]; body: unknown; contentType: string | undefined }[] = [];
  /** Runs before each request is served: throw to fail it, await to stall it. */
  intercept: ((request: KubeRequest, signal: AbortSignal | undefined) => void | Promise<void>) | undefined;
  /** Wall time (ms) written into timestamps. */
  wallClock: () => number = () => Date.now();
  private rv = 1;
  private uid = 0;
  private readonly objects = new Map<string, Obj>();
  private readonly streams = new Set<Stream>();
  /** Every change, so a watch from a resourceVersion replays what it missed. */
  private readonly log: { rv: number; collection: string; type: string; object: Obj }[] = [];

  /** Stores an object directly, as if created; `collection` is e.g. "/api/v1/configmaps". */
  seed(collection: string, object: Obj): Obj {
    return this.write(collection, object, "ADDED");
  }

  /** The stored object, or undefined. */
  get(collection: string, namespace: string | undefined, name: string): Obj | undefined {
    const o = this.objects.get(keyOf(collection, namespace, name));
    return o && clone(o);
  }

  /** Every stored object of a collection (optionally in one namespace). */
  list(collection: string, namespace?: string): Obj[] {
    return [...this.objects.entries()]
      .filter(([k]) => k.startsWith(`${collection}|${namespace ?? ""}`))
      .map(([, o]) => clone(o));
  }

  /** Ends every watch with a reset, as a restarting server does. */
  breakWatches(): void {
    for (const s of this.streams) s.end(new TransportError("connection reset by peer", {}, { code: "ECONNRESET" }));
    this.streams.clear();
  }

  async send(request: KubeRequest, options: SendOptions = {}): Promise<HttpResponse> {
    const contentType = request.headers?.["Content-Type"];
    this.requests.push({ method: request.method, path: request.path, query: request.query, body: request.body ? JSON.parse(request.body) : undefined, contentType });
    await Promise.resolve();
    await this.intercept?.(request, options.signal);
    if (options.signal?.aborted) throw new TransportError("request aborted", {}, { code: "ABORT_ERR" });
    const target = parsePath(request.path);
    const metadataOnly = (request.headers?.Accept ?? "").includes("as=PartialObjectMetadata");
    const query = request.query ?? {};
    const body = request.body === undefined ? undefined : (JSON.parse(request.body) as Obj | JsonOp[]);
    switch (request.method) {
      case "GET":
        if (target.name) return json(this.view(this.mustGet(target), metadataOnly));
        if (query.watch) return this.watch(target, query, metadataOnly, options.signal);
        return json(this.listBody(target, query.labelSelector as string | undefined, metadataOnly));
      case "POST":
        return json(this.create(target, body as Obj));
      case "PUT":
        return json(this.replace(target, body as Obj));
      case "PATCH":
        return json(this.patch(target, contentType ?? "", body!));
      case "DELETE":
        return json(this.remove(target));
      default:
        throw new ApiError({ code: 405, reason: "MethodNotAllowed", message: request.method });
    }
  }

  close(): void {
    this.breakWatches();
  }

  private mustGet(t: Target): Obj {
    const o = this.objects.get(keyOf(t.collection, t.namespace, t.name!));
    if (!o) throw new ApiError({ code: 404, reason: "NotFound", message: `${t.collection} "${t.name}" not found` });
    return o;
  }

  private view(o: Obj, metadataOnly: boolean): Obj {
    return metadataOnly ? { apiVersion: "meta.k8s.io/v1", kind: "PartialObjectMetadata", metadata: clone(o.metadata) } : clone(o);
  }

  private listBody(t: Target, labelSelector: string | undefined, metadataOnly: boolean): unknown {
    const items = [...this.objects.entries()]
      .filter(([k, o]) => inCollection(k, t) && matches(o, labelSelector))
      .map(([, o]) => {
        const { apiVersion: _a, kind: _k, ...rest } = this.view(o, metadataOnly);
        return rest;
      });
    return { kind: metadataOnly ? "PartialObjectMetadataList" : "List", metadata: { resourceVersion: String(this.rv) }, items };
  }

  private watch(t: Target, query: NonNullable<KubeRequest["query"]>, metadataOnly: boolean, signal: AbortSignal | undefined): HttpResponse {
    const queue: Uint8Array[] = [];
    let wake: (() => void) | undefined;
    let ended = false;
    let failure: Error | undefined;
    const stream: Stream = {
      collection: t.collection,
      namespace: t.namespace,
      labelSelector: query.labelSelector as string | undefined,
      metadataOnly,
      push: (line) => {
        if (ended) return;
        queue.push(encoder.encode(`${line}\n`));
        wake?.();
      },
      end: (error) => {
        ended = true;
        failure = error;
        wake?.();
      },
    };
    signal?.addEventListener("abort", () => stream.end(new TransportError("aborted", {}, { code: "ABORT_ERR" })), { once: true });
    const from = query.resourceVersion === undefined ? 0 : Number(query.resourceVersion);
    if (query.sendInitialEvents || !from) {
      for (const [k, o] of this.objects) if (inCollection(k, t) && matches(o, stream.labelSelector)) stream.push(JSON.stringify({ type: "ADDED", object: this.view(o, metadataOnly) }));
      if (query.sendInitialEvents) {
        const annotations = { "k8s.io/initial-events-end": "true" };
        stream.push(JSON.stringify({ type: "BOOKMARK", object: { metadata: { resourceVersion: String(this.rv), annotations } } }));
      }
    } else {
      for (const entry of this.log) {
        if (entry.rv <= from || entry.collection !== t.collection) continue;
        if (t.namespace !== undefined && entry.object.metadata?.namespace !== t.namespace) continue;
        if (matches(entry.object, stream.labelSelector)) stream.push(JSON.stringify({ type: entry.type, object: this.view(entry.object, metadataOnly) }));
      }
    }
    this.streams.add(stream);
    const streams = this.streams;
    async function* bytes(): AsyncGenerator<Uint8Array> {
      try {
        for (;;) {
          const chunk = queue.shift();
          if (chunk) {
            yield chunk;
            continue;
          }
          if (ended) {
            if (failure) throw failure;
            return;
          }
          await new Promise<void>((resolve) => (wake = resolve));
          wake = undefined;
        }
      } finally {
        streams.delete(stream);
      }
    }
    return { status: 200, headers: {}, text: async () => "", bytes: async () => new Uint8Array(), stream: bytes };
  }

  private create(t: Target, body: Obj): Obj {
    const meta = { ...body.metadata };
    const name = meta.name ?? (meta.generateName ? `${meta.generateName}${(++this.uid).toString(36)}` : undefined);
    if (!name) throw new ApiError({ code: 422, reason: "Invalid", message: "name or generateName is required" });
    if (this.objects.has(keyOf(t.collection, t.namespace, name))) {
      throw new ApiError({ code: 409, reason: "AlreadyExists", message: `"${name}" already exists` });
    }
    const object: Obj = { ...body, metadata: { ...meta, name, uid: `uid-${++this.uid}`, generation: 1, creationTimestamp: new Date(this.wallClock()).toISOString() } };
    if (t.namespace) object.metadata!.namespace = t.namespace;
    delete object.metadata!.generateName;
    return this.write(t.collection, object, "ADDED");
  }

  private replace(t: Target, body: Obj): Obj {
    const current = this.mustGet(t);
    const rv = body.metadata?.resourceVersion;
    if (rv !== undefined && rv !== current.metadata?.resourceVersion) {
      throw new ApiError({ code: 409, reason: "Conflict", message: "the object has been modified; please apply your changes to the latest version and try again" });
    }
    const next: Obj = t.subresource === "status" ? { ...current, status: body.status } : { ...body, ...(current.status !== undefined && { status: current.status }) };
    next.metadata = t.subresource === "status" ? current.metadata : { ...body.metadata, uid: current.metadata!.uid, ...(current.metadata?.deletionTimestamp && { deletionTimestamp: current.metadata.deletionTimestamp }) };
    return this.update(t, current, next);
  }

  private patch(t: Target, contentType: string, body: Obj | JsonOp[]): Obj {
    const existing = this.objects.get(keyOf(t.collection, t.namespace, t.name!));
    if (!existing && contentType.includes("apply")) return this.create(t, body as Obj);
    const current = this.mustGet(t);
    let next: Obj;
    if (contentType.includes("json-patch")) next = applyJsonPatch(clone(current), body as JsonOp[]);
    else {
      const patch = body as Obj;
      const rv = patch.metadata?.resourceVersion;
      if (rv !== undefined && rv !== current.metadata?.resourceVersion) throw new ApiError({ code: 409, reason: "Conflict", message: "resourceVersion precondition failed" });
      next = mergePatch(clone(current), patch) as Obj;
    }
    if (t.subresource === "status") next = { ...current, status: next.status };
    else if (current.status !== undefined) next.status = current.status;
    next.metadata = { ...next.metadata, uid: current.metadata!.uid };
    return this.update(t, current, next);
  }

  private remove(t: Target): Obj {
    const current = this.mustGet(t);
    if ((current.metadata?.finalizers ?? []).length > 0) {
      if (current.metadata?.deletionTimestamp) return clone(current);
      return this.update(t, current, { ...current, metadata: { ...current.metadata, deletionTimestamp: new Date(this.wallClock()).toISOString() } });
    }
    return this.drop(t.collection, current);
  }

  private update(t: Target, current: Obj, next: Obj): Obj {
    const specOf = (o: Obj) => JSON.stringify({ ...o, metadata: undefined, status: undefined, apiVersion: undefined, kind: undefined });
    next.metadata!.generation = (current.metadata?.generation ?? 1) + (specOf(current) !== specOf(next) ? 1 : 0);
    if (next.metadata?.deletionTimestamp && (next.metadata.finalizers ?? []).length === 0) return this.drop(t.collection, next);
    return this.write(t.collection, next, "MODIFIED");
  }

  private drop(collection: string, object: Obj): Obj {
    this.rv++;
    const gone = { ...object, metadata: { ...object.metadata, resourceVersion: String(this.rv) } };
    this.objects.delete(keyOf(collection, object.metadata?.namespace, object.metadata!.name!));
    this.broadcast(collection, "DELETED", gone);
    return clone(gone);
  }

  private write(collection: string, object: Obj, type: "ADDED" | "MODIFIED"): Obj {
    this.rv++;
    const stored = { ...clone(object), metadata: { ...clone(object.metadata), resourceVersion: String(this.rv) } };
    if (stored.metadata.finalizers?.length === 0) delete stored.metadata.finalizers;
    this.objects.set(keyOf(collection, stored.metadata.namespace, stored.metadata.name!), stored);
    this.broadcast(collection, type, stored);
    return clone(stored);
  }

  private broadcast(collection: string, type: string, object: Obj): void {
    this.log.push({ rv: this.rv, collection, type, object: clone(object) });
    for (const s of this.streams) {
      if (s.collection !== collection || (s.namespace !== undefined && s.namespace !== object.metadata?.namespace)) continue;
      if (!matches(object, s.labelSelector)) continue;
      s.push(JSON.stringify({ type, object: this.view(object, s.metadataOnly) }));
    }
  }
}

type JsonOp = { op: string; path: string; value?: unknown };

function applyJsonPatch(doc: Obj, ops: JsonOp[]): Obj {
  for (const op of ops) {
    const parts = op.path.split("/").slice(1).map((p) => p.replace(/~1/g, "/").replace(/~0/g, "~"));
    const last = parts.pop()!;
    let parent: Record<string, unknown> | unknown[] = doc;
    for (const p of parts) parent = (parent as Record<string, unknown>)[p] as Record<string, unknown>;
    const read = parent === undefined ? undefined : Array.isArray(parent) ? parent[Number(last)] : parent[last];
    switch (op.op) {
      case "test":
        if (JSON.stringify(read ?? null) !== JSON.stringify(op.value ?? null)) {
          throw new ApiError({ code: 422, reason: "Invalid", message: `the server rejected our request due to an error in our request: test failed at ${op.path}` });
        }
        break;
      case "add":
        if (Array.isArray(parent)) parent.splice(last === "-" ? parent.length : Number(last), 0, op.value);
        else parent[last] = op.value;
        break;
      case "replace":
        if (Array.isArray(parent)) parent[Number(last)] = op.value;
        else parent[last] = op.value;
        break;
      case "remove":
        if (read === undefined) throw new ApiError({ code: 422, reason: "Invalid", message: `nothing to remove at ${op.path}` });
        if (Array.isArray(parent)) parent.splice(Number(last), 1);
        else delete parent[last];
        break;
      default:
        throw new ApiError({ code: 422, reason: "Invalid", message: `op ${op.op} not supported by the fake` });
    }
  }
  return doc;
}

function mergePatch(target: unknown, patch: unknown): unknown {
  if (patch === null || typeof patch !== "object" || Array.isArray(patch)) return patch;
  const out: Record<string, unknown> = target !== null && typeof target === "object" && !Array.isArray(target) ? { ...(target as Record<string, unknown>) } : {};
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) delete out[k];
    else out[k] = mergePatch(out[k], v);
  }
  return out;
}

function parsePath(path: string): Target {
  const m = /^(\/api\/v1|\/apis\/[^/]+\/[^/]+)\/(.*)$/.exec(path);
  if (!m) throw new ApiError({ code: 404, reason: "NotFound", message: `no route ${path}` });
  const segs = m[2]!.split("/");
  if (segs[0] === "namespaces" && segs.length >= 3 && segs[2] !== "status" && segs[2] !== "finalize") {
    return { collection: `${m[1]}/${segs[2]}`, namespace: segs[1], name: segs[3], subresource: segs[4] };
  }
  return { collection: `${m[1]}/${segs[0]}`, namespace: undefined, name: segs[1], subresource: segs[2] };
}

function keyOf(collection: string, namespace: string | undefined, name: string): string {
  return `${collection}|${namespace ?? ""}|${name}`;
}

function inCollection(key: string, t: Target): boolean {
  return key.startsWith(`${t.collection}|${t.namespace === undefined ? "" : `${t.namespace}|`}`);
}

function matches(o: Obj, selector: string | undefined): boolean {
  if (!selector) return true;
  return selector.split(",").every((term) => {
    const neg = term.includes("!=");
    const [k, v] = term.split(neg ? "!=" : "=");
    const has = o.metadata?.labels?.[k!];
    return v === undefined ? has !== undefined : neg ? has !== v : has === v;
  });
}

function json(value: unknown): HttpResponse {
  return textResponse(JSON.stringify(value));
}
