/**
 * What pod I/O runs against: a typed client from `api(conn, Pod, { namespace })` (or
 * anything shaped like one) whose kind serves the subresource, checked at compile time.
 */
import { ValidationError } from "../base/errors.ts";
import type { ResourceType, Verb } from "../base/resource.ts";
import type { Connection } from "../connection/types.ts";
import type { KubeRequest } from "../request/types.ts";
import type { MessageSocket } from "../transport/websocket.ts";
import { connectWebSocket } from "../transport/websocket-ws.ts";

/** A typed client (or its shape): connection, resource and namespace. */
export interface PodTarget<S extends string> {
  readonly connection: Connection;
  readonly resource: ResourceType<unknown, boolean, S, Verb>;
  readonly namespace: string | undefined;
}

/** Resolves to `unknown` when the kind serves `Sub`; otherwise to a property no client has, so the call does not compile. */
export type Serves<S extends string, Sub extends string> = [Sub] extends [S] ? unknown : { readonly __missingSubresource: Sub };

/** Opens the request as a WebSocket on the target's connection. */
export async function openSocket(
  target: PodTarget<string>,
  request: KubeRequest,
  protocols: readonly string[],
  options: { signal?: AbortSignal | undefined; timeoutMs?: number | undefined },
): Promise<MessageSocket> {
  const conn = target.connection;
  if (!conn.openWebSocket) {
    throw new ValidationError("this connection cannot open WebSockets (it has no openWebSocket); use one from createConnection or KubeClient");
  }
  return conn.openWebSocket(request, { protocols, connector: connectWebSocket, signal: options.signal, timeoutMs: options.timeoutMs });
}
