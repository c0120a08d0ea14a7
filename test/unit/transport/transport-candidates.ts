/**
 * The transports each runtime can run, and small helpers shared by the transport tests.
 */
import { createServer, type AddressInfo } from "node:net";
import { expect } from "vitest";
import { TransportError } from "../../../src/base/errors.ts";
import { BunFetchTransport, DenoFetchTransport, NodeHttp1Transport, NodeHttp2Transport, NodeTransport, isBun, isDeno } from "../../../src/transport/index.ts";
import type { HttpResponse, Transport, TransportOptions } from "../../../src/transport/types.ts";

export interface Candidate {
  name: string;
  make: (o: TransportOptions) => Transport;
  /** What the loopback server reports as req.httpVersion for an ordinary request. */
  httpVersion: string;
  /** The same for a stream (watch); as httpVersion unless the transport splits them. */
  streamHttpVersion: string;
}

/** On Node: the node:http* transports and Node's default split of them; on Bun additionally Bun's fetch, on Deno Deno's. */
export const candidates: Candidate[] = [
  { name: "NodeHttp1Transport", make: (o) => new NodeHttp1Transport(o), httpVersion: "1.1", streamHttpVersion: "1.1" },
  { name: "NodeHttp2Transport", make: (o) => new NodeHttp2Transport(o), httpVersion: "2.0", streamHttpVersion: "2.0" },
  { name: "NodeTransport", make: (o) => new NodeTransport(o), httpVersion: "1.1", streamHttpVersion: "2.0" },
  ...(isBun()
    ? [{ name: "BunFetchTransport", make: (o: TransportOptions) => new BunFetchTransport(o), httpVersion: "1.1", streamHttpVersion: "1.1" }]
    : []),
  ...(isDeno()
    ? [{ name: "DenoFetchTransport", make: (o: TransportOptions) => new DenoFetchTransport(o), httpVersion: "2.0", streamHttpVersion: "2.0" }]
    : []),
];

/** What GET /whoami and POST /echo answer. */
export interface Seen {
  cn: string;
  httpVersion: string;
  connection: number;
  rawHeaders: string[];
  body: string;
}

export async function json<T>(res: HttpResponse): Promise<T> {
  return JSON.parse(await res.text()) as T;
}

/** The TransportError a promise rejects with (fails the test if it resolves or rejects otherwise). */
export async function failure(p: Promise<unknown>): Promise<TransportError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(TransportError);
  return err as TransportError;
}

export function headerValues(raw: string[], name: string): string[] {
  const out: string[] = [];
  for (let i = 0; i + 1 < raw.length; i += 2) if (raw[i]?.toLowerCase() === name) out.push(raw[i + 1] ?? "");
  return out;
}

/** Messages and stacks of an error and its causes. */
export function allMessages(err: unknown): string {
  const parts: string[] = [];
  for (let e: unknown = err; e instanceof Error; e = e.cause) parts.push(e.message, String(e.stack ?? ""));
  return parts.join("\n");
}

export async function waitFor(cond: () => boolean, ms = 2_000): Promise<void> {
  const until = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > until) throw new Error("condition not met in time");
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** A loopback port nobody listens on: bind, read the port, close. */
export async function closedLoopbackPort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((r) => probe.listen(0, "127.0.0.1", r));
  const port = (probe.address() as AddressInfo).port;
  await new Promise<void>((r) => probe.close(() => r()));
  return port;
}
