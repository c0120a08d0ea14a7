/**
 * One contender of the pod I/O bench in its own process: bun-k8s/pod-io, client-node's
 * Exec and PortForward, or kubectl. Run by pod-io-bench.ts as
 *   <runtime> child.mjs <contender> '<CaseSpec as JSON>'
 * and prints one line "POD_IO_RESULT <json>" with the MB/s of every measured repetition.
 *
 * Every contender runs the same driver: exec stdout is counted as it arrives; port-forward
 * goes through a local listener (bun-k8s's listenPortForward, a net.Server handing each
 * socket to client-node's PortForward as its README shows, or `kubectl port-forward`), and
 * the same TCP client pushes its payload through it to the echo server and reads it back.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { createServer, connect as tcpConnect, type AddressInfo, type Socket } from "node:net";
import { Writable } from "node:stream";

export interface BenchPod {
  kubeconfig: string;
  kubectl: string;
  namespace: string;
  pod: string;
  /** The pod port kwok maps to the echo server. */
  echoPort: number;
}

export type CaseSpec =
  | { case: "exec"; pod: BenchPod; bytes: number; warmup: number; reps: number }
  | { case: "forward"; pod: BenchPod; connections: number; bytesPerConnection: number; warmup: number; reps: number };

export const RESULT_MARK = "POD_IO_RESULT ";

export type ChildResult = { ok: true; mbPerSecond: number[] } | { ok: false; error: string };

interface Contender {
  /** Runs `head -c bytes /dev/zero` in the pod; resolves with the stdout bytes received. */
  execStdout(bytes: number): Promise<number>;
  /** Opens a local listener forwarding to the pod's echo port; resolves with its local port. */
  listen(): Promise<{ port: number; close(): Promise<void> }>;
  close(): void;
}

const MB = 1024 * 1024;
const headCommand = (bytes: number) => ["head", "-c", String(bytes), "/dev/zero"];

async function bunK8s(pod: BenchPod): Promise<Contender> {
  const { loadConfig } = await import("../../src/config/load-config.ts");
  const { createConnection } = await import("../../src/connection/connection.ts");
  const { api } = await import("../../src/api/client.ts");
  const { openExec, listenPortForward } = await import("../../src/pod-io/index.ts");
  const { Pod } = await import("../../generated/k8s/core/v1/index.ts");
  const conn = createConnection(await loadConfig({ kubeconfigPath: pod.kubeconfig }));
  const pods = api(conn, Pod, { namespace: pod.namespace });
  return {
    async execStdout(bytes) {
      const proc = await openExec(pods, pod.pod, headCommand(bytes), { stdout: true, stderr: false });
      let got = 0;
      for await (const chunk of proc.stdout!) got += chunk.length;
      await proc.done;
      return got;
    },
    async listen() {
      const fwd = await listenPortForward(pods, pod.pod, [pod.echoPort]);
      return { port: fwd.ports[0]!.local, close: () => fwd.close() };
    },
    close: () => conn.close(),
  };
}

async function clientNode(pod: BenchPod): Promise<Contender> {
  const k8s = await import("@kubernetes/client-node");
  const kc = new k8s.KubeConfig();
  kc.loadFromFile(pod.kubeconfig);
  const exec = new k8s.Exec(kc);
  const forward = new k8s.PortForward(kc);
  return {
    async execStdout(bytes) {
      let got = 0;
      const out = new Writable({
        write(chunk: Buffer, _enc, done) {
          got += chunk.length;
          done();
        },
      });
      await new Promise<void>((resolve, reject) => {
        exec
          .exec(pod.namespace, pod.pod, "app", headCommand(bytes), out, null, null, false, (status) => {
            if (status.status === "Success") resolve();
            else reject(new Error(`exec ended with ${JSON.stringify(status)}`));
          })
          .catch(reject);
      });
      return got;
    },
    async listen() {
      const sockets = new Set<Socket>();
      const server = createServer((socket) => {
        sockets.add(socket);
        socket.on("close", () => sockets.delete(socket));
        socket.on("error", () => socket.destroy());
        forward.portForward(pod.namespace, pod.pod, [pod.echoPort], socket, null, socket).then(
          (ws) => {
            // The WebSocket does not end when the local socket does: close it then.
            const close = () => (typeof ws === "function" ? ws() : ws)?.close();
            socket.on("close", close);
          },
          () => socket.destroy(),
        );
      });
      await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
      return {
        port: (server.address() as AddressInfo).port,
        close: () =>
          new Promise<void>((resolve) => {
            for (const s of sockets) s.destroy();
            server.close(() => resolve());
          }),
      };
    },
    close: () => {},
  };
}

function kubectl(pod: BenchPod): Contender {
  const base = ["--kubeconfig", pod.kubeconfig, "-n", pod.namespace];
  return {
    execStdout(bytes) {
      return new Promise<number>((resolve, reject) => {
        const child = spawn(pod.kubectl, [...base, "exec", pod.pod, "--", ...headCommand(bytes)], { stdio: ["ignore", "pipe", "pipe"] });
        let got = 0;
        let err = "";
        child.stdout.on("data", (d: Buffer) => (got += d.length));
        child.stderr.on("data", (d: Buffer) => (err += d.toString()));
        child.on("error", reject);
        child.on("close", (code) => (code === 0 ? resolve(got) : reject(new Error(`kubectl exec exited ${code}: ${err.slice(0, 300)}`))));
      });
    },
    listen() {
      const child: ChildProcess = spawn(pod.kubectl, [...base, "port-forward", `pod/${pod.pod}`, `:${pod.echoPort}`, "--address=127.0.0.1"], {
        stdio: ["ignore", "pipe", "pipe"],
      });
      return new Promise((resolve, reject) => {
        let out = "";
        child.stdout!.on("data", (d: Buffer) => {
          out += d.toString();
          const m = /Forwarding from 127\.0\.0\.1:(\d+)/.exec(out);
          if (m) {
            child.stdout!.removeAllListeners("data");
            child.stdout!.resume();
            resolve({
              port: Number(m[1]),
              close: () =>
                new Promise<void>((done) => {
                  child.once("close", () => done());
                  child.kill();
                }),
            });
          }
        });
        child.stderr!.resume();
        child.once("close", (code) => reject(new Error(`kubectl port-forward exited ${code} before listening: ${out.slice(0, 300)}`)));
      });
    },
    close: () => {},
  };
}

/** Pushes `bytes` through the local port and reads as many back; resolves with what came back. */
function echoThrough(port: number, bytes: number): Promise<number> {
  const chunk = Buffer.alloc(256 * 1024, 0x5a);
  return new Promise<number>((resolve, reject) => {
    let got = 0;
    let sent = 0;
    const socket = tcpConnect(port, "127.0.0.1", () => {
      const pump = () => {
        while (sent < bytes) {
          const n = Math.min(chunk.length, bytes - sent);
          sent += n;
          if (!socket.write(n === chunk.length ? chunk : chunk.subarray(0, n))) return void socket.once("drain", pump);
        }
      };
      pump();
    });
    socket.on("data", (d: Buffer) => {
      got += d.length;
      if (got >= bytes) socket.destroy();
    });
    socket.on("close", () => (got >= bytes ? resolve(got) : reject(new Error(`connection closed after ${got} of ${bytes} bytes`))));
    socket.on("error", reject);
  });
}

async function measure(spec: CaseSpec, c: Contender): Promise<number[]> {
  const results: number[] = [];
  if (spec.case === "exec") {
    for (let i = 0; i < spec.warmup + spec.reps; i++) {
      const start = performance.now();
      const got = await c.execStdout(spec.bytes);
      const seconds = (performance.now() - start) / 1000;
      if (got !== spec.bytes) throw new Error(`exec: ${got} of ${spec.bytes} bytes arrived`);
      if (i >= spec.warmup) results.push(got / MB / seconds);
    }
    return results;
  }
  const listener = await c.listen();
  try {
    for (let i = 0; i < spec.warmup + spec.reps; i++) {
      const start = performance.now();
      const got = await Promise.all(Array.from({ length: spec.connections }, () => echoThrough(listener.port, spec.bytesPerConnection)));
      const seconds = (performance.now() - start) / 1000;
      const total = got.reduce((a, b) => a + b, 0);
      if (i >= spec.warmup) results.push(total / MB / seconds);
    }
  } finally {
    await listener.close();
  }
  return results;
}

async function main(): Promise<void> {
  const name = process.argv[2];
  const spec = JSON.parse(process.argv[3] ?? "null") as CaseSpec | null;
  let result: ChildResult;
  let contender: Contender | undefined;
  try {
    if (!spec) throw new Error("no case spec (argv[3])");
    contender = name === "bun-k8s" ? await bunK8s(spec.pod) : name === "client-node" ? await clientNode(spec.pod) : name === "kubectl" ? kubectl(spec.pod) : undefined;
    if (!contender) throw new Error(`unknown contender ${name}`);
    result = { ok: true, mbPerSecond: await measure(spec, contender) };
  } catch (error) {
    result = { ok: false, error: error instanceof Error ? `${error.name}: ${error.message}`.slice(0, 600) : String(error) };
  }
  contender?.close();
  process.stdout.write(RESULT_MARK + JSON.stringify(result) + "\n", () => process.exit(0));
}

// Runs only as the child (the orchestrator imports this module for its types and RESULT_MARK).
if (process.argv[1]?.includes("stream-child")) await main();
