/**
 * The connection, scratch namespace and FluxClient the Flux files that test the SDK's own
 * requests start with. Their objects carry no REAL_FLUX_LABEL, so the suite's controllers
 * leave them alone: these files test what the SDK sends and reads with no controller
 * answering, never by writing a status (the controllers' answers are in flux-gitops,
 * flux-helm and flux-alerts; the waits' logic with a stand-in in test/unit/flux).
 */
import { afterAll, beforeAll } from "vitest";
import type { Connection } from "../../src/connection/types.ts";
import { FluxClient } from "../../src/flux/flux-client.ts";
import { connect, scratchNamespace } from "./api-connection.ts";

export interface FluxSuite {
  conn: Connection;
  ns: string;
  flux: FluxClient;
}

/**
 * An admin connection, a scratch namespace named after `prefix` and a FluxClient, made before
 * the file's tests (and handed to `ready`) and removed after them.
 */
export function fluxSuite(prefix: string, ready: (suite: FluxSuite) => void): void {
  let conn: Connection | undefined;
  let removeNamespace: (() => Promise<void>) | undefined;
  beforeAll(async () => {
    conn = await connect();
    const scratch = await scratchNamespace(conn, prefix);
    removeNamespace = scratch.remove;
    ready({ conn, ns: scratch.name, flux: new FluxClient(conn, { fieldManager: "flux-contract" }) });
  });
  afterAll(async () => {
    await removeNamespace?.();
    conn?.close();
  });
}
