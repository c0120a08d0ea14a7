/**
 * startControlPlane: what envtest is to controller-runtime, for users' own tests. It runs the
 * control plane this repository builds from the Kubernetes Go modules (etcd, kube-apiserver,
 * kube-controller-manager, on loopback, with a throwaway PKI; on request kube-scheduler and
 * kwok's nodes, and the Flux controllers with their loopback Git and Helm server), installs the
 * CRDs asked for and hands back kubeconfigs and a stop function.
 *
 * The launcher and the Go module it builds live in the bun-k8s source tree
 * (test/controlplane/). They are loaded at run time, from that tree next to this file when
 * running from a checkout, or from BUN_K8S_CONTROLPLANE_DIR (a checkout's test/controlplane),
 * so that nothing of them is bundled into programs that do not start a control plane. The Flux
 * launcher is its sibling folder (test/flux).
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
  /**
   * Nodes whose pods run: kube-scheduler and kwok playing the kubelet of fake nodes (pods go
   * Running and Ready; exec, logs and port-forward run on this machine). true: 3 nodes; a
   * number: that many. Default none.
   */
  kwok?: boolean | number;
  /**
   * The real Flux controllers (source, kustomize, helm, notification), built from their Go
   * modules on first use, with a loopback Git and Helm repository server. Implies `fluxCrds`.
   */
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
  /** The fake nodes (all Ready) when `kwok` was asked for. */
  readonly nodes: { names: string[] } | undefined;
  /** Where the Flux controllers read from, when `flux` was asked for. */
  readonly flux: FluxServers | undefined;
  /** Build and start-up times, seconds. */
  readonly timings: { built: boolean; buildSeconds: number; startToReadySeconds: number };
  /** Stops every process and removes the temp folder. Idempotent. */
  stop(): Promise<void>;
  /** Stops the control plane, as stop() does: `await using cp = await startControlPlane()`. */
  [Symbol.asyncDispose](): Promise<void>;
}

/** The loopback servers the Flux controllers read from. */
export interface FluxServers {
  /** Module versions the controllers were built from, e.g. { "source-controller": "v1.9.0" }. */
  versions: Record<string, string>;
  /**
   * https://127.0.0.1:PORT; a repository is <url>/<path>.git, created on its first push, with
   * basic auth (`username`, and `password`, which is left out when the object is printed).
   */
  git: { url: string; username: string; readonly password: string; caFile: string };
  /** https://127.0.0.1:PORT serving `dir` as a chart repository (index.yaml and archives). */
  helm: { url: string; dir: string; caFile: string };
  /** source-controller's artifact server. */
  storageUrl: string;
  /** notification-controller's event receiver and webhook receiver. */
  eventsUrl: string;
  receiverUrl: string;
}

/** The part of test/controlplane/launcher.ts this module uses. */
interface LauncherModule {
  ControlPlane: {
    start(options: { installFluxCrds?: boolean; nodes?: number; log?: (line: string) => void }): Promise<{
      info: {
        server: string;
        dir: string;
        pkiDir: string | undefined;
        expectedVersion: string | undefined;
        kubeconfigs: StartedControlPlane["kubeconfigs"];
        restrictedNamespace: string;
        nodes: { names: string[] } | undefined;
      };
      timings: { built: boolean; buildSeconds: number; startToReadySeconds: number };
      stop(): Promise<void>;
    }>;
  };
}

/** The part of test/flux/launcher.ts this module uses. */
interface FluxLauncherModule {
  FluxControllers: {
    start(options: { kubeconfigPath: string; dir: string; cptool: string; caDir?: string; build?: boolean; log?: (line: string) => void }): Promise<{
      info: FluxServers;
      stop(): Promise<void>;
    }>;
  };
}

/** The part of test/controlplane/build.ts this module uses. */
interface BuildModule {
  buildControlPlane(log?: (line: string) => void): { bin: { cptool: string } };
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
  const nodes = options.kwok === true ? 3 : options.kwok === false || options.kwok === undefined ? 0 : options.kwok;
  if (!Number.isInteger(nodes) || nodes < 0 || nodes > 50) throw new ValidationError(`startControlPlane: kwok must be true, false or a number of nodes from 0 to 50, got ${options.kwok}`);
  const dir = controlPlaneDir();
  const launcher = await loadModule<LauncherModule>(dir, "launcher.ts");
  const plane = await launcher.ControlPlane.start({
    installFluxCrds: (options.fluxCrds ?? false) || (options.flux ?? false),
    nodes,
    ...(options.log && { log: options.log }),
  });
  let flux: Awaited<ReturnType<FluxLauncherModule["FluxControllers"]["start"]>> | undefined;
  let stopped: Promise<void> | undefined;
  const stop = (): Promise<void> => (stopped ??= (async () => {
    try {
      await flux?.stop();
    } finally {
      await plane.stop();
    }
  })());
  try {
    if (options.flux) {
      const fluxLauncher = await loadModule<FluxLauncherModule>(join(dir, "..", "flux"), "launcher.ts");
      const build = await loadModule<BuildModule>(dir, "build.ts");
      flux = await fluxLauncher.FluxControllers.start({
        kubeconfigPath: plane.info.kubeconfigs.admin,
        dir: plane.info.dir,
        cptool: build.buildControlPlane(options.log).bin.cptool,
        ...(plane.info.pkiDir && { caDir: plane.info.pkiDir }),
        build: true,
        ...(options.log && { log: options.log }),
      });
    }
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
      nodes: plane.info.nodes && { names: [...plane.info.nodes.names] },
      flux: flux && fluxServers(flux.info),
      timings: { built: plane.timings.built, buildSeconds: plane.timings.buildSeconds, startToReadySeconds: plane.timings.startToReadySeconds },
      stop,
      [Symbol.asyncDispose]: stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}

/** The servers, with the Git password kept out of printouts (non-enumerable). */
function fluxServers(info: FluxServers): FluxServers {
  const git = { url: info.git.url, username: info.git.username, caFile: info.git.caFile } as FluxServers["git"];
  Object.defineProperty(git, "password", { value: info.git.password, enumerable: false });
  return {
    versions: { ...info.versions },
    git,
    helm: { url: info.helm.url, dir: info.helm.dir, caFile: info.helm.caFile },
    storageUrl: info.storageUrl,
    eventsUrl: info.eventsUrl,
    receiverUrl: info.receiverUrl,
  };
}

/** Where the launcher is: BUN_K8S_CONTROLPLANE_DIR, or test/controlplane of the source tree this file belongs to. */
export function controlPlaneDir(env: Record<string, string | undefined> = process.env): string {
  return env.BUN_K8S_CONTROLPLANE_DIR ?? fileURLToPath(new URL("../../test/controlplane/", import.meta.url));
}

async function loadModule<M>(dir: string, name: string): Promise<M> {
  const file = join(dir, name);
  if (!existsSync(file) || !existsSync(join(dir, "go.mod"))) {
    throw new ConfigError(
      `startControlPlane needs the bun-k8s control-plane modules (test/controlplane and test/flux: ${name} and go.mod), not found in ${dir}. ` +
        "Set BUN_K8S_CONTROLPLANE_DIR to the test/controlplane folder of a bun-k8s checkout (see docs/testing.md).",
    );
  }
  // A computed specifier: bundlers and tsc leave the launcher out of programs that never call this.
  return (await import(pathToFileURL(file).href)) as M;
}
