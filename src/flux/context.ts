/**
 * What every Flux operation needs: the connection, the field managers it writes as, and
 * the clock that hands out reconcile-request timestamps. FluxClient holds one.
 */
import { api } from "../api/client.ts";
import type { ResourceClient } from "../api/client-types.ts";
import type { Connection } from "../connection/types.ts";
import type { ResourceType } from "../base/resource.ts";
import { isNotFound } from "../base/errors.ts";
import { FLUX_RESOURCES, type FluxKind, type FluxObject, type FluxObjectMap, type FluxRef } from "./kinds.ts";
import type { RequestClock } from "./reconcile-request.ts";

export interface FluxContext {
  readonly conn: Connection;
  /** Manager of objects this toolkit creates or updates by server-side apply. */
  readonly fieldManager: string;
  /**
   * Manager of `spec.suspend` alone. It must differ from `fieldManager`: an apply states a
   * manager's whole intent, so applying only `spec.suspend` as the manager that applied the
   * full spec would delete the rest of it.
   */
  readonly suspendFieldManager: string;
  readonly requestClock: RequestClock;
}

/** The generic client for the kind of `ref`, in its namespace. */
export function clientFor<K extends FluxKind>(ctx: FluxContext, ref: FluxRef<K>): ResourceClient<FluxObjectMap[K], string> {
  return api(ctx.conn, FLUX_RESOURCES[ref.kind] as ResourceType<FluxObjectMap[K], true, string>, { namespace: ref.namespace });
}

/** The object, or undefined when it does not exist. */
export async function getFluxObject(ctx: FluxContext, ref: FluxRef): Promise<FluxObject | undefined> {
  try {
    return (await clientFor(ctx, ref).get(ref.name)) as FluxObject;
  } catch (error) {
    if (isNotFound(error)) return undefined;
    throw error;
  }
}
