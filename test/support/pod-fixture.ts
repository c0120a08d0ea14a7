/**
 * What the SDK's pod I/O contract files share: a pod on a kwok node whose exec folder,
 * logs and port-forward targets are set up (see pod-io.ts), the process table of this
 * machine (kwok runs exec'd commands here), open file descriptors, and a loopback echo
 * server in a child process (so its sockets never count as ours).
 */
import { spawn, type ChildProcess } from "node:child_process";
import { readdirSync, readFileSync, readlinkSync } from "node:fs";
import type { ClusterInfo } from "./cluster-info.ts";
import { DEFAULT_LOG_LINE, preparePodIO, type PodIO } from "./pod-io.ts";
import { podIsReady, until } from "./pod-waits.ts";
import { api } from "../../src/api/client.ts";
import { exec } from "../../src/pod-io/exec.ts";
import type { PodTarget, Serves } from "../../src/pod-io/target.ts";
import type { Connection } from "../../src/connection/types.ts";
import { Pod, ServiceAccount } from "../../generated/k8s/core/v1/index.ts";

/** Creates a pod with the given containers after kwok's per-pod objects, and waits until it is Ready. */
export async function readyPod(
  cluster: ClusterInfo,
  conn: Connection,
  namespace: string,
  pod: string,
  options: { containers?: string[]; ports?: Record<number, number> } = {},
): Promise<PodIO> {
  const containers = options.containers ?? ["app"];
  const io = await preparePodIO(cluster, { namespace, pod, containers, ...(options.ports && { ports: options.ports }) });
  const pods = api(conn, Pod, { namespace });
  // The API server refuses a pod until kube-controller-manager made the namespace's "default"
  // ServiceAccount, which under load comes seconds after the namespace.
  await until(`serviceaccount ${namespace}/default`, 60_000, () => api(conn, ServiceAccount, { namespace }).getOpt("default"));
  await pods.create({ metadata: { name: pod }, spec: { containers: containers.map((name) => ({ name, image: `registry.invalid/${name}:1` })) } });
  await until(`pod ${pod} Ready`, 60_000, async () => (podIsReady(await pods.get(pod)) ? true : undefined));
  await untilKwokServes(pods, pod, containers, io);
  return io;
}

/**
 * Waits until kwok serves the pod from its per-pod objects. kwok watches each kind (Exec, Logs,
 * …) through its own informer; on a busy machine a pod can be Ready before they have seen the
 * objects, and an exec then runs in the cluster-wide default folder, or the logs come from the
 * default log. Every kind is checked: an exec runs in the pod's folder, and no container's
 * logs show the default log's line.
 */
export async function untilKwokServes<S extends string>(
  pods: PodTarget<S> & Serves<S, "exec"> & { logs(name: string, options: { container: string }): Promise<string> },
  pod: string,
  containers: readonly string[],
  io: PodIO,
): Promise<void> {
  await until(`kwok's Exec object for pod ${pod}`, 60_000, async () => {
    const { stdout } = await exec(pods, pod, ["pwd"], { container: containers[0]! });
    return stdout.trim() === io.workDir ? true : undefined;
  });
  for (const container of containers) {
    await until(`kwok's Logs object for pod ${pod}, container ${container}`, 60_000, async () =>
      (await pods.logs(pod, { container })).includes(DEFAULT_LOG_LINE) ? undefined : true,
    );
  }
}

/** PIDs of the processes whose working folder is `dir` (what an exec into the pod runs). */
export function processesIn(dir: string): number[] {
  return readdirSync("/proc")
    .filter((e) => /^\d+$/.test(e))
    .filter((pid) => {
      try {
        return readlinkSync(`/proc/${pid}/cwd`) === dir;
      } catch {
        return false; // gone meanwhile, or not ours to read
      }
    })
    .map(Number);
}

export function commandOf(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/comm`, "utf8").trim();
  } catch {
    return "";
  }
}

/** Open sockets of this process (Linux: /proc/self/fd entries that are sockets). */
export function openSockets(): number {
  let n = 0;
  for (const fd of readdirSync("/proc/self/fd")) {
    try {
      if (readlinkSync(`/proc/self/fd/${fd}`).startsWith("socket:")) n++;
    } catch {
      // closed meanwhile
    }
  }
  return n;
}

export interface EchoServer {
  port: number;
  stop(): void;
}

const ECHO = `
const net = require("node:net");
const server = net.createServer((s) => { s.on("error", () => s.destroy()); s.pipe(s); });
server.listen(0, "127.0.0.1", () => process.stdout.write(String(server.address().port) + "\\n"));
process.stdin.on("end", () => process.exit(0)).resume();
`;

/**
 * A TCP echo server on 127.0.0.1 in a child process of this runtime. kwok keeps its
 * connection to a port-forward target open until the target closes it, so the server
 * lives apart from the test's own sockets. It exits when the test process goes.
 */
export async function startEchoServer(): Promise<EchoServer> {
  const child: ChildProcess = spawn(process.execPath, ["-e", ECHO], { stdio: ["pipe", "pipe", "inherit"] });
  const port = await new Promise<number>((resolve, reject) => {
    let out = "";
    child.stdout!.on("data", (d: Buffer) => {
      out += d.toString();
      if (out.includes("\n")) resolve(Number(out.trim()));
    });
    child.once("exit", (code) => reject(new Error(`echo server exited with ${code}`)));
  });
  return { port, stop: () => void child.kill() };
}
