import { describe, expect, it } from "vitest";
import { ApiError, DecodeError, TransportError, type KubeError } from "../../../src/base/errors.ts";
import type { KubeObject } from "../../../src/base/object.ts";
import type { WatchEvent } from "../../../src/api/watch-stream.ts";
import {
  initialWatcherState,
  nextCommand,
  step,
  type WatcherInput,
  type WatcherState,
} from "../../../src/runtime/watcher-state.ts";

const obj = (name: string, rv: string): KubeObject => ({ metadata: { name, namespace: "ns", resourceVersion: rv } });
const gone = new ApiError({ code: 410, reason: "Expired", message: "too old" });
const invalid = new ApiError({ code: 422, reason: "Invalid", message: "sendInitialEvents: Forbidden" });
const serverError = new ApiError({ code: 500, reason: "InternalError", message: "boom" });
const reset = new TransportError("connection reset", {}, { code: "ECONNRESET" });

const empty = (over: Partial<WatcherState> = {}): WatcherState =>
  ({ phase: "Empty", streaming: "off", synced: false, streamingFailures: 0, ...over }) as WatcherState;
const listing = (continueToken?: string, over: Partial<WatcherState> = {}): WatcherState =>
  ({ phase: "InitialListing", continue: continueToken, streaming: "off", synced: false, streamingFailures: 0, ...over }) as WatcherState;
const streaming = (resourceVersion?: string, over: Partial<WatcherState> = {}): WatcherState =>
  ({ phase: "InitialStreaming", resourceVersion, streaming: "try", synced: false, streamingFailures: 0, ...over }) as WatcherState;
const watching = (resourceVersion: string | undefined, over: Partial<WatcherState> = {}): WatcherState =>
  ({ phase: "Watching", resourceVersion, mode: "list-watch", streaming: "off", synced: true, streamingFailures: 0, ...over }) as WatcherState;

const ev = (event: WatchEvent<KubeObject>): WatcherInput<KubeObject> => ({ type: "watchEvent", event });
const bookmark = (rv: string, end = false): WatchEvent<KubeObject> => ({
  type: "BOOKMARK",
  object: {
    metadata: { resourceVersion: rv, ...(end ? { annotations: { "k8s.io/initial-events-end": "true" } } : {}) },
  },
});
const failed = (error: KubeError): WatcherInput<KubeObject> => ({ type: "failed", error });
const page = (items: KubeObject[], rv: string | undefined, continueToken?: string): WatcherInput<KubeObject> => ({
  type: "listPage",
  items,
  resourceVersion: rv,
  continue: continueToken,
});

/** Effects reduced to their type (and the field that matters) so that tables stay readable. */
function summary(effects: ReturnType<typeof step>["effects"]): string[] {
  return effects.map((e) => {
    switch (e.type) {
      case "listStarted":
        return `listStarted(${e.mode}${e.relist ? ",relist" : ""})`;
      case "listed":
        return `listed(${e.objects.map((o) => (o as KubeObject).metadata?.name).join(",")})`;
      case "unlisted":
      case "applied":
      case "deleted":
        return `${e.type}(${(e.object as KubeObject).metadata?.name})`;
      case "listDone":
        return `listDone(${e.resourceVersion},${e.mode})`;
      case "bookmark":
        return `bookmark(${e.resourceVersion})`;
      case "streamingRejected":
      case "gone":
      case "error":
        return `${e.type}(${e.error.constructor.name})`;
    }
  });
}

interface Row {
  name: string;
  from: WatcherState;
  input: WatcherInput<KubeObject>;
  to: WatcherState;
  effects: string[];
}

const rows: Row[] = [
  // Empty
  { name: "start without streaming lists", from: empty(), input: { type: "start" }, to: listing(), effects: ["listStarted(list-watch)"] },
  {
    name: "start with streaming lists",
    from: empty({ streaming: "try" }),
    input: { type: "start" },
    to: streaming(),
    effects: ["listStarted(streaming)"],
  },
  {
    name: "start after a completed list is a relist",
    from: empty({ synced: true }),
    input: { type: "start" },
    to: listing(undefined, { synced: true }),
    effects: ["listStarted(list-watch,relist)"],
  },
  {
    name: "start once streaming was rejected lists",
    from: empty({ streaming: "unsupported" }),
    input: { type: "start" },
    to: listing(undefined, { streaming: "unsupported" }),
    effects: ["listStarted(list-watch)"],
  },
  { name: "Empty ignores anything but start", from: empty(), input: page([], "1"), to: empty(), effects: [] },
  // InitialListing
  {
    name: "a page with a continue token keeps listing",
    from: listing(),
    input: page([obj("a", "5")], "9", "tok"),
    to: listing("tok"),
    effects: ["listed(a)"],
  },
  {
    name: "the last page starts watching at the list's version",
    from: listing("tok"),
    input: page([obj("b", "6")], "9"),
    to: watching("9"),
    effects: ["listed(b)", "listDone(9,list-watch)"],
  },
  {
    name: "410 on a continued page restarts the list",
    from: listing("tok", { synced: true }),
    input: failed(gone),
    to: listing(undefined, { synced: true }),
    effects: ["error(ApiError)", "listStarted(list-watch,relist)"],
  },
  {
    name: "another list failure retries the same page",
    from: listing("tok"),
    input: failed(serverError),
    to: listing("tok"),
    effects: ["error(ApiError)"],
  },
  { name: "InitialListing ignores watch events", from: listing(), input: ev(bookmark("3")), to: listing(), effects: [] },
  // InitialStreaming
  {
    name: "initial ADDED events are collected",
    from: streaming(),
    input: ev({ type: "ADDED", object: obj("a", "7") }),
    to: streaming("7"),
    effects: ["listed(a)"],
  },
  {
    name: "a DELETED during initial events uncollects",
    from: streaming("7"),
    input: ev({ type: "DELETED", object: obj("a", "8") }),
    to: streaming("8"),
    effects: ["unlisted(a)"],
  },
  {
    name: "a plain bookmark only advances the version",
    from: streaming("7"),
    input: ev(bookmark("12")),
    to: streaming("12"),
    effects: ["bookmark(12)"],
  },
  {
    name: "the initial-events-end bookmark completes the list",
    from: streaming("7"),
    input: ev(bookmark("15", true)),
    to: watching("15", { mode: "streaming", streaming: "try" }),
    effects: ["listDone(15,streaming)"],
  },
  {
    name: "422 rejects streaming lists for good and falls back",
    from: streaming(),
    input: failed(invalid),
    to: empty({ streaming: "unsupported" }),
    effects: ["streamingRejected(ApiError)"],
  },
  {
    name: "a transport failure retries the streaming list",
    from: streaming("7"),
    input: failed(reset),
    to: empty({ streaming: "try", streamingFailures: 1 }),
    effects: ["error(TransportError)"],
  },
  {
    name: "a close before the end bookmark retries the streaming list",
    from: streaming("7"),
    input: { type: "watchEnded", reason: "closed" },
    to: empty({ streaming: "try", streamingFailures: 1 }),
    effects: ["error(DecodeError)"],
  },
  {
    name: "going quiet before the end bookmark retries the streaming list",
    from: streaming("7", { streamingFailures: 1 }),
    input: { type: "watchEnded", reason: "idle" },
    to: empty({ streaming: "try", streamingFailures: 2 }),
    effects: ["error(TransportError)"],
  },
  {
    name: "the third streaming failure in a row falls back to list + watch",
    from: streaming(undefined, { streamingFailures: 2 }),
    input: failed(serverError),
    to: empty({ streaming: "unsupported", streamingFailures: 3 }),
    effects: ["error(ApiError)", "streamingRejected(ApiError)"],
  },
  {
    name: "a completed streaming list clears the failure count",
    from: streaming("7", { streamingFailures: 2 }),
    input: ev(bookmark("15", true)),
    to: watching("15", { mode: "streaming", streaming: "try" }),
    effects: ["listDone(15,streaming)"],
  },
  // Watching
  {
    name: "ADDED advances the version",
    from: watching("9"),
    input: ev({ type: "ADDED", object: obj("a", "10") }),
    to: watching("10"),
    effects: ["applied(a)"],
  },
  {
    name: "MODIFIED advances the version",
    from: watching("10"),
    input: ev({ type: "MODIFIED", object: obj("a", "11") }),
    to: watching("11"),
    effects: ["applied(a)"],
  },
  {
    name: "DELETED advances the version",
    from: watching("11"),
    input: ev({ type: "DELETED", object: obj("a", "12") }),
    to: watching("12"),
    effects: ["deleted(a)"],
  },
  {
    name: "a bookmark advances the version",
    from: watching("12"),
    input: ev(bookmark("40")),
    to: watching("40"),
    effects: ["bookmark(40)"],
  },
  {
    name: "a clean close (server timeout) resumes from the version",
    from: watching("40"),
    input: { type: "watchEnded", reason: "closed" },
    to: watching("40"),
    effects: [],
  },
  {
    name: "an idle window resumes from the version",
    from: watching("40"),
    input: { type: "watchEnded", reason: "idle" },
    to: watching("40"),
    effects: [],
  },
  {
    name: "a transport failure resumes from the version",
    from: watching("40"),
    input: failed(reset),
    to: watching("40"),
    effects: ["error(TransportError)"],
  },
  {
    name: "a decode failure resumes from the version",
    from: watching("40"),
    input: failed(new DecodeError("bad line")),
    to: watching("40"),
    effects: ["error(DecodeError)"],
  },
  { name: "410 Gone relists", from: watching("40"), input: failed(gone), to: empty({ synced: true }), effects: ["gone(ApiError)"] },
  {
    name: "410 Gone relists with streaming when it is supported",
    from: watching("40", { mode: "streaming", streaming: "try" }),
    input: failed(gone),
    to: empty({ synced: true, streaming: "try" }),
    effects: ["gone(ApiError)"],
  },
  {
    name: "without a version a close relists rather than miss changes",
    from: watching(undefined),
    input: { type: "watchEnded", reason: "closed" },
    to: empty({ synced: true }),
    effects: [],
  },
  {
    name: "without a version a failure relists",
    from: watching(undefined),
    input: failed(reset),
    to: empty({ synced: true }),
    effects: ["error(TransportError)"],
  },
  { name: "Watching ignores list pages", from: watching("40"), input: page([], "1"), to: watching("40"), effects: [] },
];

describe("watcher state machine", () => {
  it.each(rows)("$name", ({ from, input, to, effects }) => {
    const frozen = structuredClone(from);
    const result = step(from, input);
    expect(result.state).toEqual(to);
    expect(summary(result.effects)).toEqual(effects);
    expect(from).toEqual(frozen); // pure: the input state is untouched
  });

  it.each([
    { state: empty(), command: { kind: "start" } },
    { state: listing(), command: { kind: "list", continue: undefined } },
    { state: listing("tok"), command: { kind: "list", continue: "tok" } },
    { state: streaming("3"), command: { kind: "watch", resourceVersion: undefined, sendInitialEvents: true } },
    { state: watching("40"), command: { kind: "watch", resourceVersion: "40", sendInitialEvents: false } },
  ])("nextCommand in $state.phase", ({ state, command }) => {
    expect(nextCommand(state)).toEqual(command);
  });

  it("starts Empty, streaming lists on or off", () => {
    expect(initialWatcherState(true)).toEqual(empty({ streaming: "try" }));
    expect(initialWatcherState(false)).toEqual(empty());
  });

  it("runs a whole life: stream rejected, list in pages, watch, 410, relist", () => {
    let state = initialWatcherState(true);
    const trace: string[] = [];
    const feed = (input: WatcherInput<KubeObject>): void => {
      const r = step(state, input);
      state = r.state;
      trace.push(`${r.state.phase}: ${summary(r.effects).join(" ")}`);
    };
    feed({ type: "start" });
    feed(failed(invalid));
    feed({ type: "start" });
    feed(page([obj("a", "1")], "5", "t1"));
    feed(page([obj("b", "2")], "5"));
    feed(ev({ type: "MODIFIED", object: obj("a", "6") }));
    feed(failed(gone));
    feed({ type: "start" });
    expect(trace).toEqual([
      "InitialStreaming: listStarted(streaming)",
      "Empty: streamingRejected(ApiError)",
      "InitialListing: listStarted(list-watch)",
      "InitialListing: listed(a)",
      "Watching: listed(b) listDone(5,list-watch)",
      "Watching: applied(a)",
      "Empty: gone(ApiError)",
      "InitialListing: listStarted(list-watch,relist)",
    ]);
  });
});
