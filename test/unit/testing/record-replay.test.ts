import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { api } from "../../../src/api/client.ts";
import { DecodeError, TransportError, isGone } from "../../../src/base/errors.ts";
import { ConfigMap } from "../../../generated/k8s/core/v1/index.ts";
import {
  parseRecording,
  redactBody,
  ReplayMismatchError,
  TransportRecorder,
  TransportReplay,
  type RecordedExchange,
} from "../../../src/testing/index.ts";
import type { HttpRequest, HttpResponse, Transport } from "../../../src/transport/types.ts";
import { tempOutDir } from "../codegen/typecheck.ts";
import { recordReplayScenario, SECRET_VALUE } from "../../support/record-replay-scenario.ts";

const fixtures = join(import.meta.dirname, "fixtures");

describe("replaying a session recorded from the real API server", () => {
  it("reproduces the recorded transcript with no server: lists, 404, watch streams, 410s, informers", async () => {
    const expected = JSON.parse(readFileSync(join(fixtures, "session.expected.json"), "utf8")) as { namespace: string; oldResourceVersion?: string; transcript: string[] };
    const replay = TransportReplay.fromFile(join(fixtures, "session.jsonl"));
    const transcript = await recordReplayScenario(replay.connection({ namespace: expected.namespace }), expected.namespace, expected.oldResourceVersion);
    expect(transcript).toEqual(expected.transcript);
    expect(transcript).toContain("list at a compacted version: ApiError 410 Expired (gone)");
    expect(replay.remaining).toEqual([]);
    // Twice in a row, the same: deterministic.
    const again = TransportReplay.fromFile(join(fixtures, "session.jsonl"));
    expect(await recordReplayScenario(again.connection({ namespace: expected.namespace }), expected.namespace, expected.oldResourceVersion)).toEqual(expected.transcript);
  }, 60_000);

  it("the committed recording holds no credential and no Secret value", () => {
    const text = readFileSync(join(fixtures, "session.jsonl"), "utf8");
    expect(text).not.toContain(SECRET_VALUE);
    expect(text).not.toContain(btoa(SECRET_VALUE));
    expect(text).not.toMatch(/"authorization":"(?!REDACTED)/i);
    expect(text).not.toContain("BEGIN RSA PRIVATE KEY");
    expect(text).not.toContain("PRIVATE KEY");
  });
});

/** A transport answering from a script, for what the real server does not do on demand. */
function scripted(answers: ((request: HttpRequest) => HttpResponse | Promise<HttpResponse>)[]): () => Transport {
  return () => ({
    send: async (request) => {
      const next = answers.shift();
      if (!next) throw new Error(`unexpected ${request.method} ${request.url}`);
      return next(request);
    },
    close: () => undefined,
  });
}

function response(status: number, chunks: (string | Uint8Array)[], failAfter?: TransportError): HttpResponse {
  const bytes = chunks.map((c) => (typeof c === "string" ? new TextEncoder().encode(c) : c));
  async function* stream(): AsyncGenerator<Uint8Array> {
    for (const b of bytes) yield b;
    if (failAfter) throw failAfter;
  }
  const all = async () => {
    const parts: Uint8Array[] = [];
    for await (const b of stream()) parts.push(b);
    return Uint8Array.from(parts.flatMap((p) => [...p]));
  };
  return { status, headers: { "content-type": "application/json", "set-cookie": "session=abc" }, text: async () => new TextDecoder().decode(await all()), bytes: all, stream };
}

describe("TransportRecorder", () => {
  it("records requests and bodies in request order, credentials and Secret values replaced, streams with how they ended", async () => {
    const out = await tempOutDir("bun-k8s-recorder-");
    try {
      const file = join(out.dir, "r.jsonl");
      const secretList = { kind: "SecretList", apiVersion: "v1", metadata: {}, items: [{ metadata: { name: "s" }, data: { password: btoa("hunter2") } }] };
      const recorder = new TransportRecorder({
        file,
        transport: scripted([
          () => response(200, [JSON.stringify(secretList)]),
          () => response(200, ['{"type":"ADDED","object":{"kind":"Secret","metadata":{"name":"s"},"stringData":{"k":"hunter2"}}}\n', '{"type":"ADDED","obj'], new TransportError("reset", {}, { code: "ECONNRESET" })),
          () => response(200, ['{"type":"ADDED","object":{"kind":"ConfigMap","metadata":{"name":"c"}}}\n']),
          () => response(200, [new Uint8Array([0xff, 0xfe, 0x00])]),
          () => Promise.reject(new TransportError("connection refused", {}, { code: "ECONNREFUSED" })),
        ]),
      });
      const transport = recorder.transport({ tls: { rejectUnauthorized: true } });
      const send = (url: string, extra: Partial<HttpRequest> = {}) => transport.send({ method: "GET", url: `https://h:6443${url}`, headers: { Authorization: "Bearer sekret-token", Accept: "application/json" }, ...extra });
      await (await send("/api/v1/secrets")).text();
      const broken = await send("/api/v1/secrets?watch=true");
      await expect(async () => {
        for await (const _ of broken.stream()) {
          // drain until the reset
        }
      }).rejects.toThrow("reset");
      const watch = await send("/api/v1/configmaps?watch=true");
      for await (const _ of watch.stream()) break; // the client stops reading
      await (await send("/api/v1/binary")).bytes();
      await expect(send("/down")).rejects.toThrow("connection refused");
      recorder.save();
      const text = readFileSync(file, "utf8");
      expect(text).not.toContain("sekret-token");
      expect(text).not.toContain("hunter2");
      expect(text).not.toContain(btoa("hunter2"));
      expect(text).not.toContain("session=abc");
      const exchanges = parseRecording(text, file);
      expect(exchanges.map((e) => e.seq)).toEqual([0, 1, 2, 3, 4]);
      expect(exchanges[0]!.headers).toEqual({ authorization: "REDACTED", accept: "application/json" });
      expect(JSON.parse(exchanges[0]!.response!.body).items[0].data).toEqual({ password: btoa("REDACTED") });
      expect(exchanges[1]!.response!.end).toEqual({ kind: "error", code: "ECONNRESET", message: "reset" });
      expect(exchanges[1]!.response!.body).toContain('"stringData":{"k":"REDACTED"}');
      expect(exchanges[2]!.response!.end).toEqual({ kind: "aborted" });
      expect(exchanges[3]!.response).toMatchObject({ base64: true, body: btoa(String.fromCharCode(0xff, 0xfe, 0x00)) });
      expect(exchanges[4]!.error).toEqual({ code: "ECONNREFUSED", message: "connection refused" });
    } finally {
      await out.dispose();
    }
  });

  it("keepSecretData keeps values (for sessions whose data is fake)", async () => {
    const out = await tempOutDir("bun-k8s-recorder-");
    try {
      const file = join(out.dir, "k.jsonl");
      const recorder = new TransportRecorder({ file, keepSecretData: true, transport: scripted([() => response(200, ['{"kind":"Secret","data":{"a":"Yg=="}}'])]) });
      await (await recorder.transport({ tls: { rejectUnauthorized: true } }).send({ method: "GET", url: "https://h/x", headers: {} })).text();
      recorder.save();
      expect(readFileSync(file, "utf8")).toContain('"a\\":\\"Yg==\\"');
    } finally {
      await out.dispose();
    }
  });
});

describe("TransportReplay", () => {
  const exchange = (seq: number, path: string, body: string, end: NonNullable<RecordedExchange["response"]>["end"] = { kind: "complete" }, status = 200): RecordedExchange => ({
    seq,
    method: "GET",
    path,
    headers: {},
    response: { status, headers: { "content-type": "application/json" }, body, end },
  });

  it("answers each request with the next matching exchange; unknown or exhausted requests fail by name", async () => {
    const replay = new TransportReplay([
      exchange(0, "/api/v1/namespaces/ns/configmaps/a", '{"kind":"ConfigMap","metadata":{"name":"a","resourceVersion":"1"}}'),
      exchange(1, "/api/v1/namespaces/ns/configmaps/a", '{"kind":"ConfigMap","metadata":{"name":"a","resourceVersion":"2"}}'),
      exchange(2, "/api/v1/namespaces/ns/configmaps/gone", '{"kind":"Status","code":410,"reason":"Expired","message":"too old"}', { kind: "complete" }, 410),
    ]);
    const configMaps = api(replay.connection(), ConfigMap, { namespace: "ns" });
    expect((await configMaps.get("a")).metadata?.resourceVersion).toBe("1");
    expect((await configMaps.get("a")).metadata?.resourceVersion).toBe("2");
    expect(isGone(await configMaps.get("gone").catch((e: unknown) => e))).toBe(true);
    const exhausted = await configMaps.get("a").catch((e: unknown) => e);
    expect(exhausted).toBeInstanceOf(ReplayMismatchError);
    expect((exhausted as Error).message).toContain("no more answers");
    expect((exhausted as Error).message).toContain("GET /api/v1/namespaces/ns/configmaps/a");
    expect(((await configMaps.get("b").catch((e: unknown) => e)) as Error).message).toContain("has no answer");
  });

  it("replays a stream's ending: a reset as that TransportError, a client-stopped stream open until aborted", async () => {
    const replay = new TransportReplay([
      exchange(0, "/w1", '{"type":"ADDED","object":{"metadata":{"name":"x"}}}\n', { kind: "error", code: "ECONNRESET", message: "reset" }),
      exchange(1, "/w2", '{"type":"ADDED","object":{"metadata":{"name":"y"}}}\n', { kind: "aborted" }),
    ]);
    const transport = replay.transport({ tls: { rejectUnauthorized: true } });
    const first = await transport.send({ method: "GET", url: "https://any/w1", headers: {} });
    const lines: string[] = [];
    const failed = await (async () => {
      for await (const chunk of first.stream()) lines.push(new TextDecoder().decode(chunk));
    })().catch((e: unknown) => e);
    expect(lines).toEqual(['{"type":"ADDED","object":{"metadata":{"name":"x"}}}\n']);
    expect(failed).toBeInstanceOf(TransportError);
    expect((failed as TransportError).code).toBe("ECONNRESET");

    const stop = new AbortController();
    const second = await transport.send({ method: "GET", url: "https://any/w2", headers: {}, signal: stop.signal });
    const iterator = second.stream()[Symbol.asyncIterator]();
    expect((await iterator.next()).done).toBe(false);
    let settled = false;
    const rest = iterator.next().then(
      () => (settled = true),
      (e: unknown) => ((settled = true), e),
    );
    await new Promise((r) => setTimeout(r, 20));
    expect(settled).toBe(false);
    stop.abort();
    expect(((await rest) as TransportError).code).toBe("ABORT_ERR");
  });

  it("matches bodies when asked, comparing against the body as the recording redacted it", async () => {
    const secret = JSON.stringify({ kind: "Secret", metadata: { name: "s" }, stringData: { k: "v" } });
    const recorded: RecordedExchange = { seq: 0, method: "POST", path: "/api/v1/namespaces/ns/secrets", headers: {}, body: redactBody(secret), response: { status: 201, headers: {}, body: redactBody(secret), end: { kind: "complete" } } };
    const strict = new TransportReplay([recorded], { matchBodies: true });
    const send = (body: string) => strict.transport({ tls: { rejectUnauthorized: true } }).send({ method: "POST", url: "https://x/api/v1/namespaces/ns/secrets", headers: {}, body });
    await expect(send(JSON.stringify({ kind: "Secret", metadata: { name: "other" } }))).rejects.toBeInstanceOf(ReplayMismatchError);
    expect((await send(secret)).status).toBe(201);
  });

  it("refuses files that are not recordings, naming the file and line", () => {
    expect(() => parseRecording("hello", "x.jsonl")).toThrow(DecodeError);
    expect(() => parseRecording('{"format":"bun-k8s-recording","version":9}', "x.jsonl")).toThrow(/version 9/);
    expect(() => parseRecording('{"format":"bun-k8s-recording","version":1}\n{"nope":1}', "x.jsonl")).toThrow(/x.jsonl: line 2/);
  });
});
