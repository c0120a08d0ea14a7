/**
 * One call that waits for a condition on one object: an informer on just that object (a
 * field selector on its name), so the wait reacts to each change instead of polling.
 */
import type { ListWatchClient } from "../api/client-types.ts";
import { WaitFailedError, WaitTimeoutError } from "../base/errors.ts";
import { systemClock } from "../base/clock.ts";
import type { KubeObject } from "../base/object.ts";
import type { WaitCondition } from "./conditions.ts";
import { informer, type Informer } from "./informer.ts";
import { waitUntil, type WaitOptions } from "./wait-until.ts";

export interface AwaitConditionOptions<T extends KubeObject> extends WaitOptions {
  /** An informer already watching the object's kind and namespace to use instead of starting one; it is left running. */
  informer?: Informer<T> | undefined;
}

/**
 * Resolves with the object once `cond` holds (undefined when it holds for a deleted
 * object), rejects with WaitFailedError when the condition's `failure` says it never will,
 * and with WaitTimeoutError (naming the last state seen) after `timeoutMs`.
 *
 * @example
 * const web = await awaitCondition(api(conn, Deployment, { namespace: "prod" }), "web", deploymentComplete(), { timeoutMs: 120_000 });
 */
export async function awaitCondition<T extends KubeObject>(
  client: ListWatchClient<T>,
  name: string,
  cond: WaitCondition<T>,
  options: AwaitConditionOptions<T> = {},
): Promise<T | undefined> {
  const own = options.informer === undefined;
  const inf = options.informer ?? informer<T>(client, { fieldSelector: { "metadata.name": name } });
  const where = client.namespace ? `${client.namespace}/${name}` : name;
  const what = `${client.resource.kind} ${where}`;
  const { informer: _given, ...wait } = options;
  try {
    const outcome = await waitUntil<{ object: T | undefined } | { failure: string }>(systemClock, wait, `${cond.description} (${what})`, (done) => {
      const check = (): void => {
        if (!inf.synced) return;
        const object = inf.store.get(name, client.namespace);
        const failure = cond.failure?.(object);
        if (failure !== undefined) done({ failure });
        else if (cond(object)) done({ object });
      };
      const detach = (["add", "update", "delete", "synced"] as const).map((e) => inf.on(e, check));
      check();
      return () => detach.forEach((d) => d());
    });
    if ("failure" in outcome) throw new WaitFailedError(`${what}: ${outcome.failure}`);
    return outcome.object;
  } catch (error) {
    if (!(error instanceof WaitTimeoutError)) throw error;
    const last = inf.store.get(name, client.namespace);
    throw new WaitTimeoutError(`${what}: ${error.message}; it ${last ? "exists but the condition does not hold" : "does not exist"}`, {}, { cause: error });
  } finally {
    if (own) inf.stop();
  }
}
