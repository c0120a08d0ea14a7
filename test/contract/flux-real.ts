/**
 * What the tests against the real Flux controllers share: a connection, a scratch namespace,
 * a FluxClient, the loopback Git and Helm servers (`inject("cluster").flux`), the label the
 * suite's controllers select objects by, Git credentials written through the SDK, and the
 * `[flux-timing]` lines they report. Nothing here writes a status.
 */
import { readFileSync } from "node:fs";
import { afterAll, beforeAll, inject } from "vitest";
import type { Connection } from "../../src/connection/types.ts";
import { FluxClient } from "../../src/flux/flux-client.ts";
import type { GitCredentials } from "../../src/flux/git-credentials.ts";
import type { FluxInfo } from "../flux/flux-info.ts";
import { GitWorkspace } from "../flux/git-workspace.ts";
import { REAL_FLUX_LABEL } from "../flux/launcher.ts";
import { connect, scratchNamespace } from "./api-connection.ts";

/** The controllers and servers, when this run has them (BUN_K8S_FLUX). */
export const fluxInfo: FluxInfo | undefined = inject("cluster").flux;

/** Put on every object the real controllers must reconcile (the suite runs them with a label selector). */
export const labels: Record<string, string> = { ...REAL_FLUX_LABEL };

export interface RealFluxSuite {
  conn: Connection;
  ns: string;
  flux: FluxClient;
  info: FluxInfo;
  /** A working copy pushing to `<ns>/<name>` on the loopback Git server, removed after the file. */
  repository(name: string): Promise<GitWorkspace>;
  /** A basic-auth Secret for the loopback Git server, written with the SDK's helper (the server's CA as ca.crt). */
  gitCredentials(name: string, password?: string): Promise<GitCredentials>;
}

/** Sets up a RealFluxSuite before the file's tests (handed to `ready`) and removes it after them. */
export function realFluxSuite(prefix: string, ready: (suite: RealFluxSuite) => void): void {
  let conn: Connection | undefined;
  let removeNamespace: (() => Promise<void>) | undefined;
  const workspaces: GitWorkspace[] = [];
  beforeAll(async () => {
    const info = fluxInfo!;
    conn = await connect();
    const scratch = await scratchNamespace(conn, prefix);
    removeNamespace = scratch.remove;
    const ns = scratch.name;
    const flux = new FluxClient(conn, { fieldManager: "flux-contract" });
    ready({
      conn,
      ns,
      flux,
      info,
      repository: async (name) => {
        const workspace = await GitWorkspace.create(info.git, `${ns}/${name}`);
        workspaces.push(workspace);
        return workspace;
      },
      gitCredentials: (name, password = info.git.password) =>
        flux.applyGitCredentials({
          name,
          namespace: ns,
          basicAuth: { username: info.git.username, password },
          caCertificate: readFileSync(info.git.caFile, "utf8"),
        }),
    });
  });
  afterAll(async () => {
    for (const w of workspaces) w.remove();
    // The controllers, still running, remove their finalizers as the namespace goes.
    await removeNamespace?.();
    conn?.close();
  });
}

/** Prints a `[flux-timing]` line (figures for the docs, never asserted). */
export function timing(label: string, seconds: number): void {
  console.log(`[flux-timing] ${label}: ${seconds.toFixed(2)} s`);
}

export const since = (started: number): number => (performance.now() - started) / 1000;

/** Polls `read` until `done` holds (generous: the machine is shared); throws with the last value. */
export async function pollUntil<T>(what: string, read: () => Promise<T>, done: (value: T) => boolean, timeoutMs = 60_000): Promise<T> {
  const started = performance.now();
  let last: T | undefined;
  while (performance.now() - started < timeoutMs) {
    last = await read();
    if (done(last)) return last;
    await new Promise((r) => setTimeout(r, 150));
  }
  throw new Error(`${what}: not reached in ${timeoutMs / 1000} s; last seen ${JSON.stringify(last, null, 1)?.slice(0, 2000)}`);
}

/**
 * The files of the app the GitOps tests keep in Git: a Deployment of two pods (kwok runs
 * them) with a RELEASE variable, its Service, and a ConfigMap with a colour.
 */
export function appManifests(o: { colour: string; release: string }): Record<string, string> {
  return {
    "deploy/web.yaml": `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: 2
  selector:
    matchLabels: { app: web }
  template:
    metadata:
      labels: { app: web }
    spec:
      containers:
        - name: web
          image: registry.invalid/web:1
          env:
            - { name: RELEASE, value: "${o.release}" }
---
apiVersion: v1
kind: Service
metadata:
  name: web
spec:
  selector: { app: web }
  ports:
    - { port: 80, targetPort: 8080 }
`,
    "deploy/settings.yaml": `apiVersion: v1
kind: ConfigMap
metadata:
  name: settings
data:
  colour: ${o.colour}
`,
  };
}
