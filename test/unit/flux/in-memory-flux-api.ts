/**
 * An in-memory API server for Flux objects of one namespace, implementing Connection: get,
 * list (with a metadata.name field selector), watch, and merge patches of annotations. Unit
 * tests of the waits' own logic write the status here, standing in for a controller, where a
 * real one could not be made to answer slowly, wrongly or in a chosen order. What the real
 * controllers write is tested in test/contract/flux-gitops.test.ts and flux-helm.test.ts.
 */
import { ApiError } from "../../../src/base/errors.ts";
import type { Connection } from "../../../src/connection/types.ts";
import { FLUX_RESOURCES, type FluxKind, type FluxObject } from "../../../src/flux/kinds.ts";
import type { KubeRequest, SendOptions } from "../../../src/request/types.ts";
import type { HttpResponse } from "../../../src/transport/types.ts";
import { textResponse } from "../runtime/in-memory-api.ts";

const encoder = new TextEncoder();

interface Watch {
  plural: string;
  name: string | undefined;
  push(line: string): void;
}

export class InMemoryFluxApi implements Connection {
  readonly server = "http://in-memory-flux.test";
  readonly namespace: string;
  readonly contextName = "in-memory";
  /** method + path of every request, in order. */
  readonly requests: string[] = [];
  /** Called after each merge patch is stored (a controller's reaction, in tests that want one). */
  onPatch: ((object: FluxObject) => void) | undefined;

  private rv = 1;
  private readonly objects = new Map<string, FluxObject>();
  private readonly watches = new Set<Watch>();
  /** Every change, so that a watch from a list's resourceVersion misses nothing written in between. */
  private readonly log: { rv: number; plural: string; name: string; line: string }[] = [];

  constructor(namespace = "ns") {
    this.namespace = namespace;
  }

  /** Creates or replaces an object (generation 1 unless given), as a client or a controller would write it. */
  put(object: FluxObject): FluxObject {
    const kind = object.kind as FluxKind;
    const key = `${FLUX_RESOURCES[kind].plural}/${object.metadata?.name}`;
    const type = this.objects.has(key) ? "MODIFIED" : "ADDED";
    const stored = {
      ...object,
      metadata: { namespace: this.namespace, generation: 1, uid: `uid-${key}`, ...object.metadata, resourceVersion: String(++this.rv) },
    } as FluxObject;
    this.objects.set(key, stored);
    const entry = { rv: this.rv, plural: FLUX_RESOURCES[kind].plural, name: stored.metadata?.name ?? "", line: JSON.stringify({ type, object: stored }) };
    this.log.push(entry);
    for (const w of this.watches) if (w.plural === entry.plural && (!w.name || w.name === entry.name)) w.push(entry.line);
    return stored;
  }

  /** Merges `status` into the stored object, as a controller's status write. */
  setStatus(kind: FluxKind, name: string, status: object): FluxObject {
    const current = this.get(kind, name);
    return this.put({ ...current, status: { ...(current as { status?: object }).status, ...status } } as FluxObject);
  }

  get(kind: FluxKind, name: string): FluxObject {
    const found = this.objects.get(`${FLUX_RESOURCES[kind].plural}/${name}`);
    if (!found) throw new Error(`no ${kind} ${name}`);
    return found;
  }

  async send(request: KubeRequest, options: SendOptions = {}): Promise<HttpResponse> {
    this.requests.push(`${request.method} ${request.path}`);
    await Promise.resolve();
    const match = /^\/apis\/[^/]+\/[^/]+\/namespaces\/([^/]+)\/([^/]+)(?:\/([^/]+))?$/.exec(request.path);
    if (!match || match[1] !== this.namespace) throw new ApiError({ code: 404, reason: "NotFound", message: `nothing at ${request.path}` });
    const [, , plural, name] = match as unknown as [string, string, string, string | undefined];
    const query = request.query ?? {};
    if (request.method === "PATCH" && name) return this.patch(plural, name, request.body ?? "{}");
    if (request.method !== "GET") throw new Error(`unexpected ${request.method} ${request.path}`);
    if (name) return json(this.lookup(plural, name));
    const byName = /metadata\.name=([^,]+)/.exec(String(query.fieldSelector ?? ""))?.[1];
    if (query.watch) {
      // No streaming lists here: the watcher falls back to list + watch.
      if (query.sendInitialEvents) throw new ApiError({ code: 422, reason: "Invalid", message: "sendInitialEvents: Forbidden" });
      return this.watch(plural, byName, Number(query.resourceVersion ?? this.rv), options);
    }
    const items = [...this.objects.entries()].filter(([k, o]) => k.startsWith(`${plural}/`) && (!byName || o.metadata?.name === byName)).map(([, o]) => o);
    return json({ kind: "List", apiVersion: "v1", metadata: { resourceVersion: String(this.rv) }, items });
  }

  close(): void {}

  private lookup(plural: string, name: string): FluxObject {
    const found = this.objects.get(`${plural}/${name}`);
    if (!found) throw new ApiError({ code: 404, reason: "NotFound", message: `${plural} "${name}" not found` });
    return found;
  }

  private patch(plural: string, name: string, body: string): HttpResponse {
    const current = this.lookup(plural, name);
    const patch = JSON.parse(body) as { metadata?: { annotations?: Record<string, string> } };
    const annotations = { ...current.metadata?.annotations, ...patch.metadata?.annotations };
    const stored = this.put({ ...current, metadata: { ...current.metadata, annotations } } as FluxObject);
    queueMicrotask(() => this.onPatch?.(stored));
    return json(stored);
  }

  private watch(plural: string, name: string | undefined, from: number, options: SendOptions): HttpResponse {
    const lines = this.log.filter((e) => e.rv > from && e.plural === plural && (!name || e.name === name)).map((e) => e.line);
    let wake: (() => void) | undefined;
    const watch: Watch = {
      plural,
      name,
      push: (line) => {
        lines.push(line);
        wake?.();
      },
    };
    this.watches.add(watch);
    const watches = this.watches;
    const signal = options.signal;
    return {
      status: 200,
      headers: { "content-type": "application/json" },
      text: async () => "",
      bytes: async () => new Uint8Array(),
      stream: async function* () {
        try {
          while (!signal?.aborted) {
            const line = lines.shift();
            if (line !== undefined) {
              yield encoder.encode(`${line}\n`);
              continue;
            }
            await new Promise<void>((resolve) => {
              wake = resolve;
              signal?.addEventListener("abort", () => resolve(), { once: true });
            });
          }
          throw new DOMException("aborted", "AbortError");
        } finally {
          watches.delete(watch);
        }
      },
    };
  }
}

function json(body: unknown): HttpResponse {
  return textResponse(JSON.stringify(body));
}
