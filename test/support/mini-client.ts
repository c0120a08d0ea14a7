/**
 * A deliberately tiny HTTPS client for the test harness itself (readiness checks, RBAC
 * bootstrap, CRD install), independent of the SDK under test so that a bug in src/
 * cannot hide behind the harness. Bun: fetch with `tls`; Node: node:https.
 */
import { request as httpsRequest } from "node:https";

export interface MiniTls {
  ca: string;
  cert?: string;
  key?: string;
}

export interface MiniResponse {
  status: number;
  body: string;
}

declare const Bun: unknown;

/** @example const r = await miniRequest(server + "/version", { ca }); */
export async function miniRequest(
  url: string,
  tls: MiniTls,
  init: { method?: string; body?: string; contentType?: string; token?: string; timeoutMs?: number } = {},
): Promise<MiniResponse> {
  const headers: Record<string, string> = { accept: "application/json" };
  if (init.body !== undefined) headers["content-type"] = init.contentType ?? "application/json";
  if (init.token) headers.authorization = `Bearer ${init.token}`;
  const timeoutMs = init.timeoutMs ?? 10_000;
  if (typeof Bun !== "undefined") {
    const res = await fetch(url, {
      method: init.method ?? "GET",
      headers,
      body: init.body,
      signal: AbortSignal.timeout(timeoutMs),
      // Bun's extension to fetch.
      tls: { ca: tls.ca, cert: tls.cert, key: tls.key, rejectUnauthorized: true },
    } as RequestInit);
    return { status: res.status, body: await res.text() };
  }
  return new Promise<MiniResponse>((resolve, reject) => {
    const req = httpsRequest(
      url,
      { method: init.method ?? "GET", headers, ca: tls.ca, cert: tls.cert, key: tls.key, timeout: timeoutMs, agent: false },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString("utf8") }));
        res.on("error", reject);
      },
    );
    req.on("timeout", () => req.destroy(new Error(`timeout after ${timeoutMs} ms: ${url}`)));
    req.on("error", reject);
    req.end(init.body);
  });
}
