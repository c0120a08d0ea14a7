/**
 * Compressed responses from the real kube-apiserver: by default we ask for gzip and decode
 * it; a kubeconfig with disable-compression asks for none. Seen through the loopback
 * TLS-terminating proxy, which records the headers that really crossed the wire.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, inject, test } from "vitest";
import { loadConfig } from "../../src/config/index.ts";
import { createConnection } from "../../src/connection/connection.ts";
import type { Connection } from "../../src/connection/types.ts";
import { startFaultProxy, type FaultProxy } from "../support/fault-proxy.ts";

const cluster = inject("cluster");
const cleanup: (() => Promise<void> | void)[] = [];
afterAll(async () => {
  for (const c of cleanup.reverse()) await c();
});

async function throughProxy(disableCompression: boolean): Promise<{ proxy: FaultProxy; conn: Connection }> {
  if (!cluster.pkiDir) throw new Error("this test needs the local control plane's PKI to serve the recording proxy");
  const pem = (file: string) => readFileSync(join(cluster.pkiDir!, file), "utf8");
  const proxy = await startFaultProxy({ upstream: cluster.server, ca: pem("ca.crt"), cert: pem("apiserver.crt"), key: pem("apiserver.key") });
  const config = await loadConfig({ kubeconfigPath: cluster.kubeconfigs.token });
  const conn = createConnection({ ...config, server: proxy.url, disableCompression });
  cleanup.push(() => conn.close(), () => proxy.close());
  return { proxy, conn };
}

// kube-apiserver gzips resource responses above 128 KiB when asked to: a ConfigMap of 300 KiB will do.
const namespace = cluster.restrictedNamespace;
const name = `compression-${Date.now().toString(36)}`;
const bigPath = `/api/v1/namespaces/${namespace}/configmaps/${name}`;
const payload = "bun-k8s ".repeat(300 * 128);

async function createBigConfigMap(conn: Connection): Promise<void> {
  await conn.send({
    method: "POST",
    path: `/api/v1/namespaces/${namespace}/configmaps`,
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ apiVersion: "v1", kind: "ConfigMap", metadata: { name }, data: { payload } }),
  });
  cleanup.push(() => conn.send({ method: "DELETE", path: bigPath }).then(() => undefined));
}

describe.runIf(cluster.mode === "local")("response compression", () => {
  test("gzip is requested, sent by the server, and decoded", async () => {
    const { proxy, conn } = await throughProxy(false);
    await createBigConfigMap(conn);
    const res = await conn.send({ method: "GET", path: bigPath });
    expect((JSON.parse(await res.text()) as { data: { payload: string } }).data.payload).toBe(payload);
    const seen = proxy.requests.find((r) => r.method === "GET" && r.url.startsWith(bigPath));
    expect(String(seen?.requestHeaders?.["accept-encoding"])).toMatch(/gzip/);
    expect(seen?.responseHeaders?.["content-encoding"]).toBe("gzip");
    expect(res.headers["content-encoding"]).toBeUndefined();
  });

  test("disable-compression asks for the identity encoding", async () => {
    const { proxy, conn } = await throughProxy(true);
    const res = await conn.send({ method: "GET", path: bigPath });
    expect((JSON.parse(await res.text()) as { data: { payload: string } }).data.payload).toBe(payload);
    const seen = proxy.requests.find((r) => r.method === "GET" && r.url.startsWith(bigPath));
    expect(String(seen?.requestHeaders?.["accept-encoding"] ?? "")).not.toMatch(/gzip/);
    expect(seen?.responseHeaders?.["content-encoding"]).toBeUndefined();
  });
});
