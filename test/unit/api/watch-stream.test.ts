import { describe, expect, it } from "vitest";
import { ApiError, DecodeError, isGone } from "../../../src/base/errors.ts";
import { parseWatchLine, watchBatches, type WatchEvent } from "../../../src/api/watch-stream.ts";
import { InMemoryApi, type TestObject } from "../runtime/in-memory-api.ts";

async function take<T>(source: AsyncIterable<T>, n: number): Promise<T[]> {
  const out: T[] = [];
  if (n === 0) return out;
  for await (const item of source) {
    out.push(item);
    if (out.length >= n) break;
  }
  return out;
}

describe("the typed client's watch stream", () => {
  it("sends a streaming GET with watch=true and yields typed events", async () => {
    const api = new InMemoryApi();
    const a = api.create("a", { v: "naïve €" });
    const events = api.client().watch({ resourceVersion: String(Number(a.metadata!.resourceVersion) - 1) });
    const first = take(events, 3);
    await new Promise((r) => setTimeout(r, 5));
    api.update("a", { v: "2" });
    api.remove("a");
    const got = await first;
    expect(got.map((e) => e.type)).toEqual(["ADDED", "MODIFIED", "DELETED"]);
    const added = got[0] as Extract<WatchEvent<TestObject>, { type: "ADDED" | "MODIFIED" | "DELETED" }>;
    expect(added.object.data?.v).toBe("naïve €");
    expect(api.requests[0]!.query).toMatchObject({ watch: true, resourceVersion: "100" });
  });

  it("throws an ERROR event as ApiError with its Status; 410 is recognisable", async () => {
    const api = new InMemoryApi();
    api.create("a");
    api.compact();
    const error = await take(api.client().watch({ resourceVersion: "1" }), 1).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect(isGone(error)).toBe(true);
    expect((error as ApiError).status.reason).toBe("Expired");
    // The site names the watch, not the list of the same path.
    expect((error as ApiError).message).toContain(`${api.path}?watch=true`);
    expect((error as ApiError).site?.path).toBe(`${api.path}?watch=true`);
  });

  it("delivers the events of a chunk that precede an ERROR line before throwing, event by event and in batches", async () => {
    const chunk = [
      JSON.stringify({ type: "ADDED", object: { metadata: { name: "a", resourceVersion: "7" } } }),
      JSON.stringify({ type: "MODIFIED", object: { metadata: { name: "a", resourceVersion: "8" } } }),
      JSON.stringify({ type: "ERROR", object: { kind: "Status", status: "Failure", code: 410, reason: "Expired", message: "too old" } }),
    ].join("\n");
    const api = new InMemoryApi();
    const seen: string[] = [];
    const single = (async () => {
      for await (const ev of api.client().watch()) seen.push(ev.type);
    })().catch((e: unknown) => e);
    const batches: string[][] = [];
    const batched = (async () => {
      const it = watchBatches(api.client().watch());
      for (let next = await it.next(); !next.done; next = await it.next()) batches.push(next.value.map((e) => e.type));
    })().catch((e: unknown) => e);
    await new Promise((r) => setTimeout(r, 5));
    api.sendRaw(chunk);
    expect(isGone(await single)).toBe(true);
    expect(isGone(await batched)).toBe(true);
    expect(seen).toEqual(["ADDED", "MODIFIED"]);
    expect(batches.flat()).toEqual(["ADDED", "MODIFIED"]);
  });

  it("serves overlapping next() calls in order, one event each", async () => {
    const api = new InMemoryApi();
    const it = api.client().watch()[Symbol.asyncIterator]();
    const pending = [it.next(), it.next(), it.next()];
    await new Promise((r) => setTimeout(r, 5));
    api.sendRaw(["a", "b", "c"].map((name) => JSON.stringify({ type: "ADDED", object: { metadata: { name } } })).join("\n"));
    const got = await Promise.all(pending);
    expect(got.map((r) => (r.done ? "done" : (r.value.object as TestObject).metadata?.name))).toEqual(["a", "b", "c"]);
    await it.return?.();
    expect((await it.next()).done).toBe(true);
  });

  it("stops mid-chunk once the signal aborts", async () => {
    const api = new InMemoryApi();
    const controller = new AbortController();
    const seen: string[] = [];
    const done = (async () => {
      for await (const ev of api.client().watch({ signal: controller.signal })) {
        seen.push((ev.object as TestObject).metadata?.name ?? "");
        controller.abort();
      }
    })();
    await new Promise((r) => setTimeout(r, 5));
    api.sendRaw(["a", "b", "c"].map((name) => JSON.stringify({ type: "ADDED", object: { metadata: { name } } })).join("\n"));
    await done;
    expect(seen).toEqual(["a"]);
  });

  it("batches any other watch iterable one event per batch", async () => {
    async function* three(): AsyncGenerator<WatchEvent<TestObject>> {
      for (const name of ["a", "b", "c"]) yield { type: "ADDED", object: { metadata: { name } } };
    }
    const it = watchBatches(three());
    const got: number[] = [];
    for (let next = await it.next(); !next.done; next = await it.next()) got.push(next.value.length);
    expect(got).toEqual([1, 1, 1]);
  });

  it("throws DecodeError on a line that is not JSON, without quoting it", async () => {
    const api = new InMemoryApi();
    const events = take(api.client().watch(), 1).catch((e: unknown) => e);
    await new Promise((r) => setTimeout(r, 5));
    api.sendRaw('{"type":"ADDED","object":{"data":{"password":"hunter2"');
    const error = await events;
    expect(error).toBeInstanceOf(DecodeError);
    expect(String((error as Error).message)).not.toContain("hunter2");
  });

  it("ends cleanly, without error, when the signal aborts", async () => {
    const api = new InMemoryApi();
    const controller = new AbortController();
    const seen: string[] = [];
    const done = (async () => {
      for await (const ev of api.client().watch({ signal: controller.signal })) seen.push(ev.type);
    })();
    await new Promise((r) => setTimeout(r, 5));
    api.create("a");
    await new Promise((r) => setTimeout(r, 5));
    controller.abort();
    await expect(done).resolves.toBeUndefined();
    expect(seen).toEqual(["ADDED"]);
    expect(api.activeWatches).toBe(0);
  });

  it("sends the typed params as the query, a selector object formatted", async () => {
    const api = new InMemoryApi();
    const controller = new AbortController();
    const it = api.client().watch({ labelSelector: { a: "b" }, allowWatchBookmarks: true, signal: controller.signal })[Symbol.asyncIterator]();
    const pending = it.next();
    await new Promise((r) => setTimeout(r, 5));
    controller.abort();
    expect(await pending).toEqual({ done: true, value: undefined });
    expect(api.requests[0]!.query).toEqual({ watch: true, labelSelector: "a=b", allowWatchBookmarks: true });
  });
});

describe("parseWatchLine", () => {
  it.each([
    { name: "blank line", line: "  ", result: undefined },
    { name: "ADDED", line: '{"type":"ADDED","object":{"kind":"Pod"}}', result: { type: "ADDED", object: { kind: "Pod" } } },
    {
      name: "BOOKMARK",
      line: '{"type":"BOOKMARK","object":{"metadata":{"resourceVersion":"9"}}}',
      result: { type: "BOOKMARK", object: { metadata: { resourceVersion: "9" } } },
    },
  ])("parses $name", ({ line, result }) => {
    expect(parseWatchLine(line, {})).toEqual(result);
  });

  it.each([
    { name: "not JSON", line: "nope" },
    { name: "no object", line: '{"type":"ADDED"}' },
    { name: "array", line: "[1]" },
    { name: "unknown type", line: '{"type":"UPSERTED","object":{}}' },
    { name: "bookmark without version", line: '{"type":"BOOKMARK","object":{"metadata":{}}}' },
  ])("rejects $name with DecodeError", ({ line }) => {
    expect(() => parseWatchLine(line, {})).toThrow(DecodeError);
  });

  it("throws ERROR as ApiError", () => {
    const line = '{"type":"ERROR","object":{"kind":"Status","code":500,"reason":"InternalError","message":"x"}}';
    expect(() => parseWatchLine(line, { path: "/p", method: "GET" })).toThrow(ApiError);
  });
});
