/**
 * The Kubernetes Events about one Flux object (events.k8s.io/v1, whose `regarding` is the
 * object; Flux controllers record core/v1 Events, which the API serves through both
 * versions). The server filters by kind, name, uid and type; we check the API group,
 * which a field selector cannot.
 */
import { api } from "../api/client.ts";
import type { CallOptions } from "../api/client-types.ts";
import type { Connection } from "../connection/types.ts";
import { formatFieldSelector } from "../request/selectors.ts";
import type { WatcherEvent } from "../runtime/watcher-events.ts";
import { watcher } from "../runtime/watcher.ts";
import { Event } from "../../generated/k8s/events/v1/index.ts";
import { FLUX_RESOURCES, fluxRefOf, type FluxKind, type FluxRef, type FluxTarget } from "./kinds.ts";

/** The Kubernetes event types Flux controllers record. */
export type FluxEventType = "Normal" | "Warning";

/** Which events `FluxClient.events` returns. */
export interface FluxEventsOptions {
  /** Only these types (default: both). */
  types?: readonly FluxEventType[];
}

/**
 * The field selector for events about one object. The uid is included when known, so
 * events of an earlier object of the same name are left out.
 *
 * @example
 * fluxEventSelector({ kind: "GitRepository", name: "podinfo", namespace: "flux-system" })
 * // "regarding.kind=GitRepository,regarding.name=podinfo,regarding.namespace=flux-system"
 */
export function fluxEventSelector(ref: FluxRef, options: { uid?: string | undefined; types?: readonly FluxEventType[] } = {}): string {
  const fields: Record<string, string> = {
    "regarding.kind": ref.kind,
    "regarding.name": ref.name,
    "regarding.namespace": ref.namespace,
  };
  if (options.uid) fields["regarding.uid"] = options.uid;
  const types = new Set(options.types ?? []);
  if (types.size === 1) fields.type = [...types][0]!;
  return formatFieldSelector(fields);
}

/** True when the event regards an object of this kind in the kind's API group (any version). */
export function regardsFluxKind(event: Event, kind: FluxKind): boolean {
  const regarding = event.regarding;
  if (regarding?.kind !== kind) return false;
  const group = regarding.apiVersion?.includes("/") ? regarding.apiVersion.split("/")[0] : undefined;
  return group === undefined || group === FLUX_RESOURCES[kind].group;
}

/**
 * When an event last happened: the newest of its series, its deprecated last timestamp and
 * its eventTime (the same choice `flux events` makes), for sorting.
 *
 * @example eventLastSeen(event) // "2025-03-01T10:00:00.000000Z"
 */
export function eventLastSeen(event: Event): string | undefined {
  return event.series?.lastObservedTime ?? event.deprecatedLastTimestamp ?? event.eventTime ?? event.metadata?.creationTimestamp;
}

/**
 * Lists the events about a Flux object, oldest first.
 *
 * @example const warnings = await listFluxEvents(conn, repo, { types: ["Warning"] });
 */
export async function listFluxEvents(
  conn: Connection,
  target: FluxTarget,
  options: FluxEventsOptions & CallOptions = {},
): Promise<Event[]> {
  const { types, ...call } = options;
  const ref = fluxRefOf(target);
  const events = api(conn, Event, { namespace: ref.namespace });
  const list = await events.list({ ...call, fieldSelector: fluxEventSelector(ref, { uid: uidOf(target), types }) });
  return list.items
    .filter((e) => regardsFluxKind(e, ref.kind) && (!types || types.includes(e.type as FluxEventType)))
    .sort((a, b) => timeOf(a) - timeOf(b));
}

/**
 * Watches the events about a Flux object: the current ones as ADDED, then SYNCED, then
 * new and updated ones as they are recorded. Disconnects and 410 Gone are handled by the
 * runtime's watcher; failures come out as ERROR events while it retries.
 *
 * @example
 * for await (const change of watchFluxEvents(conn, repo, { signal })) {
 *   if (change.type === "ADDED") console.log(change.object.reason, change.object.note);
 * }
 */
export function watchFluxEvents(
  conn: Connection,
  target: FluxTarget,
  options: FluxEventsOptions & { signal?: AbortSignal } = {},
): AsyncIterable<WatcherEvent<Event>> {
  const ref = fluxRefOf(target);
  const { types, signal } = options;
  const source = watcher(api(conn, Event, { namespace: ref.namespace }), {
    fieldSelector: fluxEventSelector(ref, { uid: uidOf(target), types }),
    ...(signal ? { signal } : {}),
  });
  const keep = (e: Event): boolean => regardsFluxKind(e, ref.kind) && (!types || types.includes(e.type as FluxEventType));
  return {
    async *[Symbol.asyncIterator]() {
      for await (const change of source) {
        if ((change.type === "ADDED" || change.type === "MODIFIED" || change.type === "DELETED") && !keep(change.object)) continue;
        yield change;
      }
    },
  };
}

function timeOf(event: Event): number {
  return Date.parse(eventLastSeen(event) ?? "") || 0;
}

function uidOf(target: FluxTarget): string | undefined {
  return "metadata" in target ? target.metadata?.uid : undefined;
}
