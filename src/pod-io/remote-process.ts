/**
 * A remote command (exec) or a container's main process (attach) over one WebSocket:
 * stdin as a WritableStream, stdout and stderr as ReadableStreams, terminal resize, and
 * `done`, which settles with the exit status from the error channel. Flow control runs end
 * to end: when a stream's reader falls behind, the socket stops reading, so the server, and
 * in the end the command, waits instead of our memory growing.
 */
import type { ErrorSite } from "../base/errors.ts";
import { TransportError, ValidationError, errorAtSite } from "../base/errors.ts";
import type { MessageSocket, SocketClose } from "../transport/websocket.ts";
import { ABORT_ERR } from "../transport/transport-errors.ts";
import { CLOSE, ERROR, STDERR, STDIN, STDOUT, V5_PROTOCOL, closeFrame, commandOutcome, frames, resizeFrame, type TerminalSize } from "./channel-protocol.ts";
import { ExecError } from "./errors.ts";

/** A running remote process. */
export interface RemoteProcess {
  /** The subprotocol in use: "v5.channel.k8s.io", or "v4.channel.k8s.io" on servers without the close signal. */
  readonly protocol: string;
  /**
   * The process's stdin, when asked for (`stdin: true`). Closing it is end-of-file for the
   * process (v5; on a v4 server the process sees EOF only when the session ends).
   */
  readonly stdin: WritableStream<Uint8Array | string> | undefined;
  /** stdout, when asked for. Read it (or cancel it): an unread stream holds the process back. */
  readonly stdout: ReadableStream<Uint8Array> | undefined;
  /** stderr, when asked for (never with a tty, which merges it into stdout). */
  readonly stderr: ReadableStream<Uint8Array> | undefined;
  /** Tells the terminal its new size (tty only). */
  resize(size: TerminalSize): Promise<void>;
  /**
   * Resolves when the process exits with 0. Rejects with ExecError when it exits otherwise
   * or cannot run, and with an AbortError (`isAbortError`) when the session was closed or
   * its signal aborted before the process ended.
   */
  readonly done: Promise<void>;
  /** Ends the session and with it the remote process: the connection is dropped, the streams end. */
  close(): void;
}

export interface ProcessStreams {
  stdin: boolean;
  stdout: boolean;
  stderr: boolean;
  tty: boolean;
}

/** Bytes a stream holds for its reader before the socket stops reading. */
const STREAM_HIGH_WATER = 1 << 20;
/** The error channel carries one Status; more than this is not one. */
const MAX_STATUS_BYTES = 64 << 10;

interface OutputStream {
  readonly stream: ReadableStream<Uint8Array>;
  controller: ReadableStreamDefaultController<Uint8Array> | undefined;
  cancelled: boolean;
  ended: boolean;
}

export class ChannelProcess implements RemoteProcess {
  readonly protocol: string;
  readonly stdin: WritableStream<Uint8Array | string> | undefined;
  readonly stdout: ReadableStream<Uint8Array> | undefined;
  readonly stderr: ReadableStream<Uint8Array> | undefined;
  readonly done: Promise<void>;
  readonly #socket: MessageSocket;
  readonly #tty: boolean;
  readonly #site: ErrorSite;
  readonly #outputs = new Map<number, OutputStream>();
  #statusText = "";
  #closedByCaller = false;

  constructor(socket: MessageSocket, streams: ProcessStreams, site: ErrorSite) {
    this.#socket = socket;
    this.#tty = streams.tty;
    this.#site = site;
    this.protocol = socket.protocol;
    this.stdout = streams.stdout ? this.#output(STDOUT) : undefined;
    this.stderr = streams.stderr ? this.#output(STDERR) : undefined;
    this.stdin = streams.stdin ? this.#input() : undefined;
    socket.onMessage((message) => this.#route(message));
    this.done = socket.closed.then((close) => this.#finish(close));
    // Nobody may be awaiting done yet (collecting output first); its rejection is theirs to see.
    this.done.catch(() => undefined);
  }

  async resize(size: TerminalSize): Promise<void> {
    if (!this.#tty) throw new ValidationError("resize: the session has no tty (open it with tty: true)");
    for (const n of [size.width, size.height]) {
      if (!Number.isInteger(n) || n < 0 || n > 65_535) throw new ValidationError(`resize: width and height must be integers from 0 to 65535, got ${n}`);
    }
    await this.#socket.send(resizeFrame(size));
  }

  close(): void {
    this.#closedByCaller = true;
    // Dropping the connection, not a close handshake: kube-apiserver 1.37 lets a command run
    // on after a clean close (it waits for it), and ends it when the connection goes. A
    // handshake would also stall while a full stream keeps the socket paused.
    this.#socket.terminate();
  }

  #output(channel: number): ReadableStream<Uint8Array> {
    let controller: ReadableStreamDefaultController<Uint8Array> | undefined;
    const entry: OutputStream = {
      controller: undefined,
      cancelled: false,
      ended: false,
      stream: new ReadableStream<Uint8Array>(
        {
          start: (c) => void (controller = c),
          pull: () => this.#resumeIfRoom(),
          cancel: () => {
            entry.cancelled = true;
            this.#resumeIfRoom();
          },
        },
        { highWaterMark: STREAM_HIGH_WATER, size: (chunk) => chunk.byteLength },
      ),
    };
    entry.controller = controller;
    this.#outputs.set(channel, entry);
    return entry.stream;
  }

  #input(): WritableStream<Uint8Array | string> {
    const encoder = new TextEncoder();
    return new WritableStream<Uint8Array | string>({
      write: async (chunk) => {
        const bytes = typeof chunk === "string" ? encoder.encode(chunk) : chunk;
        for (const message of frames(STDIN, bytes)) await this.#socket.send(message);
      },
      // v4 has no way to say end-of-file short of ending the session.
      close: async () => {
        if (this.protocol === V5_PROTOCOL) await this.#socket.send(closeFrame(STDIN));
      },
    });
  }

  #route(message: Uint8Array): void {
    const channel = message[0];
    const payload = message.subarray(1);
    if (channel === undefined || channel === CLOSE || payload.byteLength === 0) return;
    if (channel === ERROR) {
      if (this.#statusText.length < MAX_STATUS_BYTES) this.#statusText += new TextDecoder().decode(payload);
      return;
    }
    const out = this.#outputs.get(channel);
    if (!out || out.cancelled || out.ended || !out.controller) return;
    // The socket reuses nothing, but Bun's ws may hand out views of a shared buffer.
    out.controller.enqueue(payload.slice());
    if ((out.controller.desiredSize ?? 1) <= 0) this.#socket.pause();
  }

  #resumeIfRoom(): void {
    for (const out of this.#outputs.values()) {
      if (!out.cancelled && !out.ended && (out.controller?.desiredSize ?? 1) <= 0) return;
    }
    this.#socket.resume();
  }

  #finish(close: SocketClose): void {
    const failure = this.#failure(close);
    for (const out of this.#outputs.values()) {
      if (out.ended || out.cancelled) continue;
      out.ended = true;
      // Output that arrived is the reader's either way; only an interrupted session errors the streams.
      if (failure instanceof TransportError) out.controller?.error(failure);
      else out.controller?.close();
    }
    if (failure) throw failure;
  }

  #failure(close: SocketClose): Error | undefined {
    if (this.#statusText) {
      const outcome = commandOutcome(this.#statusText);
      if (outcome.kind === "exited" && outcome.exitCode === 0) return undefined;
      if (outcome.kind === "exited") {
        return new ExecError(`command terminated with exit code ${outcome.exitCode}`, { exitCode: outcome.exitCode, reason: "NonZeroExitCode", status: outcome.status }, this.#site);
      }
      const reason = outcome.status.reason ?? "InternalError";
      return new ExecError(`the command could not run: ${outcome.status.message ?? reason}`, { reason, status: outcome.status }, this.#site);
    }
    if (close.error) return errorAtSite(close.error, this.#site);
    if (this.#closedByCaller) return new TransportError("the session was closed before the process ended", this.#site, { code: ABORT_ERR });
    // Like client-go: an error channel that ends empty means success.
    return undefined;
  }
}
