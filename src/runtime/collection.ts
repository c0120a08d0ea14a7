/**
 * The collection a watcher or poller follows: a typed client's resource and namespace, the
 * selectors, and the page size. It checks the options once, at construction (a typo fails at
 * the call, not on the first iteration), and fetches list pages through the client, so the
 * runtime decodes lists with the client's one decoder and names every option as `list()` does.
 */
import type { ListClient } from "../api/client-types.ts";
import type { WatchEvent } from "../api/watch-stream.ts";
import type { ErrorSite } from "../base/errors.ts";
import { listRequest, watchRequest, type SelectorParams } from "../request/read.ts";

/** Options that say which objects are followed and how they are listed. */
export interface CollectionOptions extends SelectorParams {
  /** Page size of each list request (initial list, relists, polls). Default 500; 0: one unpaged list. */
  limit?: number | undefined;
  /** Client-side time limit of each list request, ms; default: the connection's. */
  timeoutMs?: number | undefined;
}

/** A change to objects before they are delivered or cached. */
export interface TransformOptions<T> {
  /**
   * Applied to every object a watcher or poller receives (list items, watch events, relists)
   * before it is delivered, tracked or cached: e.g. `dropManagedFields`, or a projection that
   * keeps only the fields a program reads. It must keep metadata.namespace, name, uid and
   * resourceVersion; it may change the object in place.
   */
  transform?: ((object: T) => T) | undefined;
}

export interface ListPage<T> {
  items: T[];
  /** The collection's resourceVersion at the time of the list ("" counts as absent). */
  resourceVersion: string | undefined;
  /** Present when more pages follow. */
  continue: string | undefined;
}

const DEFAULT_LIMIT = 500;

export class Collection<T> {
  readonly client: ListClient<T>;
  /** The collection path, for messages ("/api/v1/namespaces/ns/configmaps"). */
  readonly path: string;
  readonly site: ErrorSite;
  readonly selectors: SelectorParams;
  readonly #limit: number | undefined;
  readonly #timeoutMs: number | undefined;
  readonly #transform: ((object: T) => T) | undefined;

  /** `watch` checks the watch parameters too (a poller only lists). */
  constructor(
    client: ListClient<T>,
    options: CollectionOptions & TransformOptions<T> & { timeoutSeconds?: number | undefined },
    watch: boolean,
  ) {
    this.client = client;
    this.#transform = options.transform;
    const { labelSelector, fieldSelector } = options;
    this.selectors = { ...(labelSelector !== undefined && { labelSelector }), ...(fieldSelector !== undefined && { fieldSelector }) };
    const limit = options.limit ?? DEFAULT_LIMIT;
    this.#limit = limit === 0 ? undefined : limit;
    this.#timeoutMs = options.timeoutMs;
    const list = listRequest(client.resource, client.namespace, { ...this.selectors, limit: this.#limit });
    if (watch) watchRequest(client.resource, client.namespace, { ...this.selectors, timeoutSeconds: options.timeoutSeconds });
    this.path = list.path;
    const conn = client.connection;
    this.site = { method: "GET", path: list.path, ...(conn && { server: conn.server }), ...(conn?.contextName !== undefined && { context: conn.contextName }) };
  }

  /** One page through the client's `list()`. */
  async page(continueToken: string | undefined, signal: AbortSignal): Promise<ListPage<T>> {
    const list = await this.client.list({
      ...this.selectors,
      limit: this.#limit,
      ...(continueToken !== undefined && { continue: continueToken }),
      signal,
      ...(this.#timeoutMs !== undefined && { timeoutMs: this.#timeoutMs }),
    });
    const transform = this.#transform;
    return {
      items: transform ? list.items.map(transform) : list.items,
      resourceVersion: nonEmpty(list.metadata.resourceVersion),
      continue: nonEmpty(list.metadata.continue),
    };
  }

  /** A watch event with its object transformed (bookmarks pass as they are). */
  transformEvent(event: WatchEvent<T>): WatchEvent<T> {
    const transform = this.#transform;
    if (!transform || event.type === "BOOKMARK") return event;
    return { type: event.type, object: transform(event.object) };
  }
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === "" ? undefined : value;
}
