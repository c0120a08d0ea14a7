/**
 * pods/log through kube-apiserver to kwok's kubelet endpoint, which reads CRI-format files
 * the test writes: every option of logs() and logStream(), and follow seeing lines appended
 * while it runs. Local control plane with nodes only.
 */
import { afterAll, beforeAll, describe, expect, inject, test } from "vitest";
import { api } from "../../src/api/client.ts";
import { ApiError } from "../../src/base/errors.ts";
import type { Connection } from "../../src/connection/types.ts";
import { Pod } from "../../generated/k8s/core/v1/index.ts";
import type { PodIO } from "../support/pod-io.ts";
import { until } from "../support/pod-waits.ts";
import { readyPod } from "../support/pod-fixture.ts";
import { connect, scratchNamespace } from "./api-connection.ts";

const cluster = inject("cluster");
const POD = "talker";
const HOUR_AGO = new Date(Date.now() - 3600_000);
const HALF_HOUR_AGO = new Date(Date.now() - 1800_000);

describe.skipIf(!cluster.nodes)("logs through kube-apiserver to kwok", () => {
  let conn: Connection;
  let ns: string;
  let removeNamespace: () => Promise<void>;
  let io: PodIO;
  const pods = () => api(conn, Pod, { namespace: ns });

  beforeAll(async () => {
    conn = await connect();
    ({ name: ns, remove: removeNamespace } = await scratchNamespace(conn, "pod-logs"));
    io = await readyPod(cluster, conn, ns, POD, { containers: ["app", "sidecar"] });
    io.appendLog("app", "old-1\nold-2", { time: HOUR_AGO });
    io.appendLog("app", "recent-1", { stream: "stderr" });
    io.appendLog("app", "recent-2");
    io.appendLog("sidecar", "sidecar-line");
    io.appendLog("app", "before-restart", { previous: true });
  });
  afterAll(async () => {
    await removeNamespace?.();
    conn?.close();
  });

  test("container selection, and a pod with two containers needs one", async () => {
    expect(await pods().logs(POD, { container: "app" })).toBe("old-1\nold-2\nrecent-1\nrecent-2\n");
    expect(await pods().logs(POD, { container: "sidecar" })).toBe("sidecar-line\n");
    const e = await pods().logs(POD).catch((err: unknown) => err);
    expect(e).toBeInstanceOf(ApiError);
    expect((e as ApiError).status.message).toMatch(/a container name must be specified/);
  });

  test("tailLines, limitBytes and previous", async () => {
    expect(await pods().logs(POD, { container: "app", tailLines: 2 })).toBe("recent-1\nrecent-2\n");
    expect(await pods().logs(POD, { container: "app", limitBytes: 8 })).toBe("old-1\nol");
    expect(await pods().logs(POD, { container: "app", previous: true })).toBe("before-restart\n");
  });

  test("sinceSeconds and sinceTime (as a Date and as a string) drop the older lines", async () => {
    const recent = "recent-1\nrecent-2\n";
    expect(await pods().logs(POD, { container: "app", sinceSeconds: 600 })).toBe(recent);
    expect(await pods().logs(POD, { container: "app", sinceTime: HALF_HOUR_AGO })).toBe(recent);
    expect(await pods().logs(POD, { container: "app", sinceTime: HALF_HOUR_AGO.toISOString().replace(/\.\d+Z$/, "Z") })).toBe(recent);
  });

  test("timestamps prefix every line with its RFC 3339 time", async () => {
    const lines = (await pods().logs(POD, { container: "app", timestamps: true })).trimEnd().split("\n");
    expect(lines).toHaveLength(4);
    expect(lines[0]).toBe(`${HOUR_AGO.toISOString().replace(/\.(\d{3})Z$/, ".$1000000Z")} old-1`);
    for (const line of lines) expect(line).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d+Z \S+$/);
  });

  test("logStream with follow sees lines appended while it runs, and stops on abort", async () => {
    const stop = new AbortController();
    const seen: string[] = [];
    const following = (async () => {
      for await (const line of pods().logStream(POD, { container: "sidecar", follow: true, signal: stop.signal })) seen.push(line);
    })();
    try {
      await until("the existing line", 30_000, async () => (seen.includes("sidecar-line") ? true : undefined));
      io.appendLog("sidecar", "appended-1\nappended-2");
      io.appendLog("sidecar", "appended-3", { stream: "stderr" });
      await until("the appended lines", 30_000, async () => (seen.includes("appended-3") ? true : undefined));
      expect(seen).toEqual(["sidecar-line", "appended-1", "appended-2", "appended-3"]);
    } finally {
      // Also on failure: the stream must end here, not reject later when the connection closes.
      stop.abort();
    }
    await following;
  });
});
