/**
 * Every phase has a deadline: a body that stalls after its headers fails at timeoutMs (per
 * connection or per call, on HTTP/2 and on the HTTP/1.1 fallback), and a hung exec plugin
 * fails the request at the plugin's timeout, at the request's timeoutMs, or at the caller's
 * abort, and is killed together with the process it started.
 */
import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { runChild } from "./child-runner.ts";
import { alive, failed, hostileBench, printTable, record, secret, until, type Bench } from "./hostile-fixtures.ts";
import { headersThenStall, startHostileServer, type HostileServer } from "./hostile-server.ts";

/** Time allowed past a deadline: process scheduling on a busy 2-core machine, not slack in the SDK. */
const MARGIN_MS = 1_500;

let bench: Bench;
let h2: HostileServer;
let h1: HostileServer;

beforeAll(async () => {
  bench = hostileBench();
  h2 = await startHostileServer(bench.pki);
  h1 = await startHostileServer(bench.pki, "http1");
  for (const server of [h2, h1]) {
    server.handle = (_req, res) => {
      headersThenStall(res);
      res.write('{"kind":"ConfigMap","metadata":');
    };
  }
});
afterAll(async () => {
  printTable();
  await Promise.all([h2.close(), h1.close()]);
  bench.remove();
});

describe("a body that stalls after its headers", () => {
  test.each([
    ["timeoutMs per connection (h2 where offered)", () => h2, { client: { timeoutMs: 1_500 } }],
    ["timeoutMs per call (h2 where offered)", () => h2, { client: { timeoutMs: 0 }, call: { timeoutMs: 1_500 } }],
    ["timeoutMs per connection (HTTP/1.1 server)", () => h1, { client: { timeoutMs: 1_500 } }],
  ] as const)("fails with TIMEOUT at %s", async (name, server, options) => {
    const kubeconfig = bench.kubeconfig(`stall-${server().port}`, server().url, { token: secret("tok") });
    const run = await runChild({ op: "get", kubeconfig, ...options });
    record(`stalled body, ${name}`, run);
    const error = failed(run);
    expect(error.name).toBe("TransportError");
    expect(error.code).toBe("TIMEOUT");
    expect(error.message).toMatch(/^the response body did not complete within timeoutMs \(GET \/api\/v1\/namespaces\/default\/configmaps\/x, server https:\/\/127\.0\.0\.1:\d+, context hostile\)$/);
    expect(run.result!.elapsedMs).toBeGreaterThanOrEqual(1_400);
    expect(run.result!.elapsedMs).toBeLessThan(1_500 + MARGIN_MS);
  });
});

describe("an exec plugin that hangs", () => {
  let serial = 0;
  /** A plugin that starts a sleeping child, records both pids, and sleeps itself. */
  function hungPlugin(): { kubeconfig: string; pids(): number[] } {
    const n = ++serial;
    const pidFile = bench.t.path(`hung-${n}.pids`);
    const command = bench.script(`hung-${n}`, `sleep 300 &\necho "$$ $!" > "${pidFile}"\nsleep 300\n`);
    const kubeconfig = bench.kubeconfig(`hung-${n}`, h2.url, { exec: { apiVersion: "client.authentication.k8s.io/v1", command, interactiveMode: "Never" } });
    return {
      kubeconfig,
      pids: () => {
        try {
          return readFileSync(pidFile, "utf8").trim().split(" ").map(Number);
        } catch {
          return [];
        }
      },
    };
  }

  test.each([
    ["its own timeout (execTimeoutMs 1000)", { client: { execTimeoutMs: 1_000, timeoutMs: 0 } }, "AuthError", undefined, /did not finish within 1000 ms and was killed/],
    ["the request's timeoutMs (1000)", { client: { timeoutMs: 1_000 } }, "TransportError", "TIMEOUT", /^no credentials from exec .*hung-\d+ within timeoutMs \(1000 ms\)/],
    ["the caller's abort (after 1000 ms)", { client: { timeoutMs: 0 }, abortAfterMs: 1_000 }, "TransportError", "ABORT_ERR", /^request aborted while waiting for credentials/],
  ] as const)("fails at %s, and the plugin and its child are killed", async (name, options, errorName, code, message) => {
    const plugin = hungPlugin();
    const run = await runChild({ op: "get", kubeconfig: plugin.kubeconfig, ...options });
    record(`hung exec plugin, ${name}`, run);
    const error = failed(run);
    expect(error.name).toBe(errorName);
    expect(error.code).toBe(code);
    expect(error.message).toMatch(message);
    expect(run.result!.elapsedMs).toBeGreaterThanOrEqual(950);
    expect(run.result!.elapsedMs).toBeLessThan(1_000 + MARGIN_MS);
    expect(plugin.pids()).toHaveLength(2);
    expect(await until(() => plugin.pids().every((pid) => !alive(pid)))).toBe(true);
  });
});
