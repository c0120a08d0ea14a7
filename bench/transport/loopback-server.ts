/**
 * The benchmark's server: HTTPS on 127.0.0.1 speaking h2 and HTTP/1.1 (like kube-apiserver),
 * requiring a client certificate. Run in its own process so it does not share the client's
 * event loop. Prints its port, then serves until killed.
 *
 *   node loopback-server.mjs <pki-dir>
 *
 * GET /version        small JSON (about the size of kube-apiserver's /version)
 * GET /list?kb=N      N KiB of JSON
 * GET /watch?ms=N     a watch-like stream: one JSON line every N ms until the client leaves
 * GET /stats          TLS connections accepted so far
 */
import { createSecureServer } from "node:http2";
import { readFileSync } from "node:fs";
import { join } from "node:path";

const dir = process.argv[2];
if (!dir) throw new Error("usage: loopback-server <pki-dir>");
const read = (f: string): string => readFileSync(join(dir, f), "utf8");

let connections = 0;
const version = JSON.stringify({
  major: "1",
  minor: "34",
  gitVersion: "v1.34.0",
  gitCommit: "0000000000000000000000000000000000000000",
  gitTreeState: "clean",
  buildDate: "2026-01-01T00:00:00Z",
  goVersion: "go1.25.0",
  compiler: "gc",
  platform: "linux/amd64",
});

const server = createSecureServer(
  {
    allowHTTP1: true,
    cert: read("server.crt"),
    key: read("server.key"),
    ca: read("ca.crt"),
    requestCert: true,
    rejectUnauthorized: true,
    settings: { maxConcurrentStreams: 1000 },
  },
  (req, res) => {
    const url = new URL(req.url ?? "/", "https://x");
    res.setHeader("content-type", "application/json");
    if (url.pathname === "/version") return void res.end(version);
    if (url.pathname === "/stats") return void res.end(JSON.stringify({ connections }));
    if (url.pathname === "/list") {
      const kb = Number(url.searchParams.get("kb") ?? 1024);
      const item = JSON.stringify({ metadata: { name: "x".repeat(40), namespace: "default" }, spec: { v: "y".repeat(400) } });
      const items: string[] = [];
      for (let size = 0; size < kb * 1024; size += item.length + 1) items.push(item);
      return void res.end(`{"kind":"List","items":[${items.join(",")}]}`);
    }
    if (url.pathname === "/watch") {
      const ms = Number(url.searchParams.get("ms") ?? 100);
      res.writeHead(200);
      let n = 0;
      const line = (): boolean => res.write(`{"type":"MODIFIED","object":{"kind":"ConfigMap","metadata":{"resourceVersion":"${++n}"}}}\n`);
      line();
      const timer = setInterval(line, ms);
      res.on("close", () => clearInterval(timer));
      return;
    }
    res.statusCode = 404;
    res.end(JSON.stringify({ kind: "Status", code: 404, reason: "NotFound" }));
  },
);
server.on("secureConnection", () => connections++);
server.listen(0, "127.0.0.1", () => {
  const address = server.address();
  console.log(typeof address === "object" && address ? address.port : 0);
});
