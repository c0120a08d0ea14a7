/**
 * Turns response bodies into values. A body that is not JSON is a DecodeError whose
 * message names the request but never quotes the body: it may hold a Secret's data.
 */
import { DecodeError, type ErrorSite } from "../base/errors.ts";
import { isRecord, type KubeList } from "../base/object.ts";
import { apiVersionOf, type ResourceType } from "../base/resource.ts";
import { siteOf } from "../connection/error-site.ts";
import type { Connection } from "../connection/types.ts";
import type { KubeRequest } from "../request/types.ts";
import type { HttpResponse } from "../transport/types.ts";

/**
 * Parses a JSON body; DecodeError (with the request's site) when it is empty or malformed.
 *
 * @example const pod = parseJson<Pod>(await response.text(), siteOf(conn, request));
 */
export function parseJson<T>(text: string, site: ErrorSite | (() => ErrorSite)): T {
  try {
    return JSON.parse(text) as T;
  } catch {
    const at = typeof site === "function" ? site() : site;
    // Blank text fails to parse too; only then is it worth looking at.
    if (text.trim() === "") throw new DecodeError("response body is empty, expected JSON", at);
    // The SyntaxError quotes the body, so it is not kept as the cause.
    throw new DecodeError(`response body is not valid JSON (${text.length} characters)`, at);
  }
}

/**
 * Reads a body that must be one JSON object (an object, a Status, a list): JSON `null`, an
 * array or a bare value is a DecodeError, never returned as if it were the object.
 *
 * @example const pod = await readJson<Pod>(await conn.send(request), conn, request);
 */
export async function readJson<T>(
  response: HttpResponse,
  conn: Pick<Connection, "server" | "contextName">,
  request: KubeRequest,
): Promise<T> {
  // The site is made only for a failure.
  const site = (): ErrorSite => siteOf(conn, request);
  const value = parseJson<unknown>(await response.text(), site);
  if (!isRecord(value)) throw new DecodeError(`response body is ${describeJson(value)}, expected a JSON object`, site());
  return value as T;
}

function describeJson(value: unknown): string {
  if (value === null) return "JSON null";
  if (Array.isArray(value)) return "a JSON array";
  return `a JSON ${typeof value}`;
}

/**
 * The one list decoder: checks that a parsed body is a list of objects, and fills in each
 * item's apiVersion and kind (list items arrive without them) from the resource, or from the
 * list's own kind ("ConfigMapList" gives "ConfigMap") when the resource names none, so that
 * listed objects look like fetched and watched ones and can be fed back to replace or apply.
 *
 * @example const list = decodeList<Pod>(parseJson(text, site), Pod, site);
 */
export function decodeList<T>(body: unknown, resource: Pick<ResourceType, "group" | "version" | "kind">, site: ErrorSite): KubeList<T> {
  if (!isRecord(body) || !Array.isArray(body.items)) {
    throw new DecodeError('list response has no "items" array', site);
  }
  const listKind = typeof body.kind === "string" && body.kind.endsWith("List") ? body.kind.slice(0, -4) : undefined;
  const kind = resource.kind || listKind;
  const apiVersion = resource.kind ? apiVersionOf(resource) : typeof body.apiVersion === "string" ? body.apiVersion : undefined;
  for (const item of body.items) {
    if (!isRecord(item)) throw new DecodeError("list response has an item that is not an object", site);
    if (item.kind === undefined && kind) item.kind = kind;
    if (item.apiVersion === undefined && apiVersion) item.apiVersion = apiVersion;
  }
  if (!isRecord(body.metadata)) body.metadata = {};
  return body as unknown as KubeList<T>;
}
