/**
 * Kubeconfig and protocol edge cases, resolved as kubectl does: an alias bomb and YAML 1.1
 * booleans refused at load, a 401 that keeps the server's Status, a JSON `null` body, and
 * 1,000 concurrent GETs to a server without HTTP/2 (Node's HTTP/1.1 fallback pools them).
 */
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { MAX_CONNECTIONS_PER_ORIGIN } from "../../src/transport/request-slots.ts";
import { runChild, runtime } from "./child-runner.ts";
import { failed, hostileBench, printTable, record, secret, type Bench } from "./hostile-fixtures.ts";
import { json, startHostileServer, type HostileServer } from "./hostile-server.ts";

let bench: Bench;
let server: HostileServer;
let h1: HostileServer;

beforeAll(async () => {
  bench = hostileBench();
  server = await startHostileServer(bench.pki);
  h1 = await startHostileServer(bench.pki, "http1");
});
afterAll(async () => {
  printTable();
  await Promise.all([server.close(), h1.close()]);
  bench.remove();
});

/** Nine levels of nine aliases each: 387 million nodes once expanded. */
function aliasBomb(server: string): string {
  const levels = ["a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]"];
  for (const [i, name] of [..."bcdefghi"].entries()) levels.push(`${name}: &${name} [${Array(9).fill(`*${"abcdefghi"[i]}`).join(", ")}]`);
  return [
    "apiVersion: v1",
    "kind: Config",
    "current-context: x",
    "clusters:",
    "- name: c",
    "  cluster:",
    `    server: ${server}`,
    "    extensions:",
    "    - name: bomb",
    "      extension:",
    ...levels.map((l) => `        ${l}`),
    "contexts:",
    "- name: x",
    "  context: {cluster: c}",
    "",
  ].join("\n");
}

describe("kubeconfig edge cases", () => {
  test("an alias bomb is refused at load with ConfigError, in milliseconds and little memory", async () => {
    const kubeconfig = bench.t.write("bomb.kubeconfig", aliasBomb(server.url));
    const run = await runChild({ op: "load", kubeconfig });
    record("YAML alias bomb", run);
    const error = failed(run);
    expect(error.name).toBe("ConfigError");
    expect(error.message).toMatch(/document contains excessive aliasing/);
    expect(run.peakRssMiB).toBeLessThan(200);
  });

  test("a YAML 1.1 boolean where a string belongs (token: yes) is refused, as kubectl does", async () => {
    const kubeconfig = bench.t.write("yes.kubeconfig", `clusters:\n- name: c\n  cluster: {server: "${server.url}"}\nusers:\n- name: u\n  user: {token: yes}\ncontexts:\n- name: x\n  context: {cluster: c, user: u}\ncurrent-context: x\n`);
    const run = await runChild({ op: "load", kubeconfig });
    record("YAML 1.1 boolean as a token", run);
    const error = failed(run);
    expect(error.name).toBe("ConfigError");
    expect(error.message).toMatch(/users\[name=u\]\.user\.token must be a string, not a boolean/);
  });

  test("a 401 keeps the server's Status", async () => {
    server.handle = (_req, res) => json(res, 401, { kind: "Status", apiVersion: "v1", status: "Failure", reason: "Unauthorized", code: 401, message: "token has expired" });
    const run = await runChild({ op: "get", kubeconfig: bench.kubeconfig("401", server.url, { token: secret("tok") }) });
    record("401 with a Status", run);
    const error = failed(run);
    expect(error.name).toBe("ApiError");
    expect(error.message).toMatch(/^401 Unauthorized: token has expired \(GET /);
  });

  test("get() of a JSON null body is a DecodeError", async () => {
    server.handle = (_req, res) => json(res, 200, null);
    const run = await runChild({ op: "get", kubeconfig: bench.kubeconfig("null", server.url, { token: secret("tok") }) });
    record("get() of JSON null", run);
    const error = failed(run);
    expect(error.name).toBe("DecodeError");
    expect(error.message).toMatch(/^response body is JSON null, expected a JSON object/);
  });

  test("1,000 concurrent GETs to an HTTP/2 server that allows one stream per connection share a bounded pool", async () => {
    const narrow = await startHostileServer(bench.pki, "h2+http1", { maxConcurrentStreams: 1 });
    try {
      narrow.handle = (_req, res) => setTimeout(() => json(res, 200, { kind: "ConfigMap", metadata: { name: "x" } }), 20);
      const run = await runChild({ op: "gets", count: 1000, kubeconfig: bench.kubeconfig("narrow", narrow.url, { token: secret("tok") }) });
      const opened = narrow.connections();
      record("1000 concurrent GETs, HTTP/2 server with 1 stream per connection", run, run.result?.ok ? `ok, ${opened} connections` : undefined);
      expect(run.result?.value).toEqual({ answered: 1000 });
      expect(opened).toBeLessThanOrEqual(MAX_CONNECTIONS_PER_ORIGIN);
    } finally {
      await narrow.close();
    }
  });

  test("1,000 concurrent GETs to a server without HTTP/2 share a bounded pool", async () => {
    h1.handle = (_req, res) => setTimeout(() => json(res, 200, { kind: "ConfigMap", metadata: { name: "x" } }), 20);
    const before = h1.connections();
    const run = await runChild({ op: "gets", count: 1000, kubeconfig: bench.kubeconfig("gets", h1.url, { token: secret("tok") }) });
    const opened = h1.connections() - before;
    record("1000 concurrent GETs, HTTP/1.1 server", run, run.result?.ok ? `ok, ${opened} connections` : undefined);
    expect(run.result?.value).toEqual({ answered: 1000 });
    // Node's HTTP/1.1 pool and Bun's and Deno's fetch: one slot per request in flight (Deno's pool replaces one
    // connection over the run: at most 64 at once, 65 in all).
    expect(opened).toBeLessThanOrEqual(MAX_CONNECTIONS_PER_ORIGIN + (runtime === "bun" ? 0 : 1));
  });
});
