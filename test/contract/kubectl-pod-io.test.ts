/**
 * The kubelet streaming endpoints kwok serves, reached the way every client reaches them:
 * kubectl (the one we build) → kube-apiserver → kwok. exec runs real commands on this
 * machine in the pod's working folder, logs come from files we append to, port-forward
 * reaches a loopback echo server this file starts. These pin the behaviour the SDK's own
 * exec, logs and port-forward are later tested against, including what our kwok patch
 * fixes (exit codes, stdin EOF). Local control plane with nodes only.
 */
import { spawn, type ChildProcessWithoutNullStreams } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { connect as tcpConnect, createServer, type Server } from "node:net";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, inject, test } from "vitest";
import { api } from "../../src/api/client.ts";
import type { Connection } from "../../src/connection/types.ts";
import { Pod } from "../../generated/k8s/core/v1/index.ts";
import { runChild, type ChildResult } from "../support/child-output.ts";
import { preparePodIO, type PodIO } from "../support/pod-io.ts";
import { podIsReady, until } from "../support/pod-waits.ts";
import { commandOf, processesIn, untilKwokServes } from "../support/pod-fixture.ts";
import { connect, scratchNamespace } from "./api-connection.ts";

const cluster = inject("cluster");
const POD = "io";
const POD_PORT = 8080;

describe.skipIf(!cluster.nodes)("kubectl exec, logs and port-forward through kube-apiserver to kwok", () => {
  let conn: Connection;
  let ns: string;
  let removeNamespace: () => Promise<void>;
  let io: PodIO;
  let echo: Server;
  let echoConnections = 0;

  const kubectlArgs = (...args: string[]) => ["--kubeconfig", cluster.kubeconfigs.admin, "-n", ns, ...args];
  const kubectl = (...args: string[]): Promise<ChildResult> =>
    runChild(cluster.kubectl, kubectlArgs(...args), { cwd: cluster.dir, env: process.env, killAfterMs: 30_000 });
  const start = (...args: string[]): ChildProcessWithoutNullStreams => spawn(cluster.kubectl, kubectlArgs(...args), { stdio: "pipe" });

  beforeAll(async () => {
    conn = await connect();
    ({ name: ns, remove: removeNamespace } = await scratchNamespace(conn, "pod-io"));
    echo = createServer((socket) => {
      echoConnections++;
      socket.pipe(socket);
    });
    await new Promise<void>((resolve) => echo.listen(0, "127.0.0.1", resolve));
    const echoPort = (echo.address() as { port: number }).port;
    // kwok's per-pod objects first, then the pod (see test/support/pod-io.ts).
    io = await preparePodIO(cluster, { namespace: ns, pod: POD, containers: ["app", "sidecar"], ports: { [POD_PORT]: echoPort } });
    const pods = api(conn, Pod, { namespace: ns });
    await pods.create({
      metadata: { name: POD },
      spec: { containers: [{ name: "app", image: "registry.invalid/app:1" }, { name: "sidecar", image: "registry.invalid/sidecar:1" }] },
    });
    await until(`pod ${POD} Ready`, 30_000, async () => (podIsReady(await pods.get(POD)) ? true : undefined));
    await untilKwokServes(pods, POD, ["app", "sidecar"], io);
  });
  afterAll(async () => {
    echo?.close();
    await removeNamespace?.();
    conn?.close();
  });

  test("exec runs a real command in the pod's working folder, stdout and stderr apart", async () => {
    const r = await kubectl("exec", POD, "-c", "app", "--", "sh", "-c", "pwd; echo $((6 * 7)); echo to-stderr >&2; echo made > by-exec.txt");
    expect(r).toMatchObject({ code: 0, stdout: `${io.workDir}\n42\n` });
    expect(r.stderr).toBe("to-stderr\n");
    expect(readFileSync(join(io.workDir, "by-exec.txt"), "utf8")).toBe("made\n");
  });

  test("exec exit codes: 0, 3, and 137 for a command killed by SIGKILL", async () => {
    expect((await kubectl("exec", POD, "--", "true")).code).toBe(0);
    const three = await kubectl("exec", POD, "--", "sh", "-c", "exit 3");
    expect(three.code).toBe(3);
    expect(three.stderr).toMatch(/command terminated with exit code 3/);
    const killed = await kubectl("exec", POD, "--", "sh", "-c", "kill -9 $$");
    expect(killed.code).toBe(137);
  });

  test("exec -i cat echoes stdin and ends on EOF, leaving no process behind", async () => {
    const input = Array.from({ length: 2000 }, (_, i) => `line ${i} ${"x".repeat(i % 50)}`).join("\n") + "\n";
    const child = start("exec", "-i", POD, "--", "cat");
    let stdout = "";
    child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
    const exited = new Promise<number | null>((resolve) => child.on("close", resolve));
    const timer = setTimeout(() => child.kill("SIGKILL"), 30_000);
    child.stdin.write(input.slice(0, 1000));
    // The command really runs on this machine, in the pod's folder, while stdin is open.
    const running = await until("cat running in the pod's folder", 15_000, async () => {
      const pids = processesIn(io.workDir).filter((p) => commandOf(p) === "cat");
      return pids.length > 0 ? pids : undefined;
    });
    child.stdin.end(input.slice(1000));
    expect(await exited).toBe(0);
    clearTimeout(timer);
    expect(stdout).toBe(input);
    await until("no process left in the pod's folder", 10_000, async () => (processesIn(io.workDir).length === 0 ? true : undefined));
    expect(running.every((p) => !existsSync(`/proc/${p}`))).toBe(true);
  });

  test("logs read the container's file; logs -f sees lines appended while it runs", async () => {
    io.appendLog("app", "first");
    io.appendLog("sidecar", "sidecar says hi");
    io.appendLog("app", "from before the restart", { previous: true });
    expect((await kubectl("logs", POD, "-c", "app")).stdout).toBe("first\n");
    expect((await kubectl("logs", POD, "-c", "sidecar")).stdout).toBe("sidecar says hi\n");
    expect((await kubectl("logs", POD, "-c", "app", "--previous")).stdout).toBe("from before the restart\n");

    const child = start("logs", "-f", POD, "-c", "app");
    let stdout = "";
    child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
    const timer = setTimeout(() => child.kill("SIGKILL"), 30_000);
    try {
      await until("logs -f shows the existing line", 15_000, async () => (stdout.includes("first\n") ? true : undefined));
      io.appendLog("app", "second\nthird", { stream: "stderr" });
      io.appendLog("app", "fourth");
      await until("logs -f shows the appended lines", 15_000, async () => (stdout.includes("fourth\n") ? true : undefined));
      expect(stdout).toBe("first\nsecond\nthird\nfourth\n");
      expect(child.exitCode).toBeNull();
    } finally {
      clearTimeout(timer);
      child.kill();
    }
  });

  test("port-forward reaches the loopback echo server the pod port maps to, byte for byte", async () => {
    const child = start("port-forward", `pod/${POD}`, `:${POD_PORT}`, "--address", "127.0.0.1");
    const timer = setTimeout(() => child.kill("SIGKILL"), 30_000);
    try {
      let banner = "";
      child.stdout.on("data", (d: Buffer) => (banner += d.toString()));
      const local = await until("kubectl port-forward listening", 15_000, async () => {
        const m = new RegExp(`Forwarding from 127\\.0\\.0\\.1:(\\d+) -> ${POD_PORT}`).exec(banner);
        return m ? Number(m[1]) : undefined;
      });
      const before = echoConnections;
      const payload = randomBytes(512 * 1024);
      const echoed = await new Promise<Buffer>((resolve, reject) => {
        const chunks: Buffer[] = [];
        let length = 0;
        // No half-close: the whole echo is read before the socket goes.
        const socket = tcpConnect(local, "127.0.0.1", () => socket.write(payload));
        socket.on("data", (d: Buffer) => {
          chunks.push(d);
          length += d.length;
          if (length >= payload.length) socket.destroy();
        });
        socket.on("close", () => resolve(Buffer.concat(chunks)));
        socket.on("error", reject);
      });
      expect(echoed.equals(payload)).toBe(true);
      expect(echoConnections).toBe(before + 1);
    } finally {
      clearTimeout(timer);
      child.kill();
    }
  });
});
