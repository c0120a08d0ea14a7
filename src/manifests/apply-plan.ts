/**
 * Turns input objects into apply steps: each object's ResourceType, namespace, ApplySet label
 * and apply configuration, or the error that keeps it from being applied. Nothing is sent
 * here except discovery requests.
 */
import { applyConfigurationOf } from "../api/apply-configuration.ts";
import { KubeError, ValidationError } from "../base/errors.ts";
import { isRecord, type DynamicObject, type KubeObject } from "../base/object.ts";
import type { ApplyConfiguration } from "../request/patch-types.ts";
import type { ApplySet } from "./applyset.ts";
import type { AnyResource, KindResolver } from "./kinds.ts";
import { groupOf, idOf, type ObjectId } from "./object-id.ts";
import { originOf, type ManifestOrigin } from "./parse.ts";

/** One input object on its way to the server. */
export interface Step<T> {
  readonly index: number;
  readonly input: T;
  readonly origin: ManifestOrigin | undefined;
  id: ObjectId;
  resource?: AnyResource;
  config?: ApplyConfiguration<DynamicObject>;
  error?: KubeError;
}

const CRD_GROUP = "apiextensions.k8s.io";

/** Namespaces and CRDs go first: everything else may live in one or be one's custom object. */
export function isFoundation(step: Step<KubeObject>): boolean {
  const group = groupOf(step.id.apiVersion);
  return (group === "" && step.id.kind === "Namespace") || (group === CRD_GROUP && step.id.kind === "CustomResourceDefinition");
}

/** Whether an object is a CRD (by apiVersion and kind, before any resolution). */
export function isCrd(object: KubeObject): boolean {
  return object.kind === "CustomResourceDefinition" && groupOf(object.apiVersion ?? "") === CRD_GROUP;
}

const asKubeError = (e: unknown): KubeError => (e instanceof KubeError ? e : new KubeError(e instanceof Error ? e.message : String(e)));

export interface PlanOptions {
  /** The namespace of namespaced objects that name none. */
  defaultNamespace: string;
  /** Given explicitly: objects naming another namespace are refused (kubectl's --namespace rule). */
  enforcedNamespace: string | undefined;
  applySet: ApplySet | undefined;
}

/** Resolves and prepares one object; failures land in `step.error`. */
async function prepare<T extends KubeObject>(step: Step<T>, resolver: KindResolver, options: PlanOptions): Promise<void> {
  const object: KubeObject = step.input;
  if (!isRecord(object as unknown)) throw new ValidationError("the object must be an object");
  if (typeof object.apiVersion !== "string" || !object.apiVersion || typeof object.kind !== "string" || !object.kind) {
    throw new ValidationError("the object must name its apiVersion and kind");
  }
  if (!object.metadata?.name) {
    throw new ValidationError(object.metadata?.generateName ? "server-side apply needs metadata.name; generateName cannot be applied" : "the object has no metadata.name");
  }
  const resource = await resolver.resolve(object.apiVersion, object.kind);
  step.resource = resource;
  const own = object.metadata.namespace || undefined;
  let namespace: string | undefined;
  if (resource.namespaced) {
    if (options.enforcedNamespace !== undefined && own !== undefined && own !== options.enforcedNamespace) {
      throw new ValidationError(`the object's namespace "${own}" does not match the namespace "${options.enforcedNamespace}" the apply was given`);
    }
    namespace = own ?? options.defaultNamespace;
  }
  step.id = { ...step.id, namespace };
  const labeled = options.applySet ? options.applySet.label(object) : object;
  const { namespace: _dropped, ...metadata } = labeled.metadata ?? {};
  const body = { ...labeled, metadata: namespace === undefined ? metadata : { ...metadata, namespace } } as DynamicObject;
  step.config = applyConfigurationOf(resource, body);
  options.applySet?.add(resource, namespace);
}

/**
 * Builds a step per input object, in input order, resolving kinds concurrently.
 *
 * @example const steps = await planSteps(objects, resolver, { defaultNamespace: "default", enforcedNamespace: undefined, applySet: undefined });
 */
export async function planSteps<T extends KubeObject>(objects: readonly T[], resolver: KindResolver, options: PlanOptions): Promise<Step<T>[]> {
  const steps: Step<T>[] = objects.map((input, index) => ({ index, input, origin: originOf(input as object), id: idOf(input) }));
  await Promise.all(
    steps.map(async (step) => {
      try {
        await prepare(step, resolver, options);
      } catch (e) {
        step.error = asKubeError(e);
      }
    }),
  );
  return steps;
}

/**
 * Runs `fn` over items with at most `limit` in flight; results keep the input order.
 *
 * @example await mapLimit([1, 2, 3], 2, async (n) => n * 2) // [2, 4, 6]
 */
export async function mapLimit<I, O>(items: readonly I[], limit: number, fn: (item: I) => Promise<O>): Promise<O[]> {
  const out: O[] = new Array(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i] as I);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
  return out;
}

export { asKubeError };
