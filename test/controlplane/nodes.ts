/**
 * Nodes whose pods run: kube-scheduler places pods, kwok (Kubernetes WithOut Kubelet) plays
 * the kubelet of a few fake nodes. kwok moves their pods through kwok's own stages
 * (Pending → Running and Ready, Job pods → Succeeded, deletion) and serves the kubelet API
 * the API server proxies logs, exec, attach and port-forward to, running commands on this
 * machine. See docs/controlplane.md and test/support/pod-io.ts.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import yaml from "js-yaml";
import type { NodesInfo } from "../support/cluster-info.ts";
import { miniRequest, type MiniTls } from "../support/mini-client.ts";
import { DEFAULT_LOG_LINE, KWOK_API, criLogLines, defaultLogFile } from "../support/pod-io.ts";
import { installCrds, registerNodes, waitForNodesReady } from "./bootstrap.ts";
import type { BuiltControlPlane } from "./build.ts";
import { kwokArgs, schedulerArgs } from "./component-args.ts";
import { writeKubeconfig } from "./kubeconfigs.ts";
import { freePort, sleep, startManaged, tail, type Managed } from "./processes.ts";

/** The annotation kwok manages nodes by. */
const MANAGED_BY = { key: "kwok.x-k8s.io/node", value: "fake" };
/** Pod IPs: kwok's default (10.0.0.0/24) is our service range. */
const POD_CIDR = "10.244.0.0/16";

export interface NodesOptions {
  cp: BuiltControlPlane;
  /** The control plane's temp folder; PKI in dir/pki. */
  dir: string;
  server: string;
  adminTls: MiniTls;
  count: number;
  detach?: boolean;
  log: (line: string) => void;
}

/**
 * How many fake nodes to run: BUN_K8S_NODES (0 turns kube-scheduler and kwok off), default 3.
 * @example const count = nodeCountFromEnv();
 */
export function nodeCountFromEnv(env: NodeJS.ProcessEnv = process.env): number {
  const raw = env.BUN_K8S_NODES;
  if (raw === undefined || raw === "") return 3;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0 || n > 100) throw new Error(`BUN_K8S_NODES must be a whole number from 0 to 100, got "${raw}"`);
  return n;
}

/** Starts kube-scheduler and kwok, registers the nodes and waits until they are Ready. */
export async function startNodes(o: NodesOptions, procs: Map<string, Managed>): Promise<NodesInfo> {
  const pki = join(o.dir, "pki");
  const ca = join(pki, "ca.crt");
  const kubeconfigFor = (user: string) =>
    writeKubeconfig(o.dir, user, o.server, ca, { "client-certificate": join(pki, `${user}.crt`), "client-key": join(pki, `${user}.key`) });
  const podsDir = join(o.dir, "pods");
  mkdirSync(podsDir, { recursive: true });
  writeFileSync(defaultLogFile(podsDir), criLogLines(DEFAULT_LOG_LINE));

  // kwok watches these kinds; the CRDs must be served before it starts.
  await installCrds(o.server, o.adminTls, o.cp.kwokCrds);
  const port = await freePort();
  const kwokDir = join(o.dir, "kwok");
  mkdirSync(kwokDir, { recursive: true });
  const config = join(kwokDir, "kwok.yaml");
  writeFileSync(config, kwokConfiguration(pki, port, podsDir));

  procs.set(
    "kube-scheduler",
    startManaged({
      cptool: o.cp.bin.cptool,
      name: "kube-scheduler",
      command: o.cp.bin["kube-scheduler"],
      logFile: join(o.dir, "logs", "kube-scheduler.log"),
      detach: o.detach,
      args: schedulerArgs(kubeconfigFor("scheduler")),
    }),
  );
  const kwokLog = join(o.dir, "logs", "kwok.log");
  const kwok = startManaged({
    cptool: o.cp.bin.cptool,
    name: "kwok",
    command: o.cp.bin.kwok,
    logFile: kwokLog,
    detach: o.detach,
    args: kwokArgs(kubeconfigFor("kwok"), [config, ...o.cp.kwokStages]),
    // kwok also reads ~/.kwok/kwok.yaml when it exists; keep a user's file out of it.
    env: { KWOK_WORKDIR: kwokDir },
  });
  procs.set("kwok", kwok);

  const deadline = Date.now() + 60_000;
  for (;;) {
    if (kwok.child.exitCode !== null) throw new Error(`kwok exited:\n${tail(kwokLog)}`);
    const res = await miniRequest(`https://127.0.0.1:${port}/healthz`, { ca: o.adminTls.ca }, { timeoutMs: 2_000 }).catch(() => undefined);
    if (res?.status === 200) break;
    if (Date.now() > deadline) throw new Error(`kwok not serving on 127.0.0.1:${port} after 60 s:\n${tail(kwokLog)}`);
    await sleep(200);
  }
  const names = Array.from({ length: o.count }, (_, i) => `kwok-node-${i}`);
  await registerNodes(o.server, o.adminTls, names, { [MANAGED_BY.key]: MANAGED_BY.value });
  await waitForNodesReady(o.server, o.adminTls, names, 60_000, () => tail(kwokLog));
  o.log(`${names.length} kwok nodes Ready (kubelet API on 127.0.0.1:${port}), pods folder ${podsDir}`);
  return { names, podsDir };
}

/**
 * kwok's configuration. A KwokConfiguration given with --config gets no defaults, so every
 * option is set. Cluster-wide exec, logs and attach cover pods without their own objects.
 */
function kwokConfiguration(pki: string, port: number, podsDir: string): string {
  const options = {
    // Per-pod objects that tests make (test/support/pod-io.ts); the cluster-wide kinds stay here.
    enableCRDs: ["Exec", "Logs", "Attach", "PortForward"],
    cidr: POD_CIDR,
    nodeIP: "127.0.0.1",
    // No nodeName: it adds a Hostname address, which the API server would dial first.
    nodePort: port,
    serverAddress: `127.0.0.1:${port}`,
    tlsCertFile: join(pki, "kubelet.crt"),
    tlsPrivateKeyFile: join(pki, "kubelet.key"),
    manageAllNodes: false,
    manageNodesWithAnnotationSelector: `${MANAGED_BY.key}=${MANAGED_BY.value}`,
    enableDebuggingHandlers: true,
    enableContentionProfiling: false,
    enableProfilingHandler: false,
    podPlayStageParallelism: 4,
    nodePlayStageParallelism: 4,
    // As kwokctl does: heartbeats through a Lease (the node-heartbeat-with-lease stage).
    nodeLeaseDurationSeconds: 40,
    nodeLeaseParallelism: 4,
    podsOnNodeSyncParallelism: 1,
    enablePodsOnNodeSyncListPager: true,
    enablePodsOnNodeSyncStreamWatch: false,
  };
  const docs = [
    { apiVersion: "config.kwok.x-k8s.io/v1alpha1", kind: "KwokConfiguration", metadata: { name: "bun-k8s" }, options, tracing: {} },
    { apiVersion: KWOK_API, kind: "ClusterExec", metadata: { name: "default" }, spec: { execs: [{ local: { workDir: podsDir } }] } },
    { apiVersion: KWOK_API, kind: "ClusterLogs", metadata: { name: "default" }, spec: { logs: [{ logsFile: defaultLogFile(podsDir), follow: true }] } },
    { apiVersion: KWOK_API, kind: "ClusterAttach", metadata: { name: "default" }, spec: { attaches: [{ logsFile: defaultLogFile(podsDir) }] } },
  ];
  return docs.map((d) => yaml.dump(d)).join("---\n");
}
