/**
 * The recording format shared by the recording and the replaying Transport: one JSON line of
 * header, then one JSON line per request/response exchange in the order the requests were
 * sent. What could be a secret never reaches the file: credential headers are replaced, and
 * by default so are the values of Secrets (data, stringData) and TokenRequest tokens in bodies.
 */
import { DecodeError } from "../base/errors.ts";
import { isRecord } from "../base/object.ts";

/** The `format` field of a recording file. */
export const RECORDING_FORMAT = "bun-k8s-recording";
/** The recording file's version; a file of another version is refused. */
export const RECORDING_VERSION = 1;

/** How a recorded response body ended. */
export type BodyEnd =
  /** Read to the end. */
  | { kind: "complete" }
  /** The transport failed while reading (a reset connection): replayed as that TransportError. */
  | { kind: "error"; code: string | undefined; message: string }
  /** The client stopped reading (aborted a watch): replayed as a stream that stays open until aborted. */
  | { kind: "aborted" }
  /** Never read: replayed as an empty body. */
  | { kind: "unread" };

/** One recorded request and its response: status, headers (credentials removed) and body. */
export interface RecordedExchange {
  /** Order in which the requests were sent, from 0. */
  seq: number;
  method: string;
  /** Path and query, without the server. */
  path: string;
  /** Request headers, credentials replaced by "REDACTED". */
  headers: Record<string, string>;
  body?: string | undefined;
  /** The transport failed before a response (refused, TLS, timeout): replayed as that TransportError. */
  error?: { code: string | undefined; message: string } | undefined;
  response?:
    | {
        status: number;
        headers: Record<string, string>;
        /** The body as text, or as base64 when it was not UTF-8. */
        body: string;
        base64?: boolean | undefined;
        end: BodyEnd;
      }
    | undefined;
}

interface Header {
  format: typeof RECORDING_FORMAT;
  version: number;
  recordedAt: string;
}

/** Header names whose values are credentials. */
export const CREDENTIAL_HEADERS: ReadonlySet<string> = new Set(["authorization", "proxy-authorization", "cookie", "set-cookie", "x-auth-token"]);

export const REDACTED = "REDACTED";
const REDACTED_BASE64 = btoa(REDACTED);

/** Headers with credential values replaced. */
export function redactHeaders(headers: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(headers).map(([name, value]) => [name.toLowerCase(), CREDENTIAL_HEADERS.has(name.toLowerCase()) ? REDACTED : value]));
}

/**
 * A JSON body (or watch stream of JSON lines) with Secret values and TokenRequest tokens
 * replaced; anything that is not JSON is returned as it is.
 *
 * @example redactBody('{"kind":"Secret","data":{"password":"aGk="}}') // '{"kind":"Secret","data":{"password":"UkVEQUNURUQ="}}'
 */
export function redactBody(text: string): string {
  const trimmed = text.trim();
  if (trimmed === "") return text;
  try {
    // A watch stream of one event keeps its newline: the reader waits for it.
    return JSON.stringify(redactValue(JSON.parse(trimmed))) + (text.endsWith("\n") ? "\n" : "");
  } catch {
    // A watch stream: one JSON document per line.
    return text
      .split("\n")
      .map((line) => {
        if (line.trim() === "") return line;
        try {
          return JSON.stringify(redactValue(JSON.parse(line)));
        } catch {
          return line;
        }
      })
      .join("\n");
  }
}

function redactValue(value: unknown, kindHint?: string): unknown {
  if (Array.isArray(value)) return value.map((v) => redactValue(v, kindHint));
  if (!isRecord(value)) return value;
  const kind = typeof value.kind === "string" ? value.kind : kindHint;
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value)) {
    if (kind === "Secret" && key === "data" && isRecord(v)) out[key] = Object.fromEntries(Object.keys(v).map((k) => [k, REDACTED_BASE64]));
    else if (kind === "Secret" && key === "stringData" && isRecord(v)) out[key] = Object.fromEntries(Object.keys(v).map((k) => [k, REDACTED]));
    else if (kind === "TokenRequest" && key === "status" && isRecord(v)) out[key] = { ...v, ...(v.token !== undefined && { token: REDACTED }) };
    // List items come without a kind: they are the list's kind without "List".
    else if (key === "items" && typeof value.kind === "string" && value.kind.endsWith("List")) out[key] = redactValue(v, value.kind.slice(0, -4));
    else out[key] = redactValue(v);
  }
  return out;
}

/** The file's text: the header line, then the exchanges in request order. */
export function serializeRecording(exchanges: readonly RecordedExchange[], recordedAt: Date): string {
  const header: Header = { format: RECORDING_FORMAT, version: RECORDING_VERSION, recordedAt: recordedAt.toISOString() };
  const sorted = [...exchanges].sort((a, b) => a.seq - b.seq);
  return [header, ...sorted].map((line) => JSON.stringify(line)).join("\n") + "\n";
}

/** Parses a recording; a DecodeError names what is wrong with it. */
export function parseRecording(text: string, where: string): RecordedExchange[] {
  const lines = text.split("\n").filter((l) => l.trim() !== "");
  const parse = (line: string, n: number): unknown => {
    try {
      return JSON.parse(line);
    } catch {
      throw new DecodeError(`${where}: line ${n + 1} is not JSON`);
    }
  };
  const header = parse(lines[0] ?? "", 0);
  if (!isRecord(header) || header.format !== RECORDING_FORMAT) throw new DecodeError(`${where} is not a bun-k8s recording (no "${RECORDING_FORMAT}" header)`);
  if (header.version !== RECORDING_VERSION) throw new DecodeError(`${where} is a version ${String(header.version)} recording; this build reads version ${RECORDING_VERSION}`);
  return lines.slice(1).map((line, i) => {
    const exchange = parse(line, i + 1);
    if (!isRecord(exchange) || typeof exchange.method !== "string" || typeof exchange.path !== "string" || typeof exchange.seq !== "number") {
      throw new DecodeError(`${where}: line ${i + 2} is not a recorded exchange`);
    }
    return exchange as unknown as RecordedExchange;
  });
}
