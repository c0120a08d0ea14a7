/**
 * The errors of pod I/O. Refused upgrades (no such pod or container, pod not running,
 * forbidden) are ApiErrors from the connection, with the API server's Status; these are
 * what happens once the stream is open.
 */
import { KubeError, type ErrorSite, type Status } from "../base/errors.ts";

/**
 * A remote command that did not succeed: it exited non-zero (`reason` "NonZeroExitCode",
 * `exitCode` set; a command killed by a signal reports 128 + the signal, 137 for SIGKILL),
 * could not be run (`reason` from the server's Status, e.g. "InternalError", no exit code),
 * or produced more output than `maxOutputBytes` ("OutputLimitExceeded"). `stdout` and
 * `stderr` hold what `exec()` collected; they are empty for sessions you read yourself.
 */
export class ExecError<Out extends string | Uint8Array = string> extends KubeError {
  readonly exitCode: number | undefined;
  readonly reason: string;
  /** The error channel's Status, when the server sent one. */
  readonly status: Status | undefined;
  readonly stdout: Out | undefined;
  readonly stderr: Out | undefined;
  readonly #summary: string;

  constructor(
    message: string,
    fields: { exitCode?: number | undefined; reason: string; status?: Status | undefined; stdout?: Out | undefined; stderr?: Out | undefined },
    site: ErrorSite = {},
  ) {
    super(message, site);
    this.#summary = message;
    this.exitCode = fields.exitCode;
    this.reason = fields.reason;
    this.status = fields.status;
    this.stdout = fields.stdout;
    this.stderr = fields.stderr;
  }

  /** The same failure, carrying the output collected meanwhile. */
  withOutput<O extends string | Uint8Array>(stdout: O, stderr: O): ExecError<O> {
    return new ExecError<O>(this.#summary, { exitCode: this.exitCode, reason: this.reason, status: this.status, stdout, stderr }, this.site);
  }
}

/** The kubelet could not forward a connection (nothing listens on the pod port, the pod went away); `message` is its own. */
export class PortForwardError extends KubeError {
  /** The pod port. */
  readonly port: number;
  constructor(message: string, port: number, site: ErrorSite = {}) {
    super(message, site);
    this.port = port;
  }
}
