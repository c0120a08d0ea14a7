/**
 * The SDK's exec and attach (bun-k8s/pod-io) against the real path: our WebSocket →
 * kube-apiserver → kwok's kubelet endpoint, which runs the commands on this machine in
 * the pod's folder. Exit codes, byte-exact output and input, stderr apart, a tty that
 * resizes, and abort and close ending the remote process (seen in the process table).
 * Local control plane with nodes only.
 */
import { createHash, randomBytes } from "node:crypto";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, inject, test } from "vitest";
import { api } from "../../src/api/client.ts";
import { ApiError, isAbortError } from "../../src/base/errors.ts";
import type { Connection } from "../../src/connection/types.ts";
import { attach, exec, ExecError, openExec } from "../../src/pod-io/index.ts";
import { V4_PROTOCOL, V5_PROTOCOL } from "../../src/pod-io/channel-protocol.ts";
import { ChannelProcess } from "../../src/pod-io/remote-process.ts";
import { openSocket } from "../../src/pod-io/target.ts";
import { siteOf } from "../../src/connection/error-site.ts";
import { execRequest } from "../../src/request/connect-requests.ts";
import { Pod } from "../../generated/k8s/core/v1/index.ts";
import type { PodIO } from "../support/pod-io.ts";
import { until } from "../support/pod-waits.ts";
import { commandOf, processesIn, readyPod } from "../support/pod-fixture.ts";
import { connect, scratchNamespace } from "./api-connection.ts";

const cluster = inject("cluster");
const POD = "runner";
const MB = 1024 * 1024;

async function readAll(stream: ReadableStream<Uint8Array>, onChunk?: (chunk: Uint8Array) => void): Promise<Buffer> {
  const parts: Uint8Array[] = [];
  for await (const chunk of stream as unknown as AsyncIterable<Uint8Array>) {
    parts.push(chunk);
    onChunk?.(chunk);
  }
  return Buffer.concat(parts);
}

describe.skipIf(!cluster.nodes)("exec and attach (bun-k8s/pod-io) through kube-apiserver to kwok", () => {
  let conn: Connection;
  let ns: string;
  let removeNamespace: () => Promise<void>;
  let io: PodIO;
  let pods: ReturnType<typeof podsIn>;
  const podsIn = (namespace: string) => api(conn, Pod, { namespace });

  beforeAll(async () => {
    conn = await connect();
    ({ name: ns, remove: removeNamespace } = await scratchNamespace(conn, "pod-exec"));
    io = await readyPod(cluster, conn, ns, POD, { containers: ["app", "sidecar"] });
    pods = podsIn(ns);
  });
  afterAll(async () => {
    await removeNamespace?.();
    conn?.close();
  });

  test("exit code 0 resolves; 3 and a SIGKILLed command (137) reject with ExecError carrying the code and the output", async () => {
    expect(await exec(pods, POD, ["true"], { container: "app" })).toEqual({ stdout: "", stderr: "" });
    const three = await exec(pods, POD, ["sh", "-c", "echo partial; echo why >&2; exit 3"], { container: "app" }).catch((e: unknown) => e);
    expect(three).toBeInstanceOf(ExecError);
    expect(three).toMatchObject({ exitCode: 3, reason: "NonZeroExitCode", stdout: "partial\n", stderr: "why\n" });
    expect((three as ExecError).message).toMatch(/^command terminated with exit code 3 \(GET \/api\/v1\/namespaces\/.+\/pods\/runner\/exec,/);
    const killed = await exec(pods, POD, ["sh", "-c", "kill -9 $$"], { container: "app" }).catch((e: unknown) => e);
    expect(killed).toMatchObject({ exitCode: 137, reason: "NonZeroExitCode" });
  });

  test("the protocols offered: v5 is chosen; a session on v4 alone (servers without v5) runs, keeps stderr apart and reports the exit code", async () => {
    const v5 = await openExec(pods, POD, ["true"], { container: "app" });
    expect(v5.protocol).toBe(V5_PROTOCOL);
    await v5.done;
    // What exec() does on a server that only answers v4: the same session code over the same path.
    const request = execRequest(Pod, ns, POD, ["sh", "-c", "echo out; echo err >&2; exit 3"], { container: "app", stdout: true, stderr: true });
    const socket = await openSocket(pods, request, [V4_PROTOCOL], {});
    expect(socket.protocol).toBe(V4_PROTOCOL);
    const v4 = new ChannelProcess(socket, { stdin: false, stdout: true, stderr: true, tty: false }, siteOf(conn, request));
    const [out, err, done] = await Promise.all([readAll(v4.stdout!), readAll(v4.stderr!), v4.done.catch((e: unknown) => e)]);
    expect(out.toString()).toBe("out\n");
    expect(err.toString()).toBe("err\n");
    expect(done).toBeInstanceOf(ExecError);
    expect(done).toMatchObject({ exitCode: 3, reason: "NonZeroExitCode" });
  });

  test("runs in the pod's folder on this machine; stdout and stderr stay apart", async () => {
    const r = await exec(pods, POD, ["sh", "-c", "pwd; echo out-2; echo err-1 >&2; echo err-2 >&2"], { container: "app" });
    expect(r).toEqual({ stdout: `${io.workDir}\nout-2\n`, stderr: "err-1\nerr-2\n" });
  });

  test("50 MB of stdout arrive byte-exact through the stream", async () => {
    const data = randomBytes(50 * MB);
    writeFileSync(join(io.workDir, "big.bin"), data);
    const proc = await openExec(pods, POD, ["cat", "big.bin"], { container: "app" });
    const hash = createHash("sha256");
    let size = 0;
    await readAll(proc.stdout!, (c) => {
      hash.update(c);
      size += c.byteLength;
    });
    await proc.done;
    expect(size).toBe(data.byteLength);
    expect(hash.digest("hex")).toBe(createHash("sha256").update(data).digest("hex"));
  }, 300_000);

  test("10 MB through stdin and back (cat), byte-exact, as bytes", async () => {
    const data = randomBytes(10 * MB);
    const r = await exec(pods, POD, ["cat"], { container: "app", stdin: data, output: "bytes" });
    expect(r.stdout.byteLength).toBe(data.byteLength);
    expect(Buffer.from(r.stdout).equals(data)).toBe(true);
    expect(r.stderr.byteLength).toBe(0);
  }, 300_000);

  test("stdin from an async iterable, a ReadableStream and a string", async () => {
    async function* lines(): AsyncGenerator<string> {
      for (let i = 0; i < 100; i++) yield `line ${i}\n`;
    }
    const expected = Array.from({ length: 100 }, (_, i) => `line ${i}\n`).join("");
    expect((await exec(pods, POD, ["cat"], { container: "app", stdin: lines() })).stdout).toBe(expected);
    const stream = new ReadableStream<Uint8Array>({
      start(c) {
        c.enqueue(new TextEncoder().encode("from a "));
        c.enqueue(new TextEncoder().encode("ReadableStream"));
        c.close();
      },
    });
    expect((await exec(pods, POD, ["cat"], { container: "app", stdin: stream })).stdout).toBe("from a ReadableStream");
    expect((await exec(pods, POD, ["wc", "-c"], { container: "app", stdin: "12345" })).stdout.trim()).toBe("5");
  });

  test("a tty: the terminal has the size given at start, and a resize reaches it", async () => {
    const proc = await openExec(pods, POD, ["sh", "-c", "while read l; do stty size; done"], {
      container: "app",
      stdin: true,
      tty: true,
      terminalSize: { width: 80, height: 24 },
    });
    expect(proc.stderr).toBeUndefined();
    let out = "";
    const reading = readAll(proc.stdout!, (c) => (out += new TextDecoder().decode(c)));
    const writer = proc.stdin!.getWriter();
    // The size travels on its own stream; ask again until the terminal reports it.
    const sizeShows = (rows: number, cols: number) =>
      until(`stty reporting ${rows} ${cols}`, 30_000, async () => {
        await writer.write("\n");
        return out.includes(`${rows} ${cols}`) ? true : undefined;
      });
    await sizeShows(24, 80);
    await proc.resize({ width: 132, height: 43 });
    await sizeShows(43, 132);
    // A terminal's end of input is ^D, not the stream's end.
    await writer.write("\x04");
    await proc.done;
    await reading;
  });

  test("aborting the signal ends the remote command: it leaves the process table", async () => {
    const stop = new AbortController();
    const proc = await openExec(pods, POD, ["cat"], { container: "app", stdin: true, signal: stop.signal });
    const running = await until("cat running in the pod's folder", 30_000, async () => {
      const pids = processesIn(io.workDir).filter((p) => commandOf(p) === "cat");
      return pids.length > 0 ? pids : undefined;
    });
    stop.abort();
    const outcome = await proc.done.then(() => "resolved", (e: unknown) => e);
    expect(isAbortError(outcome)).toBe(true);
    await until("cat gone", 30_000, async () => (running.every((p) => !processesIn(io.workDir).includes(p)) ? true : undefined));
  });

  test("closing the session ends a command that writes output (yes)", async () => {
    const proc = await openExec(pods, POD, ["yes"], { container: "app" });
    const reader = proc.stdout!.getReader();
    expect((await reader.read()).value?.byteLength).toBeGreaterThan(0);
    const running = await until("yes running", 30_000, async () => {
      const pids = processesIn(io.workDir).filter((p) => commandOf(p) === "yes");
      return pids.length > 0 ? pids : undefined;
    });
    proc.close();
    reader.releaseLock();
    await proc.stdout!.cancel();
    expect(isAbortError(await proc.done.catch((e: unknown) => e))).toBe(true);
    await until("yes gone", 30_000, async () => (running.every((p) => !processesIn(io.workDir).includes(p)) ? true : undefined));
  });

  test("a missing container, a missing pod and a pod that is not running: ApiError with the server's message", async () => {
    const container = await exec(pods, POD, ["true"], { container: "nope" }).catch((e: unknown) => e);
    expect(container).toBeInstanceOf(ApiError);
    expect(container).toMatchObject({ code: 400, reason: "BadRequest" });
    expect((container as ApiError).status.message).toBe(`container nope is not valid for pod ${POD}`);

    const missing = await exec(pods, "no-such-pod", ["true"]).catch((e: unknown) => e);
    expect(missing).toMatchObject({ code: 404, reason: "NotFound" });
    expect((missing as ApiError).status.message).toBe('pods "no-such-pod" not found');

    await pods.create({ metadata: { name: "pending" }, spec: { schedulerName: "bun-k8s-unscheduled", containers: [{ name: "app", image: "registry.invalid/app:1" }] } });
    const pending = await exec(pods, "pending", ["true"]).catch((e: unknown) => e);
    expect(pending).toBeInstanceOf(ApiError);
    expect((pending as ApiError).code).toBe(400);
    expect((pending as ApiError).status.message).toMatch(/pending/);
  });

  test("a command that cannot start: ExecError with the server's message and no exit code", async () => {
    const e = await exec(pods, POD, ["/no/such/program"], { container: "app" }).catch((err: unknown) => err);
    expect(e).toBeInstanceOf(ExecError);
    expect((e as ExecError).exitCode).toBeUndefined();
    expect((e as ExecError).message).toMatch(/\/no\/such\/program/);
  });

  test("attach streams what the container writes (kwok: its log file), per container", async () => {
    const proc = await attach(pods, POD, { container: "sidecar" });
    let out = "";
    const reading = readAll(proc.stdout!, (c) => (out += new TextDecoder().decode(c)));
    // Attach follows from the end of the log: lines written before kwok started following
    // are not shown, so write until one is.
    let n = 0;
    await until("attach shows a line", 30_000, async () => {
      io.appendLog("app", "not-this-container");
      io.appendLog("sidecar", `attached-line-${++n}`);
      return /attached-line-\d+\n/.test(out) ? true : undefined;
    });
    io.appendLog("sidecar", "attached-last");
    await until("attach shows the next line", 30_000, async () => (out.includes("attached-last\n") ? true : undefined));
    proc.close();
    await proc.done.catch(() => undefined);
    await reading.catch(() => undefined);
    expect(out).not.toContain("not-this-container");
  });
});
