/**
 * A Transport that records: it forwards every request to a real Transport and keeps the
 * request and what came back (status, headers, the body as it was read, watch streams
 * included, and how they ended), then writes the session to a file that TransportReplay plays
 * back with no server. Credentials never reach the file (see recording.ts).
 */
import { writeFileSync } from "node:fs";
import { TransportError } from "../base/errors.ts";
import { createTransport } from "../transport/create-transport.ts";
import type { HttpRequest, HttpResponse, Transport, TransportOptions } from "../transport/types.ts";
import { redactBody, redactHeaders, serializeRecording, type BodyEnd, type RecordedExchange } from "./recording.ts";

/** Options of a TransportRecorder: the file it writes, the transport it records through, and whether Secret data is kept. */
export interface TransportRecorderOptions {
  /** Where `save()` writes the recording. */
  file: string;
  /** The real transport; default createTransport (Bun's fetch, Deno's, or Node's NodeTransport). */
  transport?: (options: TransportOptions) => Transport;
  /** Keep Secret values and TokenRequest tokens in bodies. Default false: they are replaced. */
  keepSecretData?: boolean;
}

/**
 * @example
 * const recorder = new TransportRecorder({ file: "test/fixtures/session.jsonl" });
 * const conn = createConnection(await loadConfig(), { transport: recorder.transport });
 * await api(conn, ConfigMap, { namespace: "default" }).list();
 * conn.close();
 * recorder.save();
 */
export class TransportRecorder {
  /** Give this to ConnectionOptions.transport. */
  readonly transport: (options: TransportOptions) => Transport;
  readonly #options: TransportRecorderOptions;
  readonly #exchanges: RecordedExchange[] = [];
  /** Bodies still being read, finished as "aborted" by `save()`. */
  readonly #open = new Set<() => void>();
  #seq = 0;

  constructor(options: TransportRecorderOptions) {
    this.#options = options;
    this.transport = (transportOptions) => this.#wrap((options.transport ?? createTransport)(transportOptions));
  }

  /** The exchanges recorded so far, in request order. */
  get exchanges(): readonly RecordedExchange[] {
    return [...this.#exchanges].sort((a, b) => a.seq - b.seq);
  }

  /** Writes the file. Streams still open are recorded as aborted by the client. */
  save(): void {
    for (const finish of [...this.#open]) finish();
    writeFileSync(this.#options.file, serializeRecording(this.#exchanges, new Date()), { mode: 0o600 });
  }

  #wrap(inner: Transport): Transport {
    return {
      send: (request) => this.#send(inner, request),
      close: () => inner.close(),
    };
  }

  async #send(inner: Transport, request: HttpRequest): Promise<HttpResponse> {
    const url = new URL(request.url);
    const exchange: RecordedExchange = {
      seq: this.#seq++,
      method: request.method,
      path: `${url.pathname}${url.search}`,
      headers: redactHeaders(request.headers),
      ...(request.body !== undefined && { body: this.#redact(typeof request.body === "string" ? request.body : new TextDecoder().decode(request.body)) }),
    };
    this.#exchanges.push(exchange);
    let response: HttpResponse;
    try {
      response = await inner.send(request);
    } catch (error) {
      exchange.error = { code: error instanceof TransportError ? error.code : undefined, message: error instanceof Error ? error.message : String(error) };
      throw error;
    }
    const chunks: Uint8Array[] = [];
    const recorded = { status: response.status, headers: redactHeaders(response.headers), body: "", end: { kind: "unread" } as BodyEnd };
    exchange.response = recorded;
    let finished = false;
    const finish = (end: BodyEnd): void => {
      if (finished) return;
      finished = true;
      this.#open.delete(abort);
      const bytes = Buffer.concat(chunks);
      try {
        recorded.body = this.#redact(new TextDecoder("utf-8", { fatal: true }).decode(bytes));
      } catch {
        Object.assign(recorded, { body: Buffer.from(bytes).toString("base64"), base64: true });
      }
      recorded.end = end;
    };
    const abort = (): void => finish({ kind: "aborted" });
    this.#open.add(abort);
    const failed = (error: unknown): BodyEnd =>
      request.signal?.aborted ? { kind: "aborted" } : { kind: "error", code: error instanceof TransportError ? error.code : undefined, message: error instanceof Error ? error.message : String(error) };
    return {
      status: response.status,
      headers: response.headers,
      text: async () => new TextDecoder().decode(await this.#bytes(response, chunks, finish, failed)),
      bytes: () => this.#bytes(response, chunks, finish, failed),
      stream: () => this.#stream(response, chunks, finish, failed),
    };
  }

  async #bytes(response: HttpResponse, chunks: Uint8Array[], finish: (end: BodyEnd) => void, failed: (e: unknown) => BodyEnd): Promise<Uint8Array> {
    try {
      const bytes = await response.bytes();
      chunks.push(bytes);
      finish({ kind: "complete" });
      return bytes;
    } catch (error) {
      finish(failed(error));
      throw error;
    }
  }

  async *#stream(response: HttpResponse, chunks: Uint8Array[], finish: (end: BodyEnd) => void, failed: (e: unknown) => BodyEnd): AsyncGenerator<Uint8Array> {
    let complete = false;
    try {
      for await (const chunk of response.stream()) {
        chunks.push(chunk);
        yield chunk;
      }
      complete = true;
      finish({ kind: "complete" });
    } catch (error) {
      finish(failed(error));
      throw error;
    } finally {
      // The consumer stopped early (a watch that was stopped).
      if (!complete) finish({ kind: "aborted" });
    }
  }

  #redact(text: string): string {
    return this.#options.keepSecretData ? text : redactBody(text);
  }
}
