/**
 * The typed path to server-side apply for objects whose type is only known at run time: a
 * manifest read from YAML, or an object of a discovered kind. The compiler cannot know such an
 * object names its apiVersion, kind and name, so this checks them once and hands back an
 * ApplyConfiguration of the resource's own type.
 */
import { ValidationError } from "../base/errors.ts";
import { isRecord, type KubeObject } from "../base/object.ts";
import { apiVersionOf, type ResourceType, type Verb } from "../base/resource.ts";
import type { ApplyConfiguration } from "../request/patch-types.ts";
import { describeResource } from "../request/path.ts";

/**
 * Checks that `object` is one of `resource`'s kind and has a name, and returns it as that
 * kind's apply configuration. A missing apiVersion or kind is filled in from the resource; a
 * different one is a ValidationError naming both, as is a missing metadata.name.
 *
 * @example
 * const Widget = await kube.discover({ kind: "Widget", group: "example.com" });
 * const widgets = kube.api(Widget, { namespace: "default" });
 * await widgets.apply(applyConfigurationOf(Widget, manifest), { fieldManager: "deployer" });
 */
export function applyConfigurationOf<T>(resource: ResourceType<T, boolean, string, Verb>, object: KubeObject): ApplyConfiguration<T> {
  const what = `apply of ${describeResource(resource)}`;
  if (!isRecord(object as unknown)) throw new ValidationError(`${what}: the object must be an object`);
  const apiVersion = apiVersionOf(resource);
  if (object.apiVersion !== undefined && object.apiVersion !== apiVersion) {
    throw new ValidationError(`${what}: the object's apiVersion is ${JSON.stringify(object.apiVersion)}, the resource's ${JSON.stringify(apiVersion)}`);
  }
  if (resource.kind !== "" && object.kind !== undefined && object.kind !== resource.kind) {
    throw new ValidationError(`${what}: the object's kind is ${JSON.stringify(object.kind)}, the resource's ${JSON.stringify(resource.kind)}`);
  }
  const kind = object.kind ?? resource.kind;
  if (!kind) throw new ValidationError(`${what}: the object names no kind and the resource knows none`);
  const name = object.metadata?.name;
  if (typeof name !== "string" || name === "") throw new ValidationError(`${what}: the object has no metadata.name`);
  return { ...object, apiVersion, kind } as unknown as ApplyConfiguration<T>;
}
