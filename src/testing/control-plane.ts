/**
 * startControlPlane: what envtest is to controller-runtime, for users' own tests. It runs the
 * control plane this repository builds from the Kubernetes Go modules (etcd, kube-apiserver,
 * kube-controller-manager, on loopback, with a throwaway PKI), installs the CRDs asked for and
 * hands back kubeconfigs and a stop function.
 *
 * The launcher and the Go module it builds live in the bun-k8s source tree
 * (test/controlplane/). They are loaded at run time, from that tree next to this file when
 * running from a checkout, or from BUN_K8S_CONTROLPLANE_DIR (a checkout's test/controlplane),
 * so that nothing of them is bundled into programs that do not start a control plane.
 */
import { existsSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { ConfigError, ValidationError } from "../base/errors.ts";
import { loadConfig } from "../config/load-config.ts";
import { createConnection } from "../connection/connection.ts";
import { installCrds, type CrdSource } from "./crds.ts";

export interface ControlPlaneOptions {
  /** CRD objects or YAML/JSON files to install once the API server is up. */
  crds?: readonly CrdSource[];
  /** Install the Flux CRDs (pinned in specs/manifest.json). Default false. */
  fluxCrds?: boolean;
  /** Simulated nodes that run pods (kwok): not available in this build; true throws. */
  kwok?: boolean;
  /** The Flux controllers: not available in this build; true throws. */
  flux?: boolean;
  /** Progress lines (builds, start-up). */
  log?: (line: string) => void;
}

export interface StartedControlPlane {
  /** https://127.0.0.1:PORT */
  readonly server: string;
  /** The Kubernetes version built, e.g. "v1.37.2". */
  readonly version: string;
  /** Admin kubeconfig (client certificate, system:masters): what most tests want. */
  readonly kubeconfig: string;
  /** Every kubeconfig the launcher wrote: admin, a bearer-token user, a user confined to one namespace, anonymous. */
  readonly kubeconfigs: { admin: string; token: string; restricted: string; anonymous: string };
  /** The namespace the "restricted" user may use. */
  readonly restrictedNamespace: string;
  /** Names of the CRDs installed. */
  readonly crds: string[];
  /** Build and start-up times, seconds. */
  readonly timings: { built: boolean; buildSeconds: number; startToReadySeconds: number };
  /** Stops every process and removes the temp folder. Idempotent. */
  stop(): Promise<void>;
  /** Stops the control plane, as stop() does: `await using cp = await startControlPlane()`. */
  [Symbol.asyncDispose](): Promise<void>;
}

/** The part of test/controlplane/launcher.ts this module uses. */
interface LauncherModule {
  ControlPlane: {
    start(options: { installFluxCrds?: boolean; log?: (line: string) => void }): Promise<{
      info: { server: string; expectedVersion: string | undefined; kubeconfigs: StartedControlPlane["kubeconfigs"]; restrictedNamespace: string };
      timings: { built: boolean; buildSeconds: number; startToReadySeconds: number };
      stop(): Promise<void>;
    }>;
  };
}

/**
 * Starts a local control plane. The first call on a machine builds it (see docs/testing.md for
 * what that needs); later calls reuse the build and start in a few seconds.
 *
 * @example
 * const cp = await startControlPlane({ crds: ["config/crd/widgets.yaml"] });
 * try {
 *   const kube = await KubeClient.load({ kubeconfigPath: cp.kubeconfig });
 *   // ... the test ...
 * } finally {
 *   await cp.stop();
 * }
 */
export async function startControlPlane(options: ControlPlaneOptions = {}): Promise<StartedControlPlane> {
  if (options.kwok) throw new ValidationError("startControlPlane: kwok (nodes that run pods) is not available in this build of bun-k8s/testing");
  if (options.flux) throw new ValidationError("startControlPlane: the Flux controllers are not available in this build of bun-k8s/testing (fluxCrds: true installs their CRDs)");
  const launcher = await loadLauncher();
  const plane = await launcher.ControlPlane.start({ installFluxCrds: options.fluxCrds ?? false, ...(options.log && { log: options.log }) });
  let stopped: Promise<void> | undefined;
  const stop = (): Promise<void> => (stopped ??= plane.stop());
  try {
    let crds: string[] = [];
    if (options.crds && options.crds.length > 0) {
      const conn = createConnection(await loadConfig({ kubeconfigPath: plane.info.kubeconfigs.admin }));
      try {
        crds = await installCrds(conn, options.crds);
      } finally {
        conn.close();
      }
    }
    return {
      server: plane.info.server,
      version: plane.info.expectedVersion ?? "unknown",
      kubeconfig: plane.info.kubeconfigs.admin,
      kubeconfigs: plane.info.kubeconfigs,
      restrictedNamespace: plane.info.restrictedNamespace,
      crds,
      timings: { built: plane.timings.built, buildSeconds: plane.timings.buildSeconds, startToReadySeconds: plane.timings.startToReadySeconds },
      stop,
      [Symbol.asyncDispose]: stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}

/** Where the launcher is: BUN_K8S_CONTROLPLANE_DIR, or test/controlplane of the source tree this file belongs to. */
export function controlPlaneDir(env: Record<string, string | undefined> = process.env): string {
  return env.BUN_K8S_CONTROLPLANE_DIR ?? fileURLToPath(new URL("../../test/controlplane/", import.meta.url));
}

async function loadLauncher(): Promise<LauncherModule> {
  const dir = controlPlaneDir();
  const file = join(dir, "launcher.ts");
  if (!existsSync(file) || !existsSync(join(dir, "go.mod"))) {
    throw new ConfigError(
      `startControlPlane needs the bun-k8s control-plane module (test/controlplane: launcher.ts and go.mod), not found in ${dir}. ` +
        "Set BUN_K8S_CONTROLPLANE_DIR to the test/controlplane folder of a bun-k8s checkout (see docs/testing.md).",
    );
  }
  // A computed specifier: bundlers and tsc leave the launcher out of programs that never call this.
  return (await import(pathToFileURL(file).href)) as LauncherModule;
}
