/**
 * The Kubernetes channel protocol over WebSocket (channel.k8s.io), pure: every binary
 * message starts with a channel byte. Remote commands (exec, attach) use stdin 0, stdout 1,
 * stderr 2, error 3 (a meta/v1 Status when the command ends) and resize 4; v5 adds 255,
 * "this channel is closed", which is how stdin reaches EOF. Port-forward uses a data and an
 * error channel per port, each opening with the port as 2 little-endian bytes.
 */
import type { Status } from "../base/errors.ts";
import { isStatus } from "../base/object.ts";

export const STDIN = 0;
export const STDOUT = 1;
export const STDERR = 2;
export const ERROR = 3;
export const RESIZE = 4;
/** v5: [255, channel] closes that channel (stdin EOF). */
export const CLOSE = 255;

export const V5_PROTOCOL = "v5.channel.k8s.io";
export const V4_PROTOCOL = "v4.channel.k8s.io";
/** Remote commands: v5 (stdin can be closed) first, v4 for servers without it. */
export const REMOTE_COMMAND_PROTOCOLS = [V5_PROTOCOL, V4_PROTOCOL] as const;
/** Port-forward speaks v4 only (kubelets offer no v5 for it). */
export const PORT_FORWARD_PROTOCOLS = [V4_PROTOCOL] as const;

/** Largest payload per message we send: big enough for throughput, small enough to interleave. */
export const MAX_FRAME_PAYLOAD = 32 * 1024;

/**
 * One message: the channel byte, then the payload.
 * @example frame(STDIN, new TextEncoder().encode("hi")) // Uint8Array [0, 104, 105]
 */
export function frame(channel: number, payload: Uint8Array): Uint8Array {
  const out = new Uint8Array(payload.byteLength + 1);
  out[0] = channel;
  out.set(payload, 1);
  return out;
}

/**
 * Splits a payload into messages of at most MAX_FRAME_PAYLOAD bytes.
 * @example [...frames(STDIN, new Uint8Array(70_000))].length // 3
 */
export function* frames(channel: number, payload: Uint8Array): Generator<Uint8Array> {
  for (let at = 0; at < payload.byteLength; at += MAX_FRAME_PAYLOAD) {
    yield frame(channel, payload.subarray(at, at + MAX_FRAME_PAYLOAD));
  }
}

/** @example closeFrame(STDIN) // Uint8Array [255, 0] */
export function closeFrame(channel: number): Uint8Array {
  return Uint8Array.of(CLOSE, channel);
}

/** A terminal's size in characters, sent on the resize channel of a tty session. */
export interface TerminalSize {
  /** Columns. */
  width: number;
  /** Rows. */
  height: number;
}

/**
 * The resize message: channel 4, JSON with the Go field names.
 * @example new TextDecoder().decode(resizeFrame({ width: 80, height: 24 }).subarray(1)) // '{"Width":80,"Height":24}'
 */
export function resizeFrame(size: TerminalSize): Uint8Array {
  return frame(RESIZE, new TextEncoder().encode(JSON.stringify({ Width: size.width, Height: size.height })));
}

/** How a remote command ended, read from the error channel. */
export type CommandOutcome =
  | { kind: "exited"; exitCode: number; status: Status }
  | { kind: "failed"; status: Status };

/**
 * Reads the error channel's content. Success is exit code 0; Failure with reason
 * NonZeroExitCode carries the code in an ExitCode cause; any other Failure (container not
 * found, executable missing) is a failure to run. Text that is not a Status (v1/v2 servers
 * sent plain messages) is a failure with that text as its message.
 *
 * @example
 * commandOutcome('{"status":"Failure","reason":"NonZeroExitCode","details":{"causes":[{"reason":"ExitCode","message":"3"}]}}')
 * // { kind: "exited", exitCode: 3, status: {...} }
 */
export function commandOutcome(text: string): CommandOutcome {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    parsed = undefined;
  }
  const status: Status = isStatus(parsed) || isStatusShape(parsed) ? (parsed as Status) : { status: "Failure", reason: "InternalError", message: text.trim() };
  if (status.status === "Success") return { kind: "exited", exitCode: 0, status };
  if (status.reason === "NonZeroExitCode") {
    const cause = status.details?.causes?.find((c) => c.reason === "ExitCode");
    const code = Number(cause?.message);
    if (Number.isInteger(code) && code >= 0) return { kind: "exited", exitCode: code, status };
  }
  return { kind: "failed", status };
}

/** The error channel's Status carries no kind/apiVersion (the kubelet marshals a bare Status). */
function isStatusShape(value: unknown): boolean {
  return typeof value === "object" && value !== null && ((value as { status?: unknown }).status === "Success" || (value as { status?: unknown }).status === "Failure");
}

/**
 * Strips the 2-byte port prefix that opens each port-forward channel. Feed it every payload
 * of one channel in order; it returns what follows the prefix (possibly empty).
 */
export class PortPrefix {
  #missing = 2;
  #bytes: number[] = [];

  /** The port, once both bytes have arrived. */
  get port(): number | undefined {
    return this.#missing === 0 ? (this.#bytes[0]! | (this.#bytes[1]! << 8)) : undefined;
  }

  /** @example new PortPrefix().strip(Uint8Array.of(0x90, 0x1f, 65)) // Uint8Array [65]; port 8080 */
  strip(payload: Uint8Array): Uint8Array {
    if (this.#missing === 0) return payload;
    const take = Math.min(this.#missing, payload.byteLength);
    for (let i = 0; i < take; i++) this.#bytes.push(payload[i]!);
    this.#missing -= take;
    return payload.subarray(take);
  }
}
