/**
 * Starts the real Flux controllers (source, kustomize, helm, notification) against a cluster,
 * with the loopback Git and Helm repository server they read from, all built by
 * test/flux/build.ts and each run under `cptool run` so it dies with whoever started it.
 */
import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import type { ClusterInfo } from "../support/cluster-info.ts";
import { buildControlPlane } from "../controlplane/build.ts";
import { childRss, freePort, sleep, startManaged, stopManaged, tail, type Managed } from "../controlplane/processes.ts";
import { buildFlux, cachedFlux, type BuiltFlux } from "./build.ts";
import type { FluxInfo } from "./flux-info.ts";

export interface FluxStartOptions {
  /** A kubeconfig with cluster-wide rights (the controllers apply anything a Kustomization holds). */
  kubeconfigPath: string;
  /** The run's folder; the controllers' files go into DIR/flux. */
  dir: string;
  /** The control plane's cptool binary. */
  cptool: string;
  /** A folder with ca.crt and ca.key: the Git and Helm servers' certificate is signed by it. */
  caDir?: string;
  /** Only objects matching this label selector are reconciled (all when undefined). */
  watchLabelSelector?: string;
  /** Survive our exit (npm run cluster:up). */
  detach?: boolean;
  /** Build the controllers when no cached build exists (else that is an error). */
  build?: boolean;
  log?: (line: string) => void;
}

/**
 * The contract suite's controllers reconcile only objects labelled so: the older Flux tests
 * play the controller themselves (writing status) on unlabelled objects, and a real
 * controller there would race them.
 */
export const REAL_FLUX_LABEL = { "bun-k8s.test/flux-controllers": "real" } as const;
export const REAL_FLUX_SELECTOR = Object.entries(REAL_FLUX_LABEL).map(([key, value]) => `${key}=${value}`).join(",");

/** What the controllers' processes are called in memory() and pids(). */
const processNames = ["testserver", "source-controller", "kustomize-controller", "helm-controller", "notification-controller"] as const;

/**
 * Whether to run the Flux controllers, from BUN_K8S_FLUX: "1" always (building them if
 * needed), "0" never, unset when a build is already cached.
 *
 * @example if (fluxWanted() !== "off") flux = await FluxControllers.start({ ... });
 */
export function fluxWanted(env: Record<string, string | undefined> = process.env): "on" | "off" | "if-built" {
  const value = env.BUN_K8S_FLUX;
  if (value === "1") return "on";
  if (value === "0") return "off";
  if (value === undefined || value === "") return "if-built";
  throw new Error(`BUN_K8S_FLUX must be 1 or 0, not "${value}"`);
}

/** True when a build of the controllers is cached (starting them costs no compile). */
export function fluxBuilt(): boolean {
  return cachedFlux() !== undefined;
}

/**
 * Starts the controllers for a local control plane as BUN_K8S_FLUX asks (see fluxWanted),
 * with its admin kubeconfig and test CA; undefined when they are not wanted or not built.
 *
 * @example const flux = await startFluxFor(cp.info, { log }); if (flux) cp.info.flux = flux.info;
 */
export async function startFluxFor(
  info: ClusterInfo,
  options: Pick<FluxStartOptions, "detach" | "watchLabelSelector" | "log"> = {},
): Promise<FluxControllers | undefined> {
  const log = options.log ?? (() => {});
  const wanted = fluxWanted();
  if (wanted === "off") return undefined;
  if (wanted === "if-built" && !fluxBuilt()) {
    log("the Flux controllers are not built, so they do not run (npm run flux:build, or BUN_K8S_FLUX=1)");
    return undefined;
  }
  if (info.mode !== "local") throw new Error("the Flux controllers run only beside the local control plane");
  return FluxControllers.start({
    ...options,
    kubeconfigPath: info.kubeconfigs.admin,
    dir: info.dir,
    cptool: buildControlPlane().bin.cptool,
    caDir: info.pkiDir,
    build: wanted === "on",
  });
}

export class FluxControllers {
  readonly info: FluxInfo;
  private readonly procs: Map<string, Managed>;

  private constructor(info: FluxInfo, procs: Map<string, Managed>) {
    this.info = info;
    this.procs = procs;
  }

  /**
   * Starts them on free loopback ports. A port found free can be taken by another process before
   * a controller binds it (two suites start side by side); such a start is stopped and tried again
   * on new ports, up to three times.
   *
   * @example const flux = await FluxControllers.start({ kubeconfigPath, dir, cptool }); ...; await flux.stop();
   */
  static async start(o: FluxStartOptions): Promise<FluxControllers> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await FluxControllers.startOnce(o);
      } catch (error) {
        if (attempt >= 3 || !String(error).includes("address already in use")) throw error;
        (o.log ?? (() => {}))(`a Flux port was taken before its controller bound it; starting again (attempt ${attempt + 1})`);
      }
    }
  }

  private static async startOnce(o: FluxStartOptions): Promise<FluxControllers> {
    const log = o.log ?? (() => {});
    const built: BuiltFlux | undefined = o.build ? buildFlux(log) : cachedFlux();
    if (!built) throw new Error("the Flux controllers are not built: run `npm run flux:build` (or set BUN_K8S_FLUX=1)");
    const root = join(o.dir, "flux");
    const logs = join(root, "logs");
    mkdirSync(logs, { recursive: true });
    mkdirSync(join(root, "storage"), { recursive: true }); // source-controller wants it to exist
    const procs = new Map<string, Managed>();
    const start = (name: (typeof processNames)[number], args: string[], env: Record<string, string>) =>
      procs.set(name, startManaged({ cptool: o.cptool, name, command: built.bin[name], args, env, logFile: join(logs, `${name}.log`), detach: o.detach }));

    try {
      const username = "bun-k8s";
      const password = randomBytes(18).toString("base64url");
      const readyFile = join(root, "testserver.json");
      rmSync(readyFile, { force: true }); // a previous attempt's
      start("testserver", ["-dir", join(root, "repositories"), "-ready", readyFile, ...(o.caDir ? ["-ca-dir", o.caDir] : [])], {
        BUN_K8S_GIT_USERNAME: username,
        BUN_K8S_GIT_PASSWORD: password,
      });

      const ports = await freePorts(12);
      const port = () => ports.pop()!;
      const health: Record<string, number> = {};
      const common = (name: string): string[] => {
        health[name] = port();
        return [
          "--watch-all-namespaces=true",
          "--enable-leader-election=false",
          `--metrics-addr=127.0.0.1:${port()}`,
          `--health-addr=127.0.0.1:${health[name]}`,
          "--log-level=info",
          // notification-controller v1.9.0 has no such flag (it reconciles only Alerts,
          // Providers and Receivers, which no test plays the controller for).
          ...(o.watchLabelSelector && name !== "notification-controller" ? [`--watch-label-selector=${o.watchLabelSelector}`] : []),
        ];
      };
      // The controllers read the cluster through KUBECONFIG; Flux's runtime namespace only
      // matters for leader election, which is off. The proxy variables of a test run must
      // not send their loopback traffic elsewhere.
      const env = { KUBECONFIG: o.kubeconfigPath, RUNTIME_NAMESPACE: "flux-system", NO_PROXY: "127.0.0.1,localhost", no_proxy: "127.0.0.1,localhost" };
      const eventsPort = port();
      const receiverPort = port();
      const storagePort = port();
      const eventsUrl = `http://127.0.0.1:${eventsPort}`;
      start("notification-controller", [...common("notification-controller"), `--events-addr=127.0.0.1:${eventsPort}`, `--receiverAddr=127.0.0.1:${receiverPort}`], env);
      start(
        "source-controller",
        [
          ...common("source-controller"),
          `--events-addr=${eventsUrl}`,
          `--storage-path=${join(root, "storage")}`,
          `--storage-addr=127.0.0.1:${storagePort}`,
          `--storage-adv-addr=127.0.0.1:${storagePort}`,
        ],
        env,
      );
      // A Kustomization whose source is not ready yet is looked at again after this long.
      start("kustomize-controller", [...common("kustomize-controller"), `--events-addr=${eventsUrl}`, "--no-remote-bases=true", "--requeue-dependency=5s"], env);
      // Its default waits up to 10 minutes for releases in flight when stopped.
      start("helm-controller", [...common("helm-controller"), `--events-addr=${eventsUrl}`, "--requeue-dependency=5s", "--graceful-shutdown-timeout=5s"], env);

      const started = performance.now();
      await waitUntil("the Git/Helm test server", () => existsSync(readyFile), procs.get("testserver")!);
      for (const [name, healthPort] of Object.entries(health)) {
        await waitUntil(
          `${name} /readyz`,
          async () => (await fetch(`http://127.0.0.1:${healthPort}/readyz`).catch(() => undefined))?.ok === true,
          procs.get(name)!,
        );
      }
      const server = JSON.parse(readFileSync(readyFile, "utf8")) as { gitUrl: string; helmUrl: string; caFile: string };
      const info: FluxInfo = {
        versions: built.versions,
        git: { url: server.gitUrl, username, password, caFile: server.caFile },
        helm: { url: server.helmUrl, dir: join(root, "repositories", "helm"), caFile: server.caFile },
        storageUrl: `http://127.0.0.1:${storagePort}`,
        eventsUrl,
        receiverUrl: `http://127.0.0.1:${receiverPort}`,
        watchLabelSelector: o.watchLabelSelector,
        logsDir: logs,
        startSeconds: (performance.now() - started) / 1000,
        buildSeconds: built.built ? built.seconds : undefined,
      };
      return new FluxControllers(info, procs);
    } catch (error) {
      await Promise.all([...procs.values()].map((p) => stopManaged(p)));
      throw error;
    }
  }

  /** RSS in bytes of each running process. */
  memory(): Record<string, number> {
    return Object.fromEntries([...this.procs].map(([name, p]) => [name, childRss(p.pid)]));
  }

  /** PIDs of the supervising cptool processes (what `cluster:down` stops). */
  pids(): Record<string, number> {
    return Object.fromEntries([...this.procs].map(([name, p]) => [name, p.pid]));
  }

  /** Stops the controllers, then the servers they read from. */
  async stop(): Promise<void> {
    await Promise.all(["helm-controller", "kustomize-controller", "source-controller", "notification-controller"].map((n) => this.stopOne(n)));
    await this.stopOne("testserver");
  }

  private async stopOne(name: string): Promise<void> {
    const proc = this.procs.get(name);
    if (proc) await stopManaged(proc);
  }
}

async function freePorts(count: number): Promise<number[]> {
  const ports = new Set<number>();
  while (ports.size < count) ports.add(await freePort());
  return [...ports];
}

async function waitUntil(what: string, ready: () => boolean | Promise<boolean>, proc: Managed, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (proc.child.exitCode !== null) throw new Error(`${proc.name} exited (${proc.child.exitCode}):\n${tail(proc.logFile)}`);
    if (await ready()) return;
    await sleep(100);
  }
  throw new Error(`${what} not ready after ${timeoutMs / 1000} s. Last log lines:\n${tail(proc.logFile)}`);
}
