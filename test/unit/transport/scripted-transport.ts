/**
 * A Transport factory for connection tests that answers from a script and records what it
 * was sent, plus a fake auth provider and config. Lets tests drive retries, 401s and pools
 * without timing; real HTTP is covered by transports.test.ts.
 */
import { expect } from "vitest";
import { createConnection, type ConnectionOptions, type RetryEvent } from "../../../src/connection/connection.ts";
import type { AuthProvider, Credentials, ResolvedConfig } from "../../../src/config/types.ts";
import { TlsError, TransportError } from "../../../src/base/errors.ts";
import type { Clock } from "../../../src/base/clock.ts";
import type { HttpRequest, HttpResponse, Transport, TransportOptions } from "../../../src/transport/types.ts";

export type Reply = HttpResponse | Error | ((req: HttpRequest) => HttpResponse | Error | Promise<HttpResponse | Error>);

export function reply(status: number, body = "", headers: Record<string, string> = {}): HttpResponse {
  const bytes = new TextEncoder().encode(body);
  return {
    status,
    headers,
    text: async () => body,
    bytes: async () => bytes,
    stream: async function* () {
      yield bytes;
    },
  };
}

export const transportError = (code: string, tls = false): TransportError =>
  new (tls ? TlsError : TransportError)(`failed: ${code}`, { method: "GET", path: "/x" }, { code });

export class ScriptedTransports {
  readonly made: { options: TransportOptions; transport: Transport; closed: boolean; sent: HttpRequest[] }[] = [];
  readonly #script: Reply[];
  constructor(script: Reply[]) {
    this.#script = script;
  }
  get sent(): HttpRequest[] {
    return this.made.flatMap((m) => m.sent);
  }
  factory = (options: TransportOptions): Transport => {
    const entry = { options, closed: false, sent: [] as HttpRequest[], transport: undefined as unknown as Transport };
    entry.transport = {
      send: async (req) => {
        entry.sent.push(req);
        const next = this.#script.shift() ?? reply(200, "{}");
        const r = typeof next === "function" ? await next(req) : next;
        if (r instanceof Error) throw r;
        return r;
      },
      close: () => {
        entry.closed = true;
      },
    };
    this.made.push(entry);
    return entry.transport;
  };
}

export class FakeAuth implements AuthProvider {
  readonly description = "fake";
  invalidations = 0;
  creds: Credentials[];
  private readonly fresh: boolean;

  constructor(creds: Credentials[], fresh = true) {
    this.creds = creds;
    this.fresh = fresh;
  }
  async credentials(): Promise<Credentials> {
    return this.creds[0] ?? { headers: {} };
  }
  async invalidate(): Promise<boolean> {
    this.invalidations++;
    if (this.creds.length > 1) this.creds.shift();
    return this.fresh;
  }
}

export const token = (t: string): Credentials => ({ headers: { Authorization: `Bearer ${t}` } });

export function config(auth: AuthProvider, extra: Partial<ResolvedConfig> = {}): ResolvedConfig {
  return {
    contextName: "ctx-a",
    clusterName: "c",
    userName: "u",
    server: "https://10.0.0.1:6443/",
    namespace: "team-a",
    tls: { ca: "CA-PEM", rejectUnauthorized: true },
    disableCompression: false,
    auth,
    ...extra,
  };
}

/** `now` pins the clock's time (for the rate limiter); its timers fire at once and land in `sleeps`. */
export function setup(
  script: Reply[],
  auth: AuthProvider = new FakeAuth([token("t0ken-one")]),
  options: Omit<ConnectionOptions, "clock"> & { now?: () => number } = {},
  extra: Partial<ResolvedConfig> = {},
) {
  const transports = new ScriptedTransports(script);
  const retries: RetryEvent[] = [];
  const sleeps: number[] = [];
  const conn = createConnection(config(auth, extra), {
    transport: transports.factory,
    onRetry: (e) => retries.push(e),
    random: () => 0,
    ...options,
    clock: recordingClock(sleeps, options.now),
  });
  return { conn, transports, retries, sleeps };
}

/** A clock whose timers fire at once, recording each delay asked for; `now` may be pinned. */
export function recordingClock(sleeps: number[], now: () => number = () => 0): Clock {
  return {
    now,
    setTimeout: (callback, ms) => {
      sleeps.push(ms);
      queueMicrotask(callback);
      return undefined;
    },
    clearTimeout: () => undefined,
  };
}

export async function rejection(p: Promise<unknown>): Promise<Error> {
  const e = await p.then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(Error);
  return e as Error;
}

export function messages(err: unknown): string {
  const out: string[] = [];
  for (let e: unknown = err; e instanceof Error; e = e.cause) out.push(e.message);
  return out.join("\n");
}

