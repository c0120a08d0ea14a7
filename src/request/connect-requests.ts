/**
 * The "connect" subresources: pods/exec, pods/attach and pods/portforward (upgraded to a
 * WebSocket by the caller) and the proxy subresources of pods, services and nodes (plain
 * HTTP through the API server). Pure: validates and builds the KubeRequest.
 */
import { ValidationError } from "../base/errors.ts";
import type { KubeRequest } from "./types.ts";
import { describeResource, encodeSegment, preview, requireSubresource, resourcePath, type ResourceRef } from "./path.ts";
import { checkBoolean, checkString, compact } from "./param-checks.ts";

/** Which streams an exec or attach carries, and where. */
export interface StreamParams {
  /** Required when the pod has more than one container. */
  container?: string | undefined;
  stdin?: boolean | undefined;
  stdout?: boolean | undefined;
  stderr?: boolean | undefined;
  /** A terminal: output comes on stdout only (so `stderr` must be off), and it can be resized. */
  tty?: boolean | undefined;
}

function streamQuery(action: string, params: StreamParams): Record<string, string | boolean | undefined> {
  const query = {
    container: checkString(action, "container", params.container),
    stdin: checkBoolean(action, "stdin", params.stdin),
    stdout: checkBoolean(action, "stdout", params.stdout),
    stderr: checkBoolean(action, "stderr", params.stderr),
    tty: checkBoolean(action, "tty", params.tty),
  };
  if (!query.stdin && !query.stdout && !query.stderr) {
    throw new ValidationError(`${action}: at least one of stdin, stdout and stderr must be true`);
  }
  if (query.tty && query.stderr) {
    throw new ValidationError(`${action}: a tty merges stderr into stdout, so stderr must be false with tty`);
  }
  return query;
}

/**
 * GET pods/exec, for a WebSocket upgrade: `command` repeats in the query, one argument each.
 *
 * @example execRequest(Pod, "default", "web-0", ["ls", "-l"], { stdout: true, stderr: true })
 * // GET /api/v1/namespaces/default/pods/web-0/exec?command=ls&command=-l&stdout=true&stderr=true
 */
export function execRequest(r: ResourceRef, namespace: string | undefined, name: string, command: readonly string[], params: StreamParams): KubeRequest {
  const action = `exec in ${describeResource(r)}`;
  requireSubresource(r, "exec");
  if (!Array.isArray(command) || command.length === 0 || command.some((c) => typeof c !== "string")) {
    throw new ValidationError(`${action}: command must be a non-empty array of strings, got ${preview(command)}`);
  }
  if (command[0] === "") throw new ValidationError(`${action}: the command's first element (the program) is empty`);
  const streams = streamQuery(action, params);
  return {
    method: "GET",
    path: resourcePath(r, action, { namespace, name, subresource: "exec" }),
    query: compact({ command: [...command], ...streams }),
  };
}

/**
 * GET pods/attach, for a WebSocket upgrade: the streams of the container's main process.
 *
 * @example attachRequest(Pod, "default", "web-0", { container: "app", stdout: true })
 */
export function attachRequest(r: ResourceRef, namespace: string | undefined, name: string, params: StreamParams): KubeRequest {
  const action = `attach to ${describeResource(r)}`;
  requireSubresource(r, "attach");
  return {
    method: "GET",
    path: resourcePath(r, action, { namespace, name, subresource: "attach" }),
    query: compact(streamQuery(action, params)),
  };
}

/** Throws unless `port` is a TCP port number (1–65535). */
export function checkPort(action: string, port: unknown): number {
  if (typeof port !== "number" || !Number.isInteger(port) || port < 1 || port > 65_535) {
    throw new ValidationError(`${action}: a port must be an integer from 1 to 65535, got ${preview(port)}`);
  }
  return port;
}

/**
 * GET pods/portforward, for a WebSocket upgrade: one data and one error channel per port.
 *
 * @example portForwardRequest(Pod, "default", "web-0", [8080])
 * // GET /api/v1/namespaces/default/pods/web-0/portforward?ports=8080
 */
export function portForwardRequest(r: ResourceRef, namespace: string | undefined, name: string, ports: readonly number[]): KubeRequest {
  const action = `port-forward to ${describeResource(r)}`;
  requireSubresource(r, "portforward");
  if (!Array.isArray(ports) || ports.length === 0) throw new ValidationError(`${action}: give at least one port`);
  return {
    method: "GET",
    path: resourcePath(r, action, { namespace, name, subresource: "portforward" }),
    query: { ports: ports.map((p) => String(checkPort(action, p))) },
  };
}

/** A request through the API server's proxy to a pod, a service or a node. */
export interface ProxyParams {
  /** Default GET. */
  method?: KubeRequest["method"] | undefined;
  /** Path on the target, e.g. "/healthz" (default "/"). Segments are percent-encoded, "/" kept. */
  path?: string | undefined;
  /** Port number or name on the target; default: the target's default (a service's only port, the kubelet's port). */
  port?: number | string | undefined;
  /** "https" makes the API server speak TLS to the target. */
  scheme?: "http" | "https" | undefined;
  query?: KubeRequest["query"];
  headers?: Record<string, string> | undefined;
  body?: string | undefined;
}

const PROXY_METHODS = new Set(["GET", "POST", "PUT", "PATCH", "DELETE"]);

/**
 * A request to `<kind>/<[scheme:]name[:port]>/proxy/<path>`.
 *
 * @example proxyRequest(Service, "default", "web", { port: "http", path: "/healthz" })
 * // GET /api/v1/namespaces/default/services/web:http/proxy/healthz
 */
export function proxyRequest(r: ResourceRef, namespace: string | undefined, name: string, params: ProxyParams = {}): KubeRequest {
  const action = `proxy to ${describeResource(r)}`;
  requireSubresource(r, "proxy");
  const method = params.method ?? "GET";
  if (!PROXY_METHODS.has(method)) throw new ValidationError(`${action}: method must be one of ${[...PROXY_METHODS].join(", ")}, got ${preview(method)}`);
  if (params.scheme !== undefined && params.scheme !== "http" && params.scheme !== "https") {
    throw new ValidationError(`${action}: scheme must be "http" or "https", got ${preview(params.scheme)}`);
  }
  if (typeof name !== "string" || name.includes(":")) throw new ValidationError(`${action}: name ${preview(name)} may not contain ":"`);
  let port: string | undefined;
  if (typeof params.port === "number") port = String(checkPort(action, params.port));
  else if (params.port !== undefined) {
    if (typeof params.port !== "string" || !/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(params.port)) {
      throw new ValidationError(`${action}: port must be a number or a port name, got ${preview(params.port)}`);
    }
    port = params.port;
  }
  const target = `${params.scheme ? `${params.scheme}:` : ""}${name}${port ? `:${port}` : ""}`;
  const sub = checkString(action, "path", params.path) ?? "/";
  if (!sub.startsWith("/")) throw new ValidationError(`${action}: path must start with "/", got ${preview(sub)}`);
  if (sub.split("/").some((s) => s === "..")) throw new ValidationError(`${action}: path may not contain ".." segments`);
  const base = resourcePath(r, action, { namespace, name: target, subresource: "proxy" });
  return {
    method,
    path: `${base}${sub.split("/").map(encodeSegment).join("/")}`,
    ...(params.query !== undefined && { query: params.query }),
    ...(params.headers !== undefined && { headers: { ...params.headers } }),
    ...(params.body !== undefined && { body: params.body }),
  };
}
