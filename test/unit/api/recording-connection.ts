/**
 * A Connection that records what the client sends and answers from a script: for the
 * client logic the real API server cannot exercise (malformed bodies, chunk boundaries,
 * "nothing was sent"). Everything the server can answer is in test/contract/api-*.test.ts.
 */
import type { Connection } from "../../../src/connection/types.ts";
import { ApiError, type Status } from "../../../src/base/errors.ts";
import type { KubeRequest, SendOptions } from "../../../src/request/types.ts";
import type { HttpResponse } from "../../../src/transport/types.ts";

export type Answer = { status?: number; body: string | Uint8Array[] } | { error: Status };

export class RecordingConnection implements Connection {
  readonly server = "https://127.0.0.1:6443";
  readonly namespace = "default";
  readonly contextName = "test";
  readonly sent: { request: KubeRequest; options: SendOptions | undefined }[] = [];
  private readonly answers: Answer[];

  constructor(answers: Answer[] = []) {
    this.answers = answers;
  }

  answer(...more: Answer[]): this {
    this.answers.push(...more);
    return this;
  }

  async send(request: KubeRequest, options?: SendOptions): Promise<HttpResponse> {
    this.sent.push({ request, options });
    const next = this.answers.shift();
    if (!next) throw new Error(`unexpected request ${request.method} ${request.path}`);
    if ("error" in next) throw new ApiError(next.error, { server: this.server, method: request.method, path: request.path });
    const chunks = typeof next.body === "string" ? [new TextEncoder().encode(next.body)] : next.body;
    const text = () => new TextDecoder().decode(concat(chunks));
    return {
      status: next.status ?? 200,
      headers: {},
      text: async () => text(),
      bytes: async () => concat(chunks),
      stream: async function* () {
        yield* chunks;
      },
    };
  }

  close(): void {}
}

function concat(chunks: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}

export const json = (value: unknown): Answer => ({ body: JSON.stringify(value) });
