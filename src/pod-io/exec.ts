/**
 * exec and attach: `exec()` runs a command and collects its output; `openExec()` and
 * `attach()` hand back a RemoteProcess whose streams you read and write yourself.
 */
import { siteOf } from "../connection/error-site.ts";
import { attachRequest, execRequest } from "../request/connect-requests.ts";
import type { KubeRequest } from "../request/types.ts";
import { REMOTE_COMMAND_PROTOCOLS, type TerminalSize } from "./channel-protocol.ts";
import { ExecError } from "./errors.ts";
import { ChannelProcess, type RemoteProcess } from "./remote-process.ts";
import { openSocket, type PodTarget, type Serves } from "./target.ts";

export interface SessionOptions {
  /** Required when the pod has more than one container. */
  container?: string | undefined;
  /** Give the process a terminal: stderr merges into stdout, and `resize` works. */
  tty?: boolean | undefined;
  /** The terminal's size right after the session opens (tty only). */
  terminalSize?: TerminalSize | undefined;
  /** Aborting ends the session (and so the remote process's streams). */
  signal?: AbortSignal | undefined;
  /** Time allowed for the WebSocket handshake in ms (default: the connection's request timeout). */
  timeoutMs?: number | undefined;
}

export interface StreamChoice {
  /** Open stdin (default false). */
  stdin?: boolean | undefined;
  /** Default true. */
  stdout?: boolean | undefined;
  /** Default true, false with a tty. */
  stderr?: boolean | undefined;
}

async function open(target: PodTarget<string>, request: KubeRequest, streams: { stdin: boolean; stdout: boolean; stderr: boolean; tty: boolean }, options: SessionOptions): Promise<RemoteProcess> {
  const socket = await openSocket(target, request, REMOTE_COMMAND_PROTOCOLS, options);
  const process = new ChannelProcess(socket, streams, siteOf(target.connection, request));
  if (options.terminalSize && streams.tty) await process.resize(options.terminalSize);
  return process;
}

function chooseStreams(options: SessionOptions & StreamChoice): { stdin: boolean; stdout: boolean; stderr: boolean; tty: boolean } {
  const tty = options.tty === true;
  return { stdin: options.stdin === true, stdout: options.stdout !== false, stderr: options.stderr ?? !tty, tty };
}

/**
 * Starts a command in a container and hands back its streams.
 *
 * @example
 * const proc = await openExec(pods, "web-0", ["sh"], { stdin: true, tty: true, terminalSize: { width: 80, height: 24 } });
 * const writer = proc.stdin!.getWriter();
 * await writer.write("echo hello; exit\n");
 * for await (const chunk of proc.stdout!) process.stdout.write(chunk);
 * await proc.done;
 */
export function openExec<S extends string>(
  pods: PodTarget<S> & Serves<S, "exec">,
  name: string,
  command: readonly string[],
  options: SessionOptions & StreamChoice = {},
): Promise<RemoteProcess> {
  const streams = chooseStreams(options);
  const request = execRequest(pods.resource, pods.namespace, name, command, { container: options.container, ...streams });
  return open(pods, request, streams, options);
}

/**
 * Attaches to a container's main process (its stdout and stderr; stdin if the container
 * was started with `stdin: true`).
 *
 * @example
 * const proc = await attach(pods, "web-0", { container: "app" });
 * for await (const chunk of proc.stdout!) console.log(new TextDecoder().decode(chunk));
 */
export function attach<S extends string>(pods: PodTarget<S> & Serves<S, "attach">, name: string, options: SessionOptions & StreamChoice = {}): Promise<RemoteProcess> {
  const streams = chooseStreams(options);
  const request = attachRequest(pods.resource, pods.namespace, name, { container: options.container, ...streams });
  return open(pods, request, streams, options);
}

/** What `exec()` feeds the command's stdin. */
export type StdinSource = string | Uint8Array | AsyncIterable<Uint8Array | string> | Iterable<Uint8Array | string> | ReadableStream<Uint8Array | string>;

export interface ExecOptions extends SessionOptions {
  /** Sent to the command's stdin, which is then closed. Absent: the command gets no stdin. */
  stdin?: StdinSource | undefined;
  /** "text" (default) decodes stdout and stderr as UTF-8; "bytes" keeps them as bytes. */
  output?: "text" | "bytes" | undefined;
  /** Most bytes kept per stream before the command is stopped with ExecError "OutputLimitExceeded"; default 64 MiB. */
  maxOutputBytes?: number | undefined;
}

export interface ExecOutput<Out extends string | Uint8Array = string> {
  stdout: Out;
  stderr: Out;
}

const DEFAULT_MAX_OUTPUT = 64 << 20;

/**
 * Runs a command in a container and resolves with its output once it exits with 0.
 * Rejects with ExecError (carrying `exitCode`, and the output so far) when it exits
 * otherwise, and with ApiError when the server refuses (no such pod or container, pod not
 * running).
 *
 * @example
 * const { stdout } = await exec(pods, "web-0", ["cat", "/etc/hostname"]);
 * try {
 *   await exec(pods, "web-0", ["sh", "-c", "exit 3"]);
 * } catch (e) {
 *   if (e instanceof ExecError) console.log(e.exitCode); // 3
 * }
 */
export function exec<S extends string>(
  pods: PodTarget<S> & Serves<S, "exec">,
  name: string,
  command: readonly string[],
  options?: ExecOptions & { output?: "text" | undefined },
): Promise<ExecOutput<string>>;
export function exec<S extends string>(
  pods: PodTarget<S> & Serves<S, "exec">,
  name: string,
  command: readonly string[],
  options: ExecOptions & { output: "bytes" },
): Promise<ExecOutput<Uint8Array>>;
export async function exec<S extends string>(
  pods: PodTarget<S> & Serves<S, "exec">,
  name: string,
  command: readonly string[],
  options: ExecOptions = {},
): Promise<ExecOutput<string> | ExecOutput<Uint8Array>> {
  const { stdin, output, maxOutputBytes, ...session } = options;
  const proc = await openExec(pods, name, command, { ...session, stdin: stdin !== undefined });
  const limit = maxOutputBytes ?? DEFAULT_MAX_OUTPUT;
  let overflow: "stdout" | "stderr" | undefined;
  const onOverflow = (which: "stdout" | "stderr"): void => {
    overflow ??= which;
    proc.close();
  };
  const feeding = proc.stdin && stdin !== undefined ? feed(proc.stdin, stdin) : Promise.resolve();
  const [out, err] = await Promise.all([collect(proc.stdout, limit, () => onOverflow("stdout")), collect(proc.stderr, limit, () => onOverflow("stderr")), feeding]);
  const result: ExecOutput<string> | ExecOutput<Uint8Array> = output === "bytes" ? { stdout: out, stderr: err } : { stdout: decode(out), stderr: decode(err) };
  try {
    await proc.done;
  } catch (error) {
    if (overflow) {
      const stopped = new ExecError(`${overflow} exceeded maxOutputBytes (${limit}); the command was stopped (use openExec to stream it)`, { reason: "OutputLimitExceeded" });
      throw stopped.withOutput<string | Uint8Array>(result.stdout, result.stderr);
    }
    if (error instanceof ExecError) throw error.withOutput<string | Uint8Array>(result.stdout, result.stderr);
    throw error;
  }
  return result;
}

async function feed(stdin: WritableStream<Uint8Array | string>, source: StdinSource): Promise<void> {
  const writer = stdin.getWriter();
  try {
    if (typeof source === "string" || source instanceof Uint8Array) await writer.write(source);
    else if (source instanceof ReadableStream) {
      const reader = source.getReader();
      for (let step = await reader.read(); !step.done; step = await reader.read()) await writer.write(step.value);
    } else {
      for await (const chunk of source) await writer.write(chunk);
    }
    await writer.close();
  } catch {
    // The process may end without reading all of its stdin; how it ended is what `done` says.
  } finally {
    writer.releaseLock();
  }
}

async function collect(stream: ReadableStream<Uint8Array> | undefined, limit: number, onOverflow: () => void): Promise<Uint8Array> {
  const parts: Uint8Array[] = [];
  let size = 0;
  if (stream) {
    const reader = stream.getReader();
    try {
      for (let step = await reader.read(); !step.done; step = await reader.read()) {
        if (size + step.value.byteLength > limit) {
          onOverflow();
          await reader.cancel();
          break;
        }
        parts.push(step.value);
        size += step.value.byteLength;
      }
    } catch {
      // An interrupted session errors the stream; `done` carries the reason.
    }
  }
  return Buffer.concat(parts, size);
}

function decode(bytes: Uint8Array): string {
  return new TextDecoder().decode(bytes);
}
