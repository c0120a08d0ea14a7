/**
 * What we run on, for the User-Agent header. The package version is a constant (a unit test
 * checks it against package.json) so that no JSON import is needed at run time.
 */

/** This package's version. */
export const PACKAGE_VERSION = "0.1.0";

/**
 * True under Bun (also when Bun runs Node-style code).
 *
 * @example
 * const transport = isBun() ? new BunFetchTransport(options) : new NodeHttp2Transport(options);
 */
export function isBun(): boolean {
  return typeof (globalThis as { Bun?: unknown }).Bun !== "undefined";
}

/**
 * True under Deno (also when Deno runs Node-style code through its npm compatibility).
 *
 * @example
 * if (isDeno()) console.log("Deno's fetch carries the client certificate");
 */
export function isDeno(): boolean {
  return typeof (globalThis as { Deno?: { version?: { deno?: unknown } } }).Deno?.version?.deno === "string";
}

/** The runtime's name and version, as the User-Agent shows them. */
export interface RuntimeInfo {
  name: "bun" | "deno" | "node";
  version: string;
}

/**
 * @example
 * runtimeInfo(); // { name: "node", version: "20.20.2" }
 */
export function runtimeInfo(): RuntimeInfo {
  const bun = (globalThis as { Bun?: { version?: string } }).Bun;
  if (bun) return { name: "bun", version: bun.version ?? "unknown" };
  const deno = (globalThis as { Deno?: { version?: { deno?: string } } }).Deno;
  if (typeof deno?.version?.deno === "string") return { name: "deno", version: deno.version.deno };
  return { name: "node", version: process.versions.node };
}

/**
 * The User-Agent bun-k8s sends unless told otherwise.
 *
 * @example
 * defaultUserAgent(); // "bun-k8s/0.1.0 (bun 1.4.5)"
 */
export function defaultUserAgent(info: RuntimeInfo = runtimeInfo()): string {
  return `bun-k8s/${PACKAGE_VERSION} (${info.name} ${info.version})`;
}
