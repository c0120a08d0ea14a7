import { spawn } from "node:child_process";

/** How an exec plugin run ended. stdout holds the credential: never put it in a message. */
export interface PluginOutcome {
  code: number | null;
  /** The signal that ended the plugin ("SIGTERM", ...), if one did. */
  signal: string | null;
  stdout: string;
  /** The end of the plugin's stderr (bounded), for error messages. */
  stderr: string;
}

/** The plugin could not be started at all. */
export class PluginStartError extends Error {
  readonly code: string | undefined;
  constructor(code: string | undefined, message: string) {
    super(message);
    this.code = code;
  }
}

export interface PluginRun {
  command: string;
  args: string[];
  env: Record<string, string>;
  /** Give the plugin our stdin (interactive mode) and show its stderr live (prompts). */
  interactive: boolean;
  /** Where live stderr goes in interactive mode. */
  stderrSink?: StderrSink;
}

/**
 * Where an interactive exec plugin's stderr goes (process.stderr by default). Our own type:
 * NodeJS.WritableStream moved between @types/node versions.
 */
export interface StderrSink {
  write(chunk: Uint8Array): unknown;
}

const MAX_STDOUT = 4 * 1024 * 1024;
const STDERR_TAIL = 4 * 1024;

/**
 * Runs a credential plugin to completion. Rejects with PluginStartError when it cannot be
 * spawned (missing, not executable); otherwise resolves with its exit status and output.
 */
export function runPlugin(run: PluginRun): Promise<PluginOutcome> {
  return new Promise((resolve, reject) => {
    const child = spawn(run.command, run.args, {
      env: run.env,
      stdio: [run.interactive ? "inherit" : "ignore", "pipe", "pipe"],
      windowsHide: true,
    });
    const out: Buffer[] = [];
    let outBytes = 0;
    let overflow = false;
    let err = "";
    child.stdout?.on("data", (chunk: Buffer) => {
      outBytes += chunk.length;
      if (outBytes > MAX_STDOUT) {
        overflow = true;
        child.kill();
        return;
      }
      out.push(chunk);
    });
    child.stderr?.on("data", (chunk: Buffer) => {
      if (run.interactive) (run.stderrSink ?? process.stderr).write(chunk);
      err = (err + chunk.toString("utf8")).slice(-STDERR_TAIL);
    });
    let settled = false;
    child.on("error", (e: NodeJS.ErrnoException) => {
      if (settled) return;
      settled = true;
      reject(new PluginStartError(e.code, e.message));
    });
    child.on("close", (code, signal) => {
      if (settled) return;
      settled = true;
      if (overflow) {
        reject(new PluginStartError("EOVERFLOW", `wrote more than ${MAX_STDOUT} bytes to stdout`));
        return;
      }
      resolve({ code, signal, stdout: Buffer.concat(out).toString("utf8"), stderr: err });
    });
  });
}
