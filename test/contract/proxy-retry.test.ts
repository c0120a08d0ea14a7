/**
 * proxy-url through a loopback CONNECT proxy the test starts (TLS and the client
 * certificate stay end to end), and retries seen from both sides: the connection's onRetry
 * hook and the request log of a TLS-terminating fault proxy in front of the real API server
 * that answers 429 / 503 itself when told to.
 */
import { readFileSync } from "node:fs";
import { connect as netConnect, createServer, type Socket } from "node:net";
import { createServer as createTlsServer } from "node:tls";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, test, type TestContext } from "vitest";
import type { KubeClient } from "../../src/client/kube-client.ts";
import type { RetryEvent } from "../../src/connection/connection.ts";
import { ApiError, TransportError, isTooManyRequests } from "../../src/base/errors.ts";
import { ConfigMap, Namespace } from "../../generated/k8s/core/v1/index.ts";
import { startConnectProxy } from "../support/connect-proxy.ts";
import { startFaultProxy, type FaultAction, type FaultProxy, type SeenRequest } from "../support/fault-proxy.ts";
import { readKubeconfigMaterial } from "../support/kubeconfig-material.ts";
import {
  b64,
  Clients,
  cluster,
  clusterEntry,
  failure,
  harnessWhoAmI,
  local,
  notApplicable,
  selfSigned,
  tempDir,
  whoAmI,
  writeKubeconfig,
} from "./auth-fixtures.ts";

const t = tempDir("bun-k8s-proxy-retry-");
const clients = new Clients(t);
const admin = readKubeconfigMaterial(cluster.kubeconfigs.admin);
const tokenUser = readKubeconfigMaterial(cluster.kubeconfigs.token);
const clusterCa = readFileSync(cluster.caFile, "utf8");
/** One PEM bundle of distinct certificates (locally the proxy's CA is the cluster CA). */
const bundle = (...pems: string[]): string => [...new Set(pems.map((p) => p.trim()))].join("\n") + "\n";
let namespace: string;
let adminClient: KubeClient;

beforeAll(async () => {
  adminClient = await clients.load(cluster.kubeconfigs.admin);
  namespace = (await adminClient.api(Namespace).create({ metadata: { generateName: "bun-k8s-retry-" } })).metadata!.name!;
});

afterAll(async () => {
  await adminClient.api(Namespace).delete(namespace).catch(() => undefined);
  clients.closeAll();
  t.remove();
});

describe("proxy-url", () => {
  test("requests tunnel through the CONNECT proxy; TLS and the client credential stay end to end", async () => {
    const proxy = await startConnectProxy();
    try {
      const user = admin.tls.cert && admin.tls.key
        ? { "client-certificate-data": b64(admin.tls.cert), "client-key-data": b64(admin.tls.key) }
        : { token: admin.token };
      const file = writeKubeconfig(t, "proxy/kubeconfig", { cluster: clusterEntry({ "proxy-url": proxy.url }), user });
      const kube = await clients.load(file);
      expect(kube.config?.proxyUrl).toBe(proxy.url);
      expect((await whoAmI(kube)).username).toBe(await harnessWhoAmI(admin));
      const target = new URL(cluster.server).host;
      expect(proxy.tunnels).toEqual([target]);
      // Kept-alive connections ride their tunnel: sequential requests open no new one.
      for (let i = 0; i < 3; i++) await kube.api(Namespace).get("default");
      expect(proxy.tunnels).toEqual([target]);
      // Concurrent requests may open more (HTTP/1.1 on Bun), all to the API server.
      await Promise.all([1, 2, 3].map(() => kube.api(Namespace).get("default")));
      expect(proxy.tunnels.length).toBeLessThanOrEqual(3);
      expect(new Set(proxy.tunnels)).toEqual(new Set([target]));
    } finally {
      await proxy.close();
    }
  });

  test("an https:// proxy-url: TLS to the proxy, then TLS to the API server inside the tunnel", async (ctx) => {
    const serving = proxyServingCertificate(ctx);
    const inner = await startConnectProxy();
    // TLS in front of the plain CONNECT proxy makes it an https proxy; its certificate is
    // the local PKI's serving certificate, signed by the cluster CA.
    const sockets = new Set<Socket>();
    const front = createTlsServer({ cert: serving.cert, key: serving.key }, (socket) => {
      const upstream = netConnect(Number(new URL(inner.url).port), "127.0.0.1");
      for (const s of [socket, upstream]) {
        sockets.add(s);
        s.on("error", () => {
          socket.destroy();
          upstream.destroy();
        });
        s.on("close", () => sockets.delete(s));
      }
      socket.pipe(upstream).pipe(socket);
    });
    await new Promise<void>((resolve) => front.listen(0, "127.0.0.1", resolve));
    const address = front.address();
    const proxyUrl = `https://127.0.0.1:${typeof address === "object" && address ? address.port : 0}`;
    try {
      const file = writeKubeconfig(t, "https-proxy/kubeconfig", {
        cluster: { server: cluster.server, "certificate-authority-data": b64(bundle(clusterCa, serving.ca)), "proxy-url": proxyUrl },
        user: { token: tokenUser.token },
      });
      const kube = await clients.load(file, { retry: false });
      expect((await kube.api(Namespace).get("default")).metadata?.name).toBe("default");
      expect(inner.tunnels).toEqual([new URL(cluster.server).host]);
    } finally {
      for (const s of sockets) s.destroy();
      await new Promise((r) => front.close(r));
      await inner.close();
    }
  });

  test("a proxy that cannot be reached fails the request; there is no silent direct connection", async () => {
    const closedPort = await new Promise<number>((resolve) => {
      const s = createServer().listen(0, "127.0.0.1", () => {
        const address = s.address();
        s.close(() => resolve(typeof address === "object" && address ? address.port : 0));
      });
    });
    const file = writeKubeconfig(t, "proxy-down/kubeconfig", {
      cluster: clusterEntry({ "proxy-url": `http://127.0.0.1:${closedPort}` }),
      user: { token: tokenUser.token },
    });
    const kube = await clients.load(file, { retry: false });
    const e = await failure(kube.api(Namespace).get("default"));
    expect(e).toBeInstanceOf(TransportError);
    expect(e).not.toBeInstanceOf(ApiError);
  });

  test("a proxy that hangs up without answering CONNECT fails a watch at once instead of leaving it waiting", async () => {
    const hangUp = createServer((socket) => socket.destroy());
    await new Promise<void>((resolve) => hangUp.listen(0, "127.0.0.1", resolve));
    const address = hangUp.address();
    try {
      const file = writeKubeconfig(t, "proxy-hangup/kubeconfig", {
        cluster: clusterEntry({ "proxy-url": `http://127.0.0.1:${typeof address === "object" && address ? address.port : 0}` }),
        user: { token: tokenUser.token },
      });
      const kube = await clients.load(file, { retry: false });
      const started = Date.now();
      // A watch has no header deadline: only the transport noticing the hang-up can end it.
      const e = await failure((async () => {
        for await (const event of kube.api(ConfigMap, { namespace }).watch()) return event;
      })());
      expect(e).toBeInstanceOf(TransportError);
      expect(Date.now() - started).toBeLessThan(5_000);
    } finally {
      await new Promise((r) => hangUp.close(r));
    }
  }, 10_000);
});

// The proxy's log and our clock are both Date.now(); a timer may fire up to a millisecond
// before the clock shows the full delay.
const CLOCK_SLACK_MS = 2;

interface Faulted {
  proxy: FaultProxy;
  kube: KubeClient;
  retries: (RetryEvent & { at: number })[];
}

/** Serving certificate for the fault proxy that the client can verify. */
function proxyServingCertificate(ctx: TestContext): { cert: string; key: string; ca: string } {
  if (local && cluster.pkiDir) {
    const read = (f: string) => readFileSync(join(cluster.pkiDir!, f), "utf8");
    return { cert: read("apiserver.crt"), key: read("apiserver.key"), ca: read("ca.crt") };
  }
  const own = selfSigned(t, "fault-proxy", "IP:127.0.0.1");
  if ("missing" in own) return notApplicable(ctx, own.missing);
  return { ...own, ca: own.cert };
}

const proxies: FaultProxy[] = [];
afterEach(async () => {
  for (const p of proxies.splice(0)) await p.close();
});

async function throughFaultProxy(
  ctx: TestContext,
  plan: (req: SeenRequest) => FaultAction | undefined,
  retry?: { maxRetries: number },
): Promise<Faulted> {
  if (!tokenUser.token) throw new Error("the token kubeconfig has no token");
  const serving = proxyServingCertificate(ctx);
  const proxy = await startFaultProxy({ upstream: cluster.server, ca: clusterCa, cert: serving.cert, key: serving.key, plan });
  proxies.push(proxy);
  // Client certificates cannot cross a TLS-terminating proxy: a bearer token does.
  const file = writeKubeconfig(t, `fault/${proxies.length}-${Date.now()}.kubeconfig`, {
    cluster: { server: proxy.url, "certificate-authority-data": b64(serving.ca) },
    user: { token: tokenUser.token },
    namespace,
  });
  const retries: Faulted["retries"] = [];
  const kube = await clients.load(file, { onRetry: (e) => retries.push({ ...e, at: Date.now() }), ...(retry && { retry }) });
  return { proxy, kube, retries };
}

const gaps = (requests: SeenRequest[]): number[] => requests.slice(1).map((r, i) => r.at - requests[i]!.at);

describe("retries through the fault proxy", () => {
  test("429 with Retry-After: 1 is retried once, no sooner than a second later", async (ctx) => {
    const { proxy, kube, retries } = await throughFaultProxy(ctx, (r) =>
      r.n === 0 ? { kind: "respond", status: 429, headers: { "retry-after": "1" } } : undefined,
    );
    const ns = await kube.api(Namespace).get(namespace);
    expect(ns.metadata?.name).toBe(namespace);

    expect(retries).toHaveLength(1);
    expect(retries[0]).toMatchObject({ method: "GET", path: `/api/v1/namespaces/${namespace}`, retry: 1, reason: "429 Too Many Requests" });
    expect(retries[0]!.delayMs).toBeGreaterThanOrEqual(1000);
    expect(proxy.requests.map((r) => `${r.method} ${r.url}`)).toEqual([
      `GET /api/v1/namespaces/${namespace}`,
      `GET /api/v1/namespaces/${namespace}`,
    ]);
    const [gap] = gaps(proxy.requests);
    expect(gap).toBeGreaterThanOrEqual(retries[0]!.delayMs - CLOCK_SLACK_MS);
    expect(gap).toBeGreaterThanOrEqual(1000 - CLOCK_SLACK_MS);
  });

  test("503 without Retry-After on a GET: retried with growing, jittered backoff", async (ctx) => {
    const { proxy, kube, retries } = await throughFaultProxy(ctx, (r) => (r.n < 3 ? { kind: "respond", status: 503 } : undefined));
    expect((await kube.api(Namespace).list({ limit: 1 })).items).toHaveLength(1);

    expect(retries.map((r) => [r.retry, r.reason])).toEqual([
      [1, "503 Service Unavailable"],
      [2, "503 Service Unavailable"],
      [3, "503 Service Unavailable"],
    ]);
    // DEFAULT_RETRY_POLICY: 250 ms doubling, "equal jitter" keeps each delay in [base/2, base].
    const bases = [250, 500, 1000];
    retries.forEach((r, i) => {
      expect(r.delayMs).toBeGreaterThanOrEqual(bases[i]! / 2);
      expect(r.delayMs).toBeLessThanOrEqual(bases[i]!);
    });
    expect(proxy.requests).toHaveLength(4);
    gaps(proxy.requests).forEach((gap, i) => expect(gap).toBeGreaterThanOrEqual(retries[i]!.delayMs - CLOCK_SLACK_MS));
  });

  test("a POST answered 503 without Retry-After is not retried: exactly one request reaches the proxy", async (ctx) => {
    const { proxy, kube, retries } = await throughFaultProxy(ctx, (r) => (r.method === "POST" ? { kind: "respond", status: 503 } : undefined));
    const e = await failure(kube.api(ConfigMap, { namespace }).create({ metadata: { name: "not-retried" } }));
    expect(e).toBeInstanceOf(ApiError);
    expect((e as ApiError).code).toBe(503);
    expect((e as ApiError).status.message).toBe("injected by the test's fault proxy");
    expect(retries).toEqual([]);
    expect(proxy.requests.map((r) => r.method)).toEqual(["POST"]);
    // The proxy answered itself, so nothing was created upstream.
    expect(await adminClient.api(ConfigMap, { namespace }).getOpt("not-retried")).toBeUndefined();
  });

  test("a POST answered 503 with Retry-After is retried: the server said it did not process it", async (ctx) => {
    const { proxy, kube, retries } = await throughFaultProxy(ctx, (r) =>
      r.n === 0 ? { kind: "respond", status: 503, headers: { "retry-after": "1" } } : undefined,
    );
    const created = await kube.api(ConfigMap, { namespace }).create({ metadata: { name: "retried-post" }, data: { a: "1" } });
    expect(created.metadata?.name).toBe("retried-post");
    expect(retries.map((r) => [r.method, r.reason])).toEqual([["POST", "503 Service Unavailable"]]);
    expect(proxy.requests.map((r) => r.method)).toEqual(["POST", "POST"]);
    expect(gaps(proxy.requests)[0]).toBeGreaterThanOrEqual(1000 - CLOCK_SLACK_MS);
  });

  test("429 past the retry budget surfaces as a typed TooManyRequests after maxRetries + 1 requests", async (ctx) => {
    const { proxy, kube, retries } = await throughFaultProxy(
      ctx,
      () => ({ kind: "respond", status: 429, headers: { "retry-after": "0" }, body: JSON.stringify({ kind: "Status", apiVersion: "v1", status: "Failure", code: 429, reason: "TooManyRequests", message: "slow down", details: { retryAfterSeconds: 0 } }) }),
      { maxRetries: 2 },
    );
    const e = await failure(kube.api(Namespace).get(namespace));
    expect(isTooManyRequests(e)).toBe(true);
    expect((e as ApiError).status).toMatchObject({ reason: "TooManyRequests", message: "slow down" });
    expect(retries).toHaveLength(2);
    expect(proxy.requests).toHaveLength(3);
  });
});
