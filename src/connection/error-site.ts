/**
 * Where a request went, for error messages: the one way every layer above the connection
 * names a failure's site (server, kubeconfig context, method and path; never a secret).
 */
import type { ErrorSite } from "../base/errors.ts";
import type { KubeRequest } from "../request/types.ts";
import type { Connection } from "./types.ts";

/**
 * @example throw new DecodeError("list response has no items", siteOf(conn, request));
 */
export function siteOf(conn: Pick<Connection, "server" | "contextName">, request?: Pick<KubeRequest, "method" | "path">): ErrorSite {
  const site: ErrorSite = { server: conn.server };
  if (conn.contextName !== undefined) site.context = conn.contextName;
  if (request) {
    site.method = request.method;
    site.path = request.path;
  }
  return site;
}
