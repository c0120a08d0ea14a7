/**
 * Starts a real local Kubernetes control plane (etcd, kube-apiserver, kube-controller-manager,
 * and unless turned off kube-scheduler and kwok's fake nodes) from binaries built from the Go
 * modules, on loopback, with a throwaway PKI.
 * Used by the contract suite's globalSetup and by `npm run cluster:up`.
 */
import { randomBytes } from "node:crypto";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import type { ClusterInfo } from "../support/cluster-info.ts";
import { miniRequest, type MiniTls } from "../support/mini-client.ts";
import { fluxCrdFiles, grantNamespaceAdmin, installCrds } from "./bootstrap.ts";
import { buildControlPlane, type BuiltControlPlane } from "./build.ts";
import { apiserverArgsFor, controllerManagerArgs, etcdArgs } from "./component-args.ts";
import { writeKubeconfig } from "./kubeconfigs.ts";
import { nodeCountFromEnv, startNodes } from "./nodes.ts";
import { childRss, freePort, sleep, startManaged, stopManaged, tail, type Managed } from "./processes.ts";

export const SERVER_NAME_ALIAS = "apiserver.bun-k8s.test"; // keep in step with cptool/pki.go
export const RESTRICTED_NAMESPACE = "bun-k8s-restricted";
/** Components in the order they are stopped. */
export const STOP_ORDER = ["kwok", "kube-scheduler", "kube-controller-manager", "kube-apiserver", "etcd"];

export interface LaunchOptions {
  /** kube-apiserver --etcd-compaction-interval, e.g. "5s" (watch tests force 410 Gone with it). */
  etcdCompactionInterval?: string;
  installFluxCrds?: boolean;
  /** Fake kwok nodes (with kube-scheduler); 0 runs neither. Default: BUN_K8S_NODES, else 3. */
  nodes?: number;
  /** Keep running after this process exits (cluster:up). */
  detach?: boolean;
  log?: (line: string) => void;
}

export interface Timings {
  buildSeconds: number;
  built: boolean;
  /** From spawning etcd to kube-apiserver's /readyz answering ok. */
  startToReadySeconds: number;
  bootstrapSeconds: number;
  /** From starting kube-scheduler and kwok to every node Ready (0 without nodes). */
  nodesSeconds: number;
}

export class ControlPlane {
  readonly info: ClusterInfo;
  readonly timings: Timings;
  private readonly cp: BuiltControlPlane;
  private readonly procs: Map<string, Managed>;
  private readonly apiserverArgs: string[];
  private readonly options: LaunchOptions;
  private readonly reaper: ChildProcess | undefined;

  private constructor(
    info: ClusterInfo,
    timings: Timings,
    cp: BuiltControlPlane,
    procs: Map<string, Managed>,
    apiserverArgs: string[],
    options: LaunchOptions,
    reaper: ChildProcess | undefined,
  ) {
    this.info = info;
    this.timings = timings;
    this.cp = cp;
    this.procs = procs;
    this.apiserverArgs = apiserverArgs;
    this.options = options;
    this.reaper = reaper;
  }

  /** @example const cp = await ControlPlane.start(); ...; await cp.stop(); */
  static async start(options: LaunchOptions = {}): Promise<ControlPlane> {
    const log = options.log ?? (() => {});
    const cp = buildControlPlane(log);
    const dir = mkdtempSync(join(tmpdir(), "bun-k8s-cp-"));
    // Removes `dir` if this process dies before stop() could (cluster:up's detached plane
    // is removed by cluster:down instead).
    const reaper = options.detach ? undefined : spawn(cp.bin.cptool, ["reap", dir], { stdio: "ignore" });
    const procs = new Map<string, Managed>();
    try {
      const pki = join(dir, "pki");
      mkdirSync(join(dir, "logs"), { recursive: true });
      run(cp.bin.cptool, ["pki", pki]);
      const tokens = {
        "token-user": randomToken(),
        "token-user-2": randomToken(),
        "exec-token-user": randomToken(),
      };
      writeFileSync(
        join(dir, "tokens.csv"),
        Object.entries(tokens)
          .map(([user, token]) => `${token},${user},uid-${user},"system:masters"`)
          .join("\n") + "\n",
        { mode: 0o600 },
      );

      const [etcdClient, etcdPeer, securePort, kcmPort] = await Promise.all([freePort(), freePort(), freePort(), freePort()]);
      const started = performance.now();
      procs.set(
        "etcd",
        startManaged({
          cptool: cp.bin.cptool,
          name: "etcd",
          command: cp.bin.etcd,
          logFile: join(dir, "logs", "etcd.log"),
          detach: options.detach,
          args: etcdArgs(dir, etcdClient, etcdPeer),
        }),
      );
      await waitFor("etcd /health", 30_000, async () => {
        const res = await fetch(`http://127.0.0.1:${etcdClient}/health`).catch(() => undefined);
        return res?.ok === true;
      }, () => tail(join(dir, "logs", "etcd.log")));

      const server = `https://127.0.0.1:${securePort}`;
      const apiserverArgs = apiserverArgsFor(dir, pki, etcdClient, securePort);
      if (options.etcdCompactionInterval) apiserverArgs.push(`--etcd-compaction-interval=${options.etcdCompactionInterval}`);

      const ca = readFileSync(join(pki, "ca.crt"), "utf8");
      const adminTls: MiniTls = { ca, cert: readFileSync(join(pki, "admin.crt"), "utf8"), key: readFileSync(join(pki, "admin.key"), "utf8") };
      const kubeconfigs = {
        admin: writeKubeconfig(dir, "admin", server, join(pki, "ca.crt"), {
          "client-certificate": join(pki, "admin.crt"),
          "client-key": join(pki, "admin.key"),
        }),
        token: writeKubeconfig(dir, "token-user", server, join(pki, "ca.crt"), { token: tokens["token-user"] }),
        restricted: writeKubeconfig(
          dir,
          "restricted",
          server,
          join(pki, "ca.crt"),
          { "client-certificate": join(pki, "restricted.crt"), "client-key": join(pki, "restricted.key") },
          RESTRICTED_NAMESPACE,
        ),
        anonymous: writeKubeconfig(dir, "anonymous", server, join(pki, "ca.crt"), {}),
      };
      const kcmKubeconfig = writeKubeconfig(dir, "controller-manager", server, join(pki, "ca.crt"), {
        "client-certificate": join(pki, "controller-manager.crt"),
        "client-key": join(pki, "controller-manager.key"),
      });

      const info: ClusterInfo = {
        mode: "local",
        server,
        expectedVersion: cp.version,
        dir,
        kubeconfigs,
        caFile: join(pki, "ca.crt"),
        restrictedNamespace: RESTRICTED_NAMESPACE,
        pkiDir: pki,
        serverNameAlias: SERVER_NAME_ALIAS,
        staticTokens: tokens,
        kubectl: cp.bin.kubectl,
        controlUrl: undefined,
        fluxCrds: false,
        nodes: undefined,
      };
      const plane = new ControlPlane(
        info,
        { buildSeconds: cp.seconds, built: cp.built, startToReadySeconds: 0, bootstrapSeconds: 0, nodesSeconds: 0 },
        cp,
        procs,
        apiserverArgs,
        options,
        reaper,
      );
      await plane.startApiserver(adminTls);
      plane.timings.startToReadySeconds = (performance.now() - started) / 1000;
      log(`kube-apiserver ready at ${server} after ${plane.timings.startToReadySeconds.toFixed(1)} s`);

      procs.set(
        "kube-controller-manager",
        startManaged({
          cptool: cp.bin.cptool,
          name: "kube-controller-manager",
          command: cp.bin["kube-controller-manager"],
          logFile: join(dir, "logs", "kube-controller-manager.log"),
          detach: options.detach,
          args: controllerManagerArgs(dir, pki, kcmKubeconfig, kcmPort),
        }),
      );

      const bootstrapStart = performance.now();
      await grantNamespaceAdmin(server, adminTls, RESTRICTED_NAMESPACE, "bun-k8s-restricted");
      if (options.installFluxCrds ?? true) {
        const flux = await fluxCrdFiles(log);
        const names = await installCrds(server, adminTls, flux.files);
        info.fluxCrds = names.length > 0;
        log(`installed ${names.length} Flux CRDs: ${flux.origins.join(", ")}`);
      }
      plane.timings.bootstrapSeconds = (performance.now() - bootstrapStart) / 1000;
      const nodes = options.nodes ?? nodeCountFromEnv();
      if (nodes > 0) {
        const nodesStart = performance.now();
        info.nodes = await startNodes({ cp, dir, server, adminTls, count: nodes, detach: options.detach, log }, procs);
        plane.timings.nodesSeconds = (performance.now() - nodesStart) / 1000;
      }
      writeFileSync(join(dir, "cluster.json"), JSON.stringify({ info, pids: plane.pids() }, null, 2));
      return plane;
    } catch (error) {
      await Promise.all([...procs.values()].reverse().map((p) => stopManaged(p)));
      rmSync(dir, { recursive: true, force: true });
      reaper?.kill("SIGUSR1");
      throw error;
    }
  }

  private adminTls(): MiniTls {
    const pki = this.info.pkiDir!;
    return {
      ca: readFileSync(join(pki, "ca.crt"), "utf8"),
      cert: readFileSync(join(pki, "admin.crt"), "utf8"),
      key: readFileSync(join(pki, "admin.key"), "utf8"),
    };
  }

  private async startApiserver(tls: MiniTls = this.adminTls()): Promise<void> {
    const logFile = join(this.info.dir, "logs", "kube-apiserver.log");
    const proc = startManaged({
      cptool: this.cp.bin.cptool,
      name: "kube-apiserver",
      command: this.cp.bin["kube-apiserver"],
      logFile,
      detach: this.options.detach,
      args: this.apiserverArgs,
    });
    this.procs.set("kube-apiserver", proc);
    await waitFor(
      "kube-apiserver /readyz",
      120_000,
      async () => {
        if (proc.child.exitCode !== null) throw new Error(`kube-apiserver exited:\n${tail(logFile)}`);
        const res = await miniRequest(`${this.info.server}/readyz`, tls, { timeoutMs: 2_000 }).catch(() => undefined);
        return res?.status === 200;
      },
      () => tail(logFile),
    );
  }

  /** Stops kube-apiserver alone; etcd and its data stay. */
  async stopApiserver(): Promise<void> {
    const proc = this.procs.get("kube-apiserver");
    if (proc) await stopManaged(proc);
  }

  /**
   * Restarts kube-apiserver on the same port and etcd data; resolves once /readyz is ok.
   * `etcdCompactionInterval` changes the flag for this and later starts ("0" turns it off).
   */
  async restartApiserver(change: { etcdCompactionInterval?: string } = {}): Promise<void> {
    await this.stopApiserver();
    if (change.etcdCompactionInterval !== undefined) {
      const flag = "--etcd-compaction-interval=";
      const kept = this.apiserverArgs.filter((a) => !a.startsWith(flag));
      this.apiserverArgs.splice(0, this.apiserverArgs.length, ...kept, flag + change.etcdCompactionInterval);
    }
    await this.startApiserver();
  }

  /** Starts kube-apiserver again after stopApiserver(). */
  async resumeApiserver(): Promise<void> {
    await this.startApiserver();
  }

  /** RSS in bytes of each running component. */
  memory(): Record<string, number> {
    return Object.fromEntries([...this.procs].map(([name, p]) => [name, childRss(p.pid)]));
  }

  pids(): Record<string, number> {
    return Object.fromEntries([...this.procs].map(([name, p]) => [name, p.pid]));
  }

  /** Stops everything and removes the temp folder. */
  async stop(): Promise<void> {
    for (const name of STOP_ORDER) {
      const proc = this.procs.get(name);
      if (proc) await stopManaged(proc);
    }
    rmSync(this.info.dir, { recursive: true, force: true });
    this.reaper?.kill("SIGUSR1");
  }
}

function run(command: string, args: string[]): void {
  const result = spawnSync(command, args, { encoding: "utf8" });
  if (result.status !== 0) throw new Error(`${command} ${args.join(" ")} failed: ${result.stderr}`);
}

function randomToken(): string {
  return randomBytes(24).toString("base64url");
}

async function waitFor(what: string, timeoutMs: number, ready: () => Promise<boolean>, diagnostics: () => string) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await ready()) return;
    await sleep(200);
  }
  throw new Error(`${what} not ready after ${timeoutMs / 1000} s. Last log lines:\n${diagnostics()}`);
}
