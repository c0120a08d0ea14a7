/**
 * What the controller toolkit is given to reach a cluster: a Connection, or anything that holds
 * one (a KubeClient), so callers pass whichever they have.
 */
import type { Connection } from "../connection/types.ts";

/** A Connection, or anything that holds one (a KubeClient). */
export type KubeTarget = Connection | { readonly connection: Connection };

/**
 * The connection of a KubeTarget.
 *
 * @example connectionOf(kube) === kube.connection // true
 */
export function connectionOf(target: KubeTarget): Connection {
  return "connection" in target ? target.connection : target;
}
