/**
 * The watcher as an explicit state machine. `nextCommand` says what I/O the current state
 * needs; the driver (watcher.ts) performs it and feeds each outcome to `step`, which returns
 * the next state and the effects to report. Both are pure: no I/O, no clock, no mutation.
 *
 *   Empty ──start──▶ InitialStreaming ──initial-events-end bookmark──▶ Watching
 *     │                   │ rejected (400/422/415/501): fall back
 *     │                   ▼
 *     └──start──▶ InitialListing ──page with continue──▶ InitialListing
 *                         └──last page──▶ Watching
 *   Watching ──event / bookmark──▶ Watching (resourceVersion advances)
 *   Watching ──closed / failed──▶ Watching (resume from resourceVersion)
 *   Watching ──410 Gone──▶ Empty (relist)
 */
import { ApiError, DecodeError, isGone, TransportError, type KubeError } from "../base/errors.ts";
import { resourceVersionOf, type KubeObject } from "../base/object.ts";
import { isInitialEventsEnd, type WatchEvent } from "../api/watch-stream.ts";

/** How the watcher obtained (or obtains) the full state. */
export type ListMode = "streaming" | "list-watch";

/** Whether to try a streaming list: "try" until the server rejects it. */
export type StreamingSupport = "try" | "unsupported" | "off";

interface Common {
  streaming: StreamingSupport;
  /** A list completed before: the next one is a relist. */
  synced: boolean;
  /** Streaming lists that failed in a row; at STREAMING_ATTEMPTS the watcher stops trying them. */
  streamingFailures: number;
}

/**
 * A server that keeps failing streaming lists in a way that does not say "unsupported" (a 500
 * from storage without watch-list support, say) still gets served: after this many failures in
 * a row the watcher lists and watches instead. Progress beats purity.
 */
export const STREAMING_ATTEMPTS = 3;

export type WatcherState =
  | ({ phase: "Empty" } & Common)
  | ({ phase: "InitialListing"; continue: string | undefined } & Common)
  | ({ phase: "InitialStreaming"; resourceVersion: string | undefined } & Common)
  | ({ phase: "Watching"; resourceVersion: string | undefined; mode: ListMode } & Common);

export type WatcherCommand =
  | { kind: "start" }
  | { kind: "list"; continue: string | undefined }
  | { kind: "watch"; resourceVersion: string | undefined; sendInitialEvents: boolean };

export type WatcherInput<T> =
  | { type: "start" }
  | { type: "listPage"; items: T[]; resourceVersion: string | undefined; continue: string | undefined }
  | { type: "watchEvent"; event: WatchEvent<T> }
  | { type: "watchEnded"; reason: "closed" | "idle" }
  | { type: "failed"; error: KubeError };

/** What a step reports. The resync tracker turns these into consumer events. */
export type WatcherEffect<T> =
  /** A (re)list begins: forget anything buffered from an unfinished one. */
  | { type: "listStarted"; relist: boolean; mode: ListMode }
  /** Objects that are part of the (re)list being built. */
  | { type: "listed"; objects: T[] }
  /** An object left the (re)list being built (only a streaming list can say so). */
  | { type: "unlisted"; object: T }
  /** The (re)list is complete and consistent at this resourceVersion. */
  | { type: "listDone"; resourceVersion: string | undefined; mode: ListMode }
  | { type: "applied"; object: T }
  | { type: "deleted"; object: T }
  | { type: "bookmark"; resourceVersion: string }
  /** The server rejected the streaming list; the watcher lists and watches instead. */
  | { type: "streamingRejected"; error: KubeError }
  /** 410 Gone: the resourceVersion is too old, so the watcher relists. */
  | { type: "gone"; error: KubeError }
  /** A failure worth reporting; the driver backs off before the next command. */
  | { type: "error"; error: KubeError };

export interface StepResult<T> {
  state: WatcherState;
  effects: WatcherEffect<T>[];
}

/** The first state. @example let state = initialWatcherState(true); */
export function initialWatcherState(streamingList: boolean): WatcherState {
  return { phase: "Empty", streaming: streamingList ? "try" : "off", synced: false, streamingFailures: 0 };
}

/** The I/O the state needs next. @example nextCommand(initialWatcherState(false)) // { kind: "start" } */
export function nextCommand(state: WatcherState): WatcherCommand {
  switch (state.phase) {
    case "Empty":
      return { kind: "start" };
    case "InitialListing":
      return { kind: "list", continue: state.continue };
    case "InitialStreaming":
      return { kind: "watch", resourceVersion: undefined, sendInitialEvents: true };
    case "Watching":
      return { kind: "watch", resourceVersion: state.resourceVersion, sendInitialEvents: false };
  }
}

/**
 * Advances the machine by one input. Inputs that make no sense in the current phase
 * (a list page while watching, say) leave the state unchanged and report nothing.
 *
 * @example
 * const { state, effects } = step(initialWatcherState(false), { type: "start" });
 * // state.phase === "InitialListing", effects: [{ type: "listStarted", relist: false, mode: "list-watch" }]
 */
export function step<T extends KubeObject>(state: WatcherState, input: WatcherInput<T>): StepResult<T> {
  switch (state.phase) {
    case "Empty":
      return input.type === "start" ? begin(state) : same(state);
    case "InitialListing":
      return stepListing(state, input);
    case "InitialStreaming":
      return stepStreaming(state, input);
    case "Watching":
      return stepWatching(state, input);
  }
}

type In<P extends WatcherState["phase"]> = Extract<WatcherState, { phase: P }>;

function begin<T>(state: WatcherState): StepResult<T> {
  const common = { streaming: state.streaming, synced: state.synced, streamingFailures: state.streamingFailures };
  if (state.streaming === "try") {
    return {
      state: { phase: "InitialStreaming", resourceVersion: undefined, ...common },
      effects: [{ type: "listStarted", relist: state.synced, mode: "streaming" }],
    };
  }
  return {
    state: { phase: "InitialListing", continue: undefined, ...common },
    effects: [{ type: "listStarted", relist: state.synced, mode: "list-watch" }],
  };
}

function stepListing<T extends KubeObject>(state: In<"InitialListing">, input: WatcherInput<T>): StepResult<T> {
  const common = { streaming: state.streaming, synced: state.synced, streamingFailures: state.streamingFailures };
  switch (input.type) {
    case "listPage": {
      const listed: WatcherEffect<T> = { type: "listed", objects: input.items };
      if (input.continue !== undefined) {
        return { state: { ...state, continue: input.continue }, effects: [listed] };
      }
      return {
        state: { phase: "Watching", resourceVersion: input.resourceVersion, mode: "list-watch", ...common, synced: true },
        effects: [listed, { type: "listDone", resourceVersion: input.resourceVersion, mode: "list-watch" }],
      };
    }
    case "failed":
      // An expired continue token cannot be resumed: the whole list starts over.
      if (isGone(input.error) && state.continue !== undefined) {
        return {
          state: { ...state, continue: undefined },
          effects: [
            { type: "error", error: input.error },
            { type: "listStarted", relist: state.synced, mode: "list-watch" },
          ],
        };
      }
      return { state, effects: [{ type: "error", error: input.error }] };
    default:
      return same(state);
  }
}

function stepStreaming<T extends KubeObject>(state: In<"InitialStreaming">, input: WatcherInput<T>): StepResult<T> {
  const common = { streaming: state.streaming, synced: state.synced, streamingFailures: state.streamingFailures };
  switch (input.type) {
    case "watchEvent": {
      const event = input.event;
      if (event.type === "BOOKMARK" && isInitialEventsEnd(event)) {
        const resourceVersion = event.object.metadata.resourceVersion;
        return {
          state: { phase: "Watching", resourceVersion, mode: "streaming", ...common, synced: true, streamingFailures: 0 },
          effects: [{ type: "listDone", resourceVersion, mode: "streaming" }],
        };
      }
      return onWatchEvent(state, event, (e) =>
        e.type === "DELETED" ? { type: "unlisted", object: e.object } : { type: "listed", objects: [e.object] },
      );
    }
    case "failed":
      if (rejectsStreamingList(input.error)) {
        return {
          state: { phase: "Empty", ...common, streaming: "unsupported" },
          effects: [{ type: "streamingRejected", error: input.error }],
        };
      }
      // Initial events cannot be resumed half way: the streaming list starts over.
      return streamingFailed(state, input.error);
    case "watchEnded":
      return streamingFailed(state, endedEarly(input.reason));
    default:
      return same(state);
  }
}

function stepWatching<T extends KubeObject>(state: In<"Watching">, input: WatcherInput<T>): StepResult<T> {
  const common = { streaming: state.streaming, synced: state.synced, streamingFailures: state.streamingFailures };
  switch (input.type) {
    case "watchEvent":
      return onWatchEvent(state, input.event, (e) =>
        e.type === "DELETED" ? { type: "deleted", object: e.object } : { type: "applied", object: e.object },
      );
    case "watchEnded":
      // Without a resourceVersion a new watch would start "now" and could miss changes.
      if (state.resourceVersion === undefined) return { state: { phase: "Empty", ...common }, effects: [] };
      return same(state);
    case "failed":
      if (isGone(input.error)) {
        return { state: { phase: "Empty", ...common }, effects: [{ type: "gone", error: input.error }] };
      }
      if (state.resourceVersion === undefined) {
        return { state: { phase: "Empty", ...common }, effects: [{ type: "error", error: input.error }] };
      }
      return { state, effects: [{ type: "error", error: input.error }] };
    default:
      return same(state);
  }
}

/**
 * A watch event while a resourceVersion is tracked: a bookmark only moves it; an object
 * change moves it too and is reported as `change` says (listed/unlisted while streaming the
 * initial state, applied/deleted once watching).
 */
function onWatchEvent<T extends KubeObject, S extends In<"InitialStreaming"> | In<"Watching">>(
  state: S,
  event: WatchEvent<T>,
  change: (event: Exclude<WatchEvent<T>, { type: "BOOKMARK" }>) => WatcherEffect<T>,
): StepResult<T> {
  if (event.type === "BOOKMARK") {
    const resourceVersion = event.object.metadata.resourceVersion;
    return { state: { ...state, resourceVersion }, effects: [{ type: "bookmark", resourceVersion }] };
  }
  const resourceVersion = resourceVersionOf(event.object) ?? state.resourceVersion;
  return { state: { ...state, resourceVersion }, effects: [change(event)] };
}

function streamingFailed<T>(state: In<"InitialStreaming">, error: KubeError): StepResult<T> {
  const failures = state.streamingFailures + 1;
  const next: WatcherState = { phase: "Empty", streaming: state.streaming, synced: state.synced, streamingFailures: failures };
  if (failures < STREAMING_ATTEMPTS) return { state: next, effects: [{ type: "error", error }] };
  return {
    state: { ...next, streaming: "unsupported" },
    effects: [
      { type: "error", error },
      { type: "streamingRejected", error },
    ],
  };
}

/**
 * Status codes with which a server says it does not understand a streaming list:
 * 422 when the WatchList feature is off or the server predates it (resourceVersionMatch on
 * a watch), 400/415/501 from aggregated or non-standard servers.
 */
export function rejectsStreamingList(error: KubeError): boolean {
  return error instanceof ApiError && [400, 415, 422, 501].includes(error.code);
}

function endedEarly(reason: "closed" | "idle"): KubeError {
  return reason === "idle"
    ? new TransportError("streaming list went quiet before its initial-events-end bookmark", {}, { code: "IDLE" })
    : new DecodeError("streaming list ended before its initial-events-end bookmark");
}

function same<T>(state: WatcherState): StepResult<T> {
  return { state, effects: [] };
}
