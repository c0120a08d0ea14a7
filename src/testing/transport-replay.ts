/**
 * A Transport that plays a recording back, deterministically and with no server: each request
 * is answered by the first exchange not yet played with the same method and path (query
 * included), in recorded order. Bodies come back as recorded (watch streams line by line, then
 * ending as they ended: complete, failed, or left open until the client aborts). A request the
 * recording does not hold fails with a ReplayMismatchError naming it.
 */
import { readFileSync } from "node:fs";
import { createConnection, type ConnectionOptions } from "../connection/connection.ts";
import type { Connection } from "../connection/types.ts";
import { AnonymousAuth } from "../config/auth/token.ts";
import { KubeError, TransportError } from "../base/errors.ts";
import type { HttpRequest, HttpResponse, Transport, TransportOptions } from "../transport/types.ts";
import { parseRecording, redactBody, type RecordedExchange } from "./recording.ts";

/** The replayed session has no answer for a request. */
export class ReplayMismatchError extends KubeError {}

/** Options of a TransportReplay: whether request bodies must match the recording too. */
export interface TransportReplayOptions {
  /** Also require the request body to equal the recorded one. Default false (bodies often hold timestamps). */
  matchBodies?: boolean;
}

/**
 * @example
 * const replay = TransportReplay.fromFile("test/fixtures/session.jsonl");
 * const conn = replay.connection({ namespace: "default" });
 * const list = await api(conn, ConfigMap, { namespace: "default" }).list(); // as recorded
 */
export class TransportReplay {
  /** Give this to ConnectionOptions.transport. */
  readonly transport: (options: TransportOptions) => Transport;
  readonly #pending: RecordedExchange[];
  readonly #played: RecordedExchange[] = [];
  readonly #options: TransportReplayOptions;

  constructor(exchanges: readonly RecordedExchange[], options: TransportReplayOptions = {}) {
    this.#pending = [...exchanges].sort((a, b) => a.seq - b.seq);
    this.#options = options;
    this.transport = () => ({ send: (request) => this.#send(request), close: () => undefined });
  }

  /** @example const replay = TransportReplay.fromFile(join(import.meta.dirname, "session.jsonl")); */
  static fromFile(file: string, options: TransportReplayOptions = {}): TransportReplay {
    return new TransportReplay(parseRecording(readFileSync(file, "utf8"), file), options);
  }

  /** Exchanges not played yet. */
  get remaining(): readonly RecordedExchange[] {
    return this.#pending;
  }

  /** Exchanges played, in the order they were. */
  get played(): readonly RecordedExchange[] {
    return this.#played;
  }

  /**
   * A Connection over this replay: anonymous, no retries unless asked, and a server URL that
   * resolves nowhere, so nothing can leave the process.
   */
  connection(options: { namespace?: string } & ConnectionOptions = {}): Connection {
    const { namespace, ...connectionOptions } = options;
    return createConnection(
      {
        contextName: "replay",
        clusterName: "replay",
        userName: undefined,
        server: "https://replay.bun-k8s.invalid",
        namespace: namespace ?? "default",
        tls: { rejectUnauthorized: true },
        disableCompression: false,
        auth: new AnonymousAuth(),
      },
      { retry: false, ...connectionOptions, transport: this.transport },
    );
  }

  async #send(request: HttpRequest): Promise<HttpResponse> {
    const url = new URL(request.url);
    const path = `${url.pathname}${url.search}`;
    const sent = typeof request.body === "string" ? request.body : request.body && new TextDecoder().decode(request.body);
    // A recorded body may have had its Secret values replaced: compare with the same replaced.
    const bodyMatches = (e: RecordedExchange) => !this.#options.matchBodies || e.body === sent || (sent !== undefined && e.body === redactBody(sent));
    const index = this.#pending.findIndex((e) => e.method === request.method && e.path === path && bodyMatches(e));
    if (index < 0) {
      const site = { method: request.method, path };
      throw new ReplayMismatchError(`the recording has no ${this.#played.some((e) => e.method === request.method && e.path === path) ? "more answers" : "answer"} for this request`, site);
    }
    const [exchange] = this.#pending.splice(index, 1) as [RecordedExchange];
    this.#played.push(exchange);
    await Promise.resolve();
    if (exchange.error) throw new TransportError(exchange.error.message, {}, { code: exchange.error.code });
    const response = exchange.response;
    if (!response) throw new ReplayMismatchError(`recorded exchange ${exchange.seq} has neither a response nor an error`);
    const bytes = response.base64 ? Uint8Array.from(atob(response.body), (c) => c.charCodeAt(0)) : new TextEncoder().encode(response.body);
    const signal = request.signal;
    return {
      status: response.status,
      headers: { ...response.headers },
      text: async () => new TextDecoder().decode(await whole(bytes, response.end, signal)),
      bytes: () => whole(bytes, response.end, signal),
      stream: () => stream(bytes, response.end, signal),
    };
  }
}

type End = NonNullable<RecordedExchange["response"]>["end"];

async function whole(bytes: Uint8Array, end: End, signal: AbortSignal | undefined): Promise<Uint8Array> {
  const parts: Uint8Array[] = [];
  for await (const chunk of stream(bytes, end, signal)) parts.push(chunk);
  return Buffer.concat(parts);
}

/** The body line by line, then the recorded ending. */
async function* stream(bytes: Uint8Array, end: End, signal: AbortSignal | undefined): AsyncGenerator<Uint8Array> {
  let start = 0;
  for (let i = bytes.indexOf(10); i !== -1; i = bytes.indexOf(10, start)) {
    yield bytes.subarray(start, i + 1);
    start = i + 1;
  }
  if (start < bytes.length) yield bytes.subarray(start);
  if (end.kind === "error") throw new TransportError(end.message, {}, { code: end.code });
  if (end.kind === "aborted") {
    // The client stopped this stream when it was recorded: keep it open until it does so again.
    await new Promise<void>((resolve) => {
      if (!signal || signal.aborted) return resolve();
      signal.addEventListener("abort", () => resolve(), { once: true });
    });
    throw new TransportError("request aborted", {}, { code: "ABORT_ERR" });
  }
}
