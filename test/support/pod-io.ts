/**
 * Pod I/O on the local cluster's kwok nodes: where a pod's commands run, where its
 * container logs come from, and which loopback port each pod port reaches.
 *
 * kwok (the fake kubelet) serves the real kubelet endpoints, but it has no per-pod
 * templating: it reads what to do from its own objects (kwok.x-k8s.io/v1alpha1 Exec, Logs,
 * Attach and PortForward, named and namespaced like the pod). preparePodIO writes them.
 * Make them before the pod: kwok reads them through informers, and a pod takes longer to
 * be scheduled and Running than an informer takes to see an object.
 *
 * Layout under ClusterInfo.nodes.podsDir (all on this machine):
 *   <namespace>/<pod>/work/                          the exec working folder
 *   <namespace>/<pod>/logs/<container>.log           CRI-format log: logs, logs -f, attach
 *   <namespace>/<pod>/logs/<container>.previous.log  CRI-format log: logs --previous
 * A pod without objects gets the launcher's cluster-wide defaults: exec runs in podsDir,
 * logs and attach read podsDir/default.log (one line, DEFAULT_LOG_LINE), and port-forward
 * has no target.
 */
import { appendFileSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { ClusterInfo } from "./cluster-info.ts";
import { miniRequest, type MiniTls } from "./mini-client.ts";

export const KWOK_API = "kwok.x-k8s.io/v1alpha1";

export interface PodPaths {
  workDir: string;
  logsDir: string;
  logFile(container: string): string;
  previousLogFile(container: string): string;
}

/** @example podPaths(cluster.nodes!.podsDir, "ns", "web").logFile("app") */
export function podPaths(podsDir: string, namespace: string, pod: string): PodPaths {
  const root = join(podsDir, namespace, pod);
  const logsDir = join(root, "logs");
  return {
    workDir: join(root, "work"),
    logsDir,
    logFile: (container) => join(logsDir, `${container}.log`),
    previousLogFile: (container) => join(logsDir, `${container}.previous.log`),
  };
}

/** The log that logs and attach read for a pod without a Logs object. */
export function defaultLogFile(podsDir: string): string {
  return join(podsDir, "default.log");
}

/** The one line of the default log: a pod whose logs show it is served without its Logs object. */
export const DEFAULT_LOG_LINE = "bun-k8s: this pod has no kwok Logs object";

/**
 * Lines in the CRI log format that kubelets (and kwok) read: one record per line,
 * "<RFC 3339 time> <stream> F <text>".
 * @example criLogLines("hello", "stdout", new Date()) // "2026-…Z stdout F hello\n"
 */
export function criLogLines(text: string, stream: "stdout" | "stderr" = "stdout", time = new Date()): string {
  const at = time.toISOString().replace(/\.(\d{3})Z$/, ".$1000000Z");
  return text
    .split("\n")
    .map((line) => `${at} ${stream} F ${line}\n`)
    .join("");
}

export interface PodIOSpec {
  namespace: string;
  pod: string;
  /** The pod's container names: each gets its own log files. */
  containers: string[];
  /** Pod port → a port on 127.0.0.1 (a server the test started). */
  ports?: Record<number, number>;
}

export interface PodIO extends PodPaths {
  /** Appends CRI-format lines to a container's log (or its previous log). */
  appendLog(container: string, text: string, options?: { stream?: "stdout" | "stderr"; time?: Date; previous?: boolean }): void;
}

/**
 * Creates the pod's folders and empty log files and kwok's per-pod objects.
 * @example const io = await preparePodIO(cluster, { namespace: ns, pod: "web", containers: ["app"], ports: { 8080: echoPort } });
 */
export async function preparePodIO(cluster: ClusterInfo, spec: PodIOSpec): Promise<PodIO> {
  if (!cluster.nodes || !cluster.pkiDir) throw new Error("preparePodIO needs the local cluster with kwok nodes (BUN_K8S_NODES is 0?)");
  if (spec.containers.length === 0) throw new Error(`preparePodIO: pod ${spec.pod} needs at least one container name`);
  const paths = podPaths(cluster.nodes.podsDir, spec.namespace, spec.pod);
  mkdirSync(paths.workDir, { recursive: true });
  mkdirSync(paths.logsDir, { recursive: true });
  for (const c of spec.containers) {
    writeFileSync(paths.logFile(c), "", { flag: "a" });
    writeFileSync(paths.previousLogFile(c), "", { flag: "a" });
  }
  const metadata = { name: spec.pod, namespace: spec.namespace };
  const objects: { plural: string; body: object }[] = [
    {
      plural: "logs",
      body: {
        kind: "Logs",
        metadata,
        spec: { logs: spec.containers.map((c) => ({ containers: [c], logsFile: paths.logFile(c), previousLogsFile: paths.previousLogFile(c), follow: true })) },
      },
    },
    { plural: "attaches", body: { kind: "Attach", metadata, spec: { attaches: spec.containers.map((c) => ({ containers: [c], logsFile: paths.logFile(c) })) } } },
  ];
  const ports = Object.entries(spec.ports ?? {});
  if (ports.length > 0) {
    const forwards = ports.map(([from, to]) => ({ ports: [Number(from)], target: { address: "127.0.0.1", port: to } }));
    objects.push({ plural: "portforwards", body: { kind: "PortForward", metadata, spec: { forwards } } });
  }
  // kwok watches each kind on its own; readyPod waits until exec and logs are served from them.
  objects.push({ plural: "execs", body: { kind: "Exec", metadata, spec: { execs: [{ local: { workDir: paths.workDir } }] } } });
  const tls = adminTls(cluster.pkiDir);
  for (const o of objects) {
    const url = `${cluster.server}/apis/${KWOK_API}/namespaces/${spec.namespace}/${o.plural}`;
    const res = await miniRequest(url, tls, { method: "POST", body: JSON.stringify({ apiVersion: KWOK_API, ...o.body }) });
    if (res.status !== 201) throw new Error(`creating kwok ${o.plural}/${spec.pod} in ${spec.namespace} failed: ${res.status} ${res.body.slice(0, 300)}`);
  }
  return {
    ...paths,
    appendLog(container, text, options = {}) {
      const file = options.previous ? paths.previousLogFile(container) : paths.logFile(container);
      appendFileSync(file, criLogLines(text, options.stream, options.time));
    },
  };
}

function adminTls(pkiDir: string): MiniTls {
  const read = (name: string) => readFileSync(join(pkiDir, name), "utf8");
  return { ca: read("ca.crt"), cert: read("admin.crt"), key: read("admin.key") };
}
