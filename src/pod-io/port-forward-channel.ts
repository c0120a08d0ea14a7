/**
 * One forwarded TCP connection to a pod port: one WebSocket (portforward.k8s.io over
 * v4.channel.k8s.io) with a data channel (0) and an error channel (1), each opened by the
 * port as 2 little-endian bytes. The protocol has no half-close: the connection ends when
 * either side closes the WebSocket.
 */
import { errorAtSite, type ErrorSite, type TransportError } from "../base/errors.ts";
import type { MessageSocket } from "../transport/websocket.ts";
import { PortPrefix, frames } from "./channel-protocol.ts";
import { PortForwardError } from "./errors.ts";

const DATA = 0;
const ERROR = 1;
const MAX_ERROR_BYTES = 64 << 10;

export class ForwardedConnection {
  readonly port: number;
  /** Resolves once the WebSocket closed: with the kubelet's error, a transport failure, or undefined for a clean end. */
  readonly ended: Promise<PortForwardError | TransportError | undefined>;
  readonly #socket: MessageSocket;
  readonly #prefixes = [new PortPrefix(), new PortPrefix()];
  #handler: ((chunk: Uint8Array) => void) | undefined;
  #pending: Uint8Array[] = [];
  #errorText = "";

  constructor(socket: MessageSocket, port: number, site: ErrorSite) {
    this.#socket = socket;
    this.port = port;
    socket.onMessage((message) => this.#route(message));
    this.ended = socket.closed.then((close) => {
      const text = this.#errorText.trim();
      if (text) return new PortForwardError(text, port, site);
      if (close.error) return errorAtSite(close.error, site);
      return undefined;
    });
  }

  /** Receives the data from the pod port, in order; call once. */
  onData(handler: (chunk: Uint8Array) => void): void {
    this.#handler = handler;
    for (const chunk of this.#pending.splice(0)) handler(chunk);
  }

  /** Sends bytes to the pod port; resolves when the socket can take more. */
  async write(chunk: Uint8Array): Promise<void> {
    for (const message of frames(DATA, chunk)) await this.#socket.send(message);
  }

  pause(): void {
    this.#socket.pause();
  }

  resume(): void {
    this.#socket.resume();
  }

  /** Ends the forwarded connection (reading on, so a paused socket can finish the close handshake). */
  close(): void {
    this.#handler = () => undefined;
    this.#socket.resume();
    this.#socket.close(1000);
  }

  #route(message: Uint8Array): void {
    const channel = message[0];
    if (channel !== DATA && channel !== ERROR) return;
    const payload = this.#prefixes[channel]!.strip(message.subarray(1));
    if (payload.byteLength === 0) return;
    if (channel === ERROR) {
      if (this.#errorText.length < MAX_ERROR_BYTES) this.#errorText += new TextDecoder().decode(payload);
      return;
    }
    const copy = payload.slice();
    if (this.#handler) this.#handler(copy);
    else this.#pending.push(copy);
  }
}
