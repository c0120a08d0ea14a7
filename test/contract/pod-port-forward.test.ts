/**
 * The SDK's port-forward (bun-k8s/pod-io) through kube-apiserver to kwok, which connects
 * each forwarded connection to a loopback echo server (in a child process). Many
 * connections at once byte-exact, a thousand in a row without a leaked socket, the stream
 * API, and the kubelet's errors. Local control plane with nodes only.
 */
import { createHash, randomBytes } from "node:crypto";
import { connect as tcpConnect } from "node:net";
import { afterAll, beforeAll, describe, expect, inject, test } from "vitest";
import { api } from "../../src/api/client.ts";
import { ApiError } from "../../src/base/errors.ts";
import type { Connection } from "../../src/connection/types.ts";
import { listenPortForward, openPortForward, PortForwardError, type PortForwardListener } from "../../src/pod-io/index.ts";
import { Pod } from "../../generated/k8s/core/v1/index.ts";
import { until } from "../support/pod-waits.ts";
import { openSockets, readyPod, startEchoServer, type EchoServer } from "../support/pod-fixture.ts";
import { connect, scratchNamespace } from "./api-connection.ts";

const cluster = inject("cluster");
const POD = "forward";
const ECHO_PORT = 7000;
const UNMAPPED_PORT = 7001;
const MB = 1024 * 1024;

/** Connects to the local port, sends `payload`, reads as many bytes back, closes; resolves with what came back. */
function echoThrough(port: number, payload: Buffer): Promise<Buffer> {
  return new Promise<Buffer>((resolve, reject) => {
    const parts: Buffer[] = [];
    let got = 0;
    const socket = tcpConnect(port, "127.0.0.1", () => socket.write(payload));
    socket.on("data", (d: Buffer) => {
      parts.push(d);
      got += d.length;
      if (got >= payload.length) socket.destroy();
    });
    socket.on("close", () => resolve(Buffer.concat(parts)));
    socket.on("error", reject);
  });
}

/**
 * For a connection the listener drops (the kubelet refused it): the bytes that came back.
 * The listener destroys the socket, so the client sees an end or, when its write was still
 * unread (Bun does this more often), a reset; both are the drop.
 */
function droppedThrough(port: number, payload: Buffer): Promise<Buffer> {
  return new Promise<Buffer>((resolve, reject) => {
    const parts: Buffer[] = [];
    const socket = tcpConnect(port, "127.0.0.1", () => socket.write(payload));
    socket.on("data", (d: Buffer) => parts.push(d));
    socket.on("close", () => resolve(Buffer.concat(parts)));
    socket.on("error", (e: NodeJS.ErrnoException) => {
      if (e.code !== "ECONNRESET" && e.code !== "EPIPE") reject(e);
    });
  });
}

const sha = (b: Uint8Array) => createHash("sha256").update(b).digest("hex");

describe.skipIf(!cluster.nodes)("port-forward (bun-k8s/pod-io) through kube-apiserver to kwok", () => {
  let conn: Connection;
  let ns: string;
  let removeNamespace: () => Promise<void>;
  let echo: EchoServer;

  beforeAll(async () => {
    conn = await connect();
    ({ name: ns, remove: removeNamespace } = await scratchNamespace(conn, "pod-forward"));
    echo = await startEchoServer();
    await readyPod(cluster, conn, ns, POD, { ports: { [ECHO_PORT]: echo.port } });
  });
  afterAll(async () => {
    echo?.stop();
    await removeNamespace?.();
    conn?.close();
  });

  test("a local listener on port 0: 50 concurrent connections, each echoing 10 MB byte-exact", async () => {
    const errors: Error[] = [];
    const fwd = await listenPortForward(api(conn, Pod, { namespace: ns }), POD, [ECHO_PORT], { onError: (e) => errors.push(e) });
    try {
      expect(fwd.ports).toEqual([{ local: expect.any(Number), remote: ECHO_PORT }]);
      expect(fwd.ports[0]!.local).toBeGreaterThan(0);
      const payloads = Array.from({ length: 50 }, () => randomBytes(10 * MB));
      const echoed = await Promise.all(payloads.map((p) => echoThrough(fwd.ports[0]!.local, p)));
      for (let i = 0; i < payloads.length; i++) {
        expect(echoed[i]!.length).toBe(payloads[i]!.length);
        expect(sha(echoed[i]!)).toBe(sha(payloads[i]!));
      }
      expect(errors).toEqual([]);
    } finally {
      await fwd.close();
    }
  }, 600_000);

  test("1,000 sequential connections through one listener leave no socket open", async () => {
    const pods = api(conn, Pod, { namespace: ns });
    // Warm the connection's pools first, so what stays open afterwards is a leak.
    await pods.get(POD);
    const before = openSockets();
    const fwd: PortForwardListener = await listenPortForward(pods, POD, [{ remote: ECHO_PORT, local: 0 }]);
    const payload = Buffer.from("ping 0123456789");
    for (let i = 0; i < 1000; i++) {
      const back = await echoThrough(fwd.ports[0]!.local, payload);
      if (!back.equals(payload)) throw new Error(`connection ${i} echoed ${back.length} bytes, expected ${payload.length}`);
    }
    await until("every forwarded connection closed", 30_000, async () => (fwd.connections === 0 ? true : undefined));
    await fwd.close();
    // The listener's socket and the 1,000 WebSockets are gone; the API connection's own pool may remain.
    await until(`open sockets back to ${before}`, 30_000, async () => (openSockets() <= before ? true : undefined));
    expect(openSockets()).toBeLessThanOrEqual(before);
  }, 600_000);

  test("the stream API: one connection as a readable and a writable, no local socket", async () => {
    const stream = await openPortForward(api(conn, Pod, { namespace: ns }), POD, ECHO_PORT);
    const payload = randomBytes(3 * MB);
    const writer = stream.writable.getWriter();
    const reading = (async () => {
      const parts: Uint8Array[] = [];
      let got = 0;
      for await (const chunk of stream.readable as unknown as AsyncIterable<Uint8Array>) {
        parts.push(chunk);
        got += chunk.byteLength;
        if (got >= payload.length) break;
      }
      return Buffer.concat(parts);
    })();
    await writer.write(payload);
    const back = await reading;
    expect(sha(back)).toBe(sha(payload));
    stream.close();
    await stream.closed;
  });

  test("a pod port with no target: PortForwardError with the kubelet's message, on the stream and through the listener", async () => {
    const pods = api(conn, Pod, { namespace: ns });
    const stream = await openPortForward(pods, POD, UNMAPPED_PORT);
    const failure = await stream.closed.then(() => undefined, (e: unknown) => e);
    expect(failure).toBeInstanceOf(PortForwardError);
    expect((failure as PortForwardError).port).toBe(UNMAPPED_PORT);
    expect((failure as PortForwardError).message).toMatch(new RegExp(`forward not found for port ${UNMAPPED_PORT}`));
    await expect(stream.readable.getReader().read()).rejects.toBeInstanceOf(PortForwardError);

    const errors: Error[] = [];
    const fwd = await listenPortForward(pods, POD, [UNMAPPED_PORT], { onError: (e) => errors.push(e) });
    try {
      const back = await droppedThrough(fwd.ports[0]!.local, Buffer.from("anyone?"));
      expect(back.length).toBe(0);
      await until("the listener reported the error", 30_000, async () => (errors.length > 0 ? true : undefined));
      expect(errors[0]).toBeInstanceOf(PortForwardError);
      expect(errors[0]!.message).toMatch(/forward not found/);
    } finally {
      await fwd.close();
    }
  });

  test("one listener for two pod ports: each local port reaches its own pod port, errors name theirs", async () => {
    const errors: { error: Error; remote: number }[] = [];
    const fwd = await listenPortForward(api(conn, Pod, { namespace: ns }), POD, [ECHO_PORT, UNMAPPED_PORT], {
      onError: (error, port) => errors.push({ error, remote: port.remote }),
    });
    try {
      expect(fwd.ports.map((p) => p.remote)).toEqual([ECHO_PORT, UNMAPPED_PORT]);
      const [echoLocal, unmappedLocal] = fwd.ports.map((p) => p.local);
      expect(echoLocal).not.toBe(unmappedLocal);
      const payload = randomBytes(256 * 1024);
      const [echoed, refused] = await Promise.all([echoThrough(echoLocal!, payload), droppedThrough(unmappedLocal!, Buffer.from("anyone?"))]);
      expect(sha(echoed)).toBe(sha(payload));
      expect(refused.length).toBe(0);
      await until("the listener reported the unmapped port's error", 30_000, async () => (errors.length > 0 ? true : undefined));
      expect(errors).toHaveLength(1);
      expect(errors[0]!.remote).toBe(UNMAPPED_PORT);
      expect(errors[0]!.error).toBeInstanceOf(PortForwardError);
      expect(errors[0]!.error.message).toMatch(new RegExp(`forward not found for port ${UNMAPPED_PORT}`));
    } finally {
      await fwd.close();
    }
  });

  test("a pod that does not exist: the stream rejects with ApiError 404", async () => {
    const e = await openPortForward(api(conn, Pod, { namespace: ns }), "no-such-pod", ECHO_PORT).catch((err: unknown) => err);
    expect(e).toBeInstanceOf(ApiError);
    expect(e).toMatchObject({ code: 404 });
  });

  test("a given local port is used; close() frees it", async () => {
    const first = await listenPortForward(api(conn, Pod, { namespace: ns }), POD, [ECHO_PORT]);
    const port = first.ports[0]!.local;
    await first.close();
    const again = await listenPortForward(api(conn, Pod, { namespace: ns }), POD, [{ remote: ECHO_PORT, local: port }]);
    try {
      expect(again.ports[0]!.local).toBe(port);
      expect((await echoThrough(port, Buffer.from("same port"))).toString()).toBe("same port");
    } finally {
      await again.close();
    }
  });
});
