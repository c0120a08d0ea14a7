/**
 * Memory stays bounded whatever a server sends: huge lists, a watch line that never ends,
 * gzip bombs as a list and as a watch. Each case runs the client in a child process and
 * reads its peak RSS from /proc; ceilings are generous, the point is "bounded", not "small".
 */
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { runChild } from "./child-runner.ts";
import { gzipBomb } from "./gzip-bomb.ts";
import { failed, hostileBench, printTable, record, secret, type Bench } from "./hostile-fixtures.ts";
import { headersThenStall, json, sendBuffer, startHostileServer, streamBody, type HostileServer } from "./hostile-server.ts";

const MiB = 1024 * 1024;
/** The default limit is 256 MiB: collecting up to it, plus the runtime, fits well under this. */
const CEILING_MIB = 512;

let bench: Bench;
let server: HostileServer;
let kubeconfig: string;

beforeAll(async () => {
  bench = hostileBench();
  server = await startHostileServer(bench.pki);
  kubeconfig = bench.kubeconfig("memory", server.url, { token: secret("tok") });
});
afterAll(async () => {
  printTable();
  await server.close();
  bench.remove();
});

const LIST_PREFIX = '{"kind":"ConfigMapList","apiVersion":"v1","metadata":{"resourceVersion":"1"},"items":[';
const item = (i: number, pad = 0): string =>
  JSON.stringify({ metadata: { name: `cm-${String(i).padStart(5, "0")}`, namespace: "default", resourceVersion: String(i + 1) }, data: { pad: "x".repeat(pad) } });
/** 1 MiB of list items: the filler a huge list repeats. */
const ITEMS = Buffer.from(`${item(0)},`.repeat(Math.floor(MiB / (item(0).length + 1))));

describe("huge responses", () => {
  test.each([
    ["a 600 MB list", 600_000_000],
    ["a 2 GiB list", 2 * 1024 * MiB],
  ])("%s fails with ResponseTooLargeError at the default 256 MiB, memory bounded", async (name, total) => {
    server.handle = (_req, res) => streamBody(res, { prefix: LIST_PREFIX, filler: ITEMS, total, suffix: "{}]}" });
    const run = await runChild({ op: "list", kubeconfig });
    record(name, run);
    const error = failed(run);
    expect(error.name).toBe("ResponseTooLargeError");
    expect(error.message).toMatch(
      /^the response body is larger than 256 MiB \(maxResponseBytes\); list in pages with `limit` .* \(GET \/api\/v1\/namespaces\/default\/configmaps, server https:\/\/127\.0\.0\.1:\d+, context hostile\)$/,
    );
    expect(run.peakRssMiB).toBeLessThan(CEILING_MIB);
  });

  test("a 2 GiB list that announces its length is refused before a byte is read", async () => {
    server.handle = (_req, res) => streamBody(res, { prefix: LIST_PREFIX, filler: ITEMS, total: 2 * 1024 * MiB, headers: { "content-length": 2 * 1024 * MiB } });
    const run = await runChild({ op: "list", kubeconfig });
    record("a 2 GiB list with Content-Length", run);
    expect(failed(run).name).toBe("ResponseTooLargeError");
    expect(run.peakRssMiB).toBeLessThan(200);
  });

  test("a 10 MB gzip body that inflates to 10 GiB, as a list", async () => {
    const bomb = gzipBomb(LIST_PREFIX, " ", "]}", 10 * 1024);
    expect(bomb.body.length).toBeLessThan(12 * 1000 * 1000);
    expect(bomb.inflatedBytes).toBeGreaterThan(10 * 1024 * MiB);
    server.handle = (_req, res) => sendBuffer(res, bomb.body, { "content-type": "application/json", "content-encoding": "gzip" });
    const run = await runChild({ op: "list", kubeconfig });
    record("gzip bomb (10 MB to 10 GiB) as a list", run);
    expect(failed(run).name).toBe("ResponseTooLargeError");
    expect(run.peakRssMiB).toBeLessThan(CEILING_MIB);
  });
});

describe("streams", () => {
  test("a watch line that never ends fails with ResponseTooLargeError at 16 MiB", async () => {
    server.handle = (_req, res) => streamBody(res, { prefix: '{"type":"ADDED","object":{"metadata":{"name":"', filler: Buffer.alloc(MiB, "a"), total: Infinity });
    const run = await runChild({ op: "watch", kubeconfig });
    record("a watch line without a newline", run);
    const error = failed(run);
    expect(error.name).toBe("ResponseTooLargeError");
    expect(error.message).toMatch(/^the stream sent a line longer than 16 MiB; .*\(GET \/api\/v1\/namespaces\/default\/configmaps\?watch=true, server .*, context hostile\)$/);
    expect(run.peakRssMiB).toBeLessThan(300);
  });

  test("a 10 MB gzip body that inflates to 10 GiB, as a watch", async () => {
    const bomb = gzipBomb('{"type":"ADDED","object":{"metadata":{"name":"', "a", '"}}}\n', 10 * 1024);
    server.handle = (_req, res) => sendBuffer(res, bomb.body, { "content-type": "application/json", "content-encoding": "gzip" });
    const run = await runChild({ op: "watch", kubeconfig });
    record("gzip bomb (10 MB to 10 GiB) as a watch", run);
    expect(failed(run).name).toBe("ResponseTooLargeError");
    expect(run.peakRssMiB).toBeLessThan(300);
  });
});

describe("the limit is settable, and lists page by default", () => {
  const twoMiBList = `${LIST_PREFIX}${Array.from({ length: 200 }, (_, i) => item(i, 10_000)).join(",")}]}`;

  test("per connection: 1 MiB refuses a 2 MiB list; per call: 4 MiB reads it", async () => {
    server.handle = (_req, res) => json(res, 200, JSON.parse(twoMiBList));
    const tight = await runChild({ op: "list", kubeconfig, client: { maxResponseBytes: MiB } });
    record("per-connection limit 1 MiB, 2 MiB list", tight);
    expect(failed(tight).message).toMatch(/larger than 1 MiB/);
    const raised = await runChild({ op: "list", kubeconfig, client: { maxResponseBytes: MiB }, call: { maxResponseBytes: 4 * MiB } });
    record("per-call limit 4 MiB over 1 MiB, 2 MiB list", raised);
    expect(raised.result?.value).toEqual({ items: 200 });
  });

  test("the watcher's initial list pages (limit 500): a collection too big for one response still syncs", async () => {
    const all = Array.from({ length: 2000 }, (_, i) => item(i, 10_000));
    server.handle = (req, res) => {
      const query = new URL(req.url ?? "/", "https://x").searchParams;
      if (query.get("watch") === "true") return headersThenStall(res);
      const limit = Number(query.get("limit") ?? 0);
      const from = Number(query.get("continue") ?? 0);
      const to = limit > 0 ? Math.min(all.length, from + limit) : all.length;
      const meta = `{"resourceVersion":"9999"${to < all.length ? `,"continue":"${to}"` : ""}}`;
      res.writeHead(200, { "content-type": "application/json" });
      res.end(`{"kind":"ConfigMapList","apiVersion":"v1","metadata":${meta},"items":[${all.slice(from, to).join(",")}]}`);
    };
    // 20 MB in all, 5 MB per page of 500: an 8 MiB limit stands in for 256 MiB and a big cluster.
    const unpaged = await runChild({ op: "list", kubeconfig, client: { maxResponseBytes: 8 * MiB } });
    expect(failed(unpaged).name).toBe("ResponseTooLargeError");
    const run = await runChild({ op: "watcher", kubeconfig, client: { maxResponseBytes: 8 * MiB }, watcher: { streamingList: false } });
    record("watcher initial list of 20 MB, limit 8 MiB, default paging", run);
    expect(run.result?.value).toEqual({ synced: 2000 });
    expect(server.requests.filter((r) => r.path.includes("limit=500")).length).toBe(4);
  });
});
