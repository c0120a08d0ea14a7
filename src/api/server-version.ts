/**
 * The server's version (`GET /version`), as apimachinery's version.Info describes it. The
 * published OpenAPI documents do not cover /version, so the type is written here.
 */
import { DecodeError } from "../base/errors.ts";
import { isRecord } from "../base/object.ts";
import { siteOf } from "../connection/error-site.ts";
import type { Connection } from "../connection/types.ts";
import type { CallOptions } from "./client-types.ts";
import { readJson } from "./decode.ts";

/** What `GET /version` answers (k8s.io/apimachinery/pkg/version.Info). */
export interface ServerVersion {
  /** "1" */
  major: string;
  /** "37"; may carry a "+" on vendor builds ("37+"). */
  minor: string;
  /** The version the server emulates, when it differs from its binary (1.31+). */
  emulationMajor?: string;
  emulationMinor?: string;
  /** The oldest version it stays compatible with (1.31+). */
  minCompatibilityMajor?: string;
  minCompatibilityMinor?: string;
  /** "v1.37.2" */
  gitVersion: string;
  gitCommit: string;
  gitTreeState: string;
  /** RFC 3339. */
  buildDate: string;
  goVersion: string;
  compiler: string;
  /** "linux/amd64" */
  platform: string;
}

/**
 * The server's version.
 *
 * @example const { gitVersion } = await serverVersion(conn); // "v1.37.2"
 */
export async function serverVersion(conn: Connection, options: CallOptions = {}): Promise<ServerVersion> {
  const request = { method: "GET" as const, path: "/version", headers: { accept: "application/json" } };
  const body = await readJson<unknown>(await conn.send(request, options), conn, request);
  if (!isRecord(body) || typeof body.gitVersion !== "string" || typeof body.major !== "string" || typeof body.minor !== "string") {
    throw new DecodeError("/version answered no version (gitVersion, major and minor)", siteOf(conn, request));
  }
  return body as unknown as ServerVersion;
}
