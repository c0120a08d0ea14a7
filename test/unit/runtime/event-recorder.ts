import { objectKey, type KubeObject } from "../../../src/base/object.ts";
import type { WatcherEvent } from "../../../src/runtime/watcher-events.ts";

/** Consumes a watcher in the background and keeps what it delivered. */
export class EventRecorder<T extends KubeObject> {
  readonly events: WatcherEvent<T>[] = [];
  /** The collection as the events describe it: key → resourceVersion. */
  readonly replica = new Map<string, string>();
  readonly done: Promise<void>;

  constructor(source: AsyncIterable<WatcherEvent<T>>) {
    this.done = (async () => {
      for await (const event of source) {
        this.events.push(event);
        if (event.type === "ADDED" || event.type === "MODIFIED") {
          this.replica.set(objectKey(event.object), event.object.metadata?.resourceVersion ?? "");
        } else if (event.type === "DELETED") {
          this.replica.delete(objectKey(event.object));
        }
      }
    })();
  }

  /** Waits (real time) until `predicate` holds; fails with what was seen if it never does. */
  async until(predicate: (r: this) => boolean, timeoutMs = 3000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!predicate(this)) {
      if (Date.now() > deadline) {
        throw new Error(`condition not met in ${timeoutMs} ms; events: ${this.brief().join(" | ")}`);
      }
      await new Promise((r) => setTimeout(r, 1));
    }
  }

  count(type: WatcherEvent<T>["type"]): number {
    return this.events.filter((e) => e.type === type).length;
  }

  /** Events as short strings, e.g. "ADDED ns/a", "SYNCED initial list-watch 3", "ERROR ApiError". */
  brief(from = 0): string[] {
    return this.events.slice(from).map((e) => {
      if (e.type === "SYNCED") return `SYNCED ${e.initial ? "initial" : "relist"} ${e.mode} ${e.size}`;
      if (e.type === "ERROR") return `ERROR ${e.error.constructor.name}`;
      return `${e.type} ${objectKey(e.object)}${e.resync ? " resync" : ""}`;
    });
  }
}

export const tick = (ms = 5): Promise<void> => new Promise((r) => setTimeout(r, ms));
