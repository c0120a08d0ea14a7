/**
 * Checks an object body against where it is sent. The API server rejects a body whose
 * kind, apiVersion, namespace or name disagrees with the URL; we say so before sending,
 * and fill in what is missing so the server always gets a fully identified object.
 */
import { ValidationError } from "../base/errors.ts";
import { checkObjectBody, jsonBody } from "./param-checks.ts";
import { preview } from "./path.ts";

export interface BodyIdentity {
  apiVersion?: string | undefined;
  /** "" or undefined: not checked (a dynamic resource of unknown kind). */
  kind?: string | undefined;
  namespace?: string | undefined;
  name?: string | undefined;
}

interface Meta {
  name?: unknown;
  namespace?: unknown;
  [key: string]: unknown;
}

/**
 * Returns the body as JSON text with apiVersion, kind, metadata.name and
 * metadata.namespace filled in from `expected` when absent; throws ValidationError when
 * the body disagrees with them. `require` lists fields that must be present in the body
 * itself (server-side apply requires apiVersion, kind and metadata.name).
 */
export function identifiedBody(
  action: string,
  body: unknown,
  expected: BodyIdentity,
  require: readonly ("apiVersion" | "kind" | "name")[] = [],
): string {
  const obj = checkObjectBody(action, body);
  const meta = obj.metadata === undefined ? undefined : checkObjectBody(`${action}: metadata`, obj.metadata);
  for (const field of require) {
    const present = field === "name" ? meta?.name : obj[field];
    if (present === undefined || present === "") {
      throw new ValidationError(`${action}: the body must set ${field === "name" ? "metadata.name" : field}`);
    }
  }
  const resolve = (field: string, actual: unknown, want: string | undefined): unknown => {
    if (want === undefined || want === "") return actual;
    if (actual !== undefined && actual !== want) {
      throw new ValidationError(`${action}: the body's ${field} is ${preview(actual)}, expected ${preview(want)}`);
    }
    return want;
  };
  const apiVersion = resolve("apiVersion", obj.apiVersion, expected.apiVersion);
  const kind = resolve("kind", obj.kind, expected.kind);
  const name = resolve("metadata.name", meta?.name, expected.name);
  const namespace = resolve("metadata.namespace", meta?.namespace, expected.namespace);
  // Identity first, then the caller's fields in their order: readable in logs and diffs.
  const metadata: Meta | undefined =
    name === undefined && namespace === undefined && meta === undefined
      ? undefined
      : { ...(name !== undefined && { name }), ...(namespace !== undefined && { namespace }), ...meta };
  // Assigning after the spread keeps the key first and beats an explicit `undefined`.
  if (metadata && name !== undefined) metadata.name = name;
  if (metadata && namespace !== undefined) metadata.namespace = namespace;
  const out: Record<string, unknown> = {
    ...(apiVersion !== undefined && { apiVersion }),
    ...(kind !== undefined && { kind }),
    ...(metadata !== undefined && { metadata }),
    ...obj,
  };
  if (apiVersion !== undefined) out.apiVersion = apiVersion;
  if (kind !== undefined) out.kind = kind;
  if (metadata !== undefined) out.metadata = metadata;
  return jsonBody(action, out);
}

/** The object's metadata.name, which replace and apply need to build their URL. */
export function nameOf(action: string, body: unknown): string {
  const obj = checkObjectBody(action, body);
  const meta = obj.metadata as Meta | undefined;
  const name = meta && typeof meta === "object" ? meta.name : undefined;
  if (typeof name !== "string" || name === "") {
    throw new ValidationError(`${action}: the object has no metadata.name`);
  }
  return name;
}
