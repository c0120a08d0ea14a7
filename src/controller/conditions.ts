/**
 * meta/v1 Conditions as controllers keep them: one entry per type, `lastTransitionTime` moved
 * only when the status changes, `observedGeneration` saying which spec the condition describes;
 * and status written by server-side apply on the status subresource under the controller's own
 * field manager, so it never fights other writers of the object.
 */
import { ValidationError } from "../base/errors.ts";
import type { KubeObject } from "../base/object.ts";
import { apiVersionOf, type ResourceType } from "../base/resource.ts";
import type { CallOptions, SubresourceClient } from "../api/client-types.ts";
import type { ApplyConfiguration, DeepPartial } from "../request/index.ts";

/** A meta/v1 Condition's status. */
export type ConditionStatus = "True" | "False" | "Unknown";

/** meta/v1 Condition. */
export interface Condition {
  type: string;
  status: ConditionStatus | string;
  observedGeneration?: number;
  /** RFC 3339, seconds precision. */
  lastTransitionTime: string;
  /** CamelCase, machine-readable. */
  reason: string;
  message: string;
}

/** The condition setCondition writes; lastTransitionTime changes only when the status does. */
export interface ConditionUpdate {
  type: string;
  status: ConditionStatus;
  reason: string;
  message?: string;
  /** The metadata.generation this condition describes. */
  observedGeneration?: number;
}

const REASON = /^[A-Za-z]([A-Za-z0-9_,:]*[A-Za-z0-9_])?$/;
const TYPE = /^([a-z0-9]([-a-z0-9.]*[a-z0-9])?\/)?[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/;

/**
 * The conditions with `update` set: its entry replaced (or added at the end); the
 * `lastTransitionTime` kept when the status did not change. Returns a new array.
 *
 * @example
 * status.conditions = setCondition(status.conditions, { type: "Ready", status: "True", reason: "Mirrored", observedGeneration: m.metadata?.generation });
 */
export function setCondition(conditions: readonly Condition[] | undefined, update: ConditionUpdate, now: Date = new Date()): Condition[] {
  if (!TYPE.test(update.type) || update.type.length > 316) throw new ValidationError(`condition type ${JSON.stringify(update.type)} is not a valid type (e.g. "Ready")`);
  if (!REASON.test(update.reason) || update.reason.length > 1024) {
    throw new ValidationError(`condition reason ${JSON.stringify(update.reason)} must be CamelCase letters, digits, "_", "," or ":"`);
  }
  if (!["True", "False", "Unknown"].includes(update.status)) throw new ValidationError(`condition status must be True, False or Unknown, got ${JSON.stringify(update.status)}`);
  const previous = conditions?.find((c) => c.type === update.type);
  const next: Condition = {
    type: update.type,
    status: update.status,
    ...(update.observedGeneration !== undefined && { observedGeneration: update.observedGeneration }),
    lastTransitionTime: previous && previous.status === update.status ? previous.lastTransitionTime : rfc3339Seconds(now),
    reason: update.reason,
    message: (update.message ?? "").slice(0, 32_768),
  };
  const out = (conditions ?? []).map((c) => (c.type === update.type ? next : { ...c }));
  if (!previous) out.push(next);
  return out;
}

/** @example findCondition(mirror.status?.conditions, "Ready")?.reason */
export function findCondition(conditions: readonly Condition[] | undefined, type: string): Condition | undefined {
  return conditions?.find((c) => c.type === type);
}

/** @example if (isConditionTrue(d.status?.conditions, "Available")) ... */
export function isConditionTrue(conditions: readonly Condition[] | undefined, type: string): boolean {
  return findCondition(conditions, type)?.status === "True";
}

type StatusOf<T> = T extends { status?: infer S } ? NonNullable<S> : never;

/** What applyStatus needs: a typed client whose kind serves the status subresource. */
export interface StatusClient<T> {
  readonly resource: Pick<ResourceType, "group" | "version" | "kind">;
  readonly status: Pick<SubresourceClient<T>, "apply">;
}

/**
 * Writes `status` by server-side apply on the status subresource, as `fieldManager`, taking
 * ownership of the fields it sets (force): a controller owns its status. Fields this manager
 * set before and leaves out now are removed by the server.
 *
 * @example
 * await applyStatus(kube.api(SecretMirror, { namespace }), mirror, { copies: 3, conditions }, { fieldManager: "secret-mirror" });
 */
export async function applyStatus<T extends KubeObject>(
  client: StatusClient<T>,
  object: T,
  status: DeepPartial<StatusOf<T>>,
  options: { fieldManager: string } & CallOptions,
): Promise<T> {
  const name = object.metadata?.name;
  if (!name) throw new ValidationError("applyStatus: the object has no metadata.name");
  const metadata = { name, ...(object.metadata?.namespace && { namespace: object.metadata.namespace }) };
  const config = { apiVersion: apiVersionOf(client.resource), kind: client.resource.kind || object.kind, metadata, status } as unknown as ApplyConfiguration<T>;
  return client.status.apply(config, { ...options, force: true });
}

/** metav1.Time: RFC 3339 in UTC with whole seconds. */
function rfc3339Seconds(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, "Z");
}
