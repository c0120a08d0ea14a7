/**
 * Turns response bodies into values. A body that is not JSON is a DecodeError whose
 * message names the request but never quotes the body: it may hold a Secret's data.
 */
import type { Connection } from "../connection-types.ts";
import { DecodeError, type ErrorSite } from "../errors.ts";
import type { KubeRequest } from "../request/types.ts";
import type { HttpResponse } from "../transport/types.ts";

export function siteOf(conn: Pick<Connection, "server" | "contextName">, request: KubeRequest): ErrorSite {
  return { server: conn.server, context: conn.contextName, method: request.method, path: request.path };
}

/**
 * Parses a JSON body; DecodeError (with the request's site) when it is empty or malformed.
 *
 * @example const pod = parseJson<Pod>(await response.text(), siteOf(conn, request));
 */
export function parseJson<T>(text: string, site: ErrorSite): T {
  if (text.trim() === "") throw new DecodeError("response body is empty, expected JSON", site);
  try {
    return JSON.parse(text) as T;
  } catch {
    // The SyntaxError quotes the body, so it is not kept as the cause.
    throw new DecodeError(`response body is not valid JSON (${text.length} characters)`, site);
  }
}

export async function readJson<T>(
  response: HttpResponse,
  conn: Pick<Connection, "server" | "contextName">,
  request: KubeRequest,
): Promise<T> {
  return parseJson<T>(await response.text(), siteOf(conn, request));
}
