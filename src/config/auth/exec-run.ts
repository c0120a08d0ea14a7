/**
 * Running a credential plugin as a child process, bounded in every way a broken plugin
 * could stretch: its stdout (4 MiB), the stderr we keep (its last 8 KiB), and its time. On
 * timeout or abort the plugin is killed with SIGKILL, as client-go's exec.CommandContext
 * does, together with every process it started: a plugin that runs without a terminal gets
 * its own process group, and the whole group is killed.
 */
import { spawn, type ChildProcess } from "node:child_process";

/** How an exec plugin run ended. stdout holds the credential: never put it in a message. */
export interface PluginOutcome {
  code: number | null;
  /** The signal that ended the plugin ("SIGTERM", ...), if one did. */
  signal: string | null;
  stdout: string;
  /** The end of the plugin's stderr (its last 8 KiB), raw: quote it only through excerpt(). */
  stderr: string;
}

/** The plugin could not be started, wrote too much, or was stopped (code ETIMEDOUT or ABORT_ERR). */
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
  /** Kill the plugin after this long (ms); 0: never. */
  timeoutMs: number;
  /** Kill the plugin when this aborts. */
  signal?: AbortSignal;
}

/**
 * Where an interactive exec plugin's stderr goes (process.stderr by default). Our own type:
 * NodeJS.WritableStream moved between @types/node versions.
 */
export interface StderrSink {
  write(chunk: Uint8Array): unknown;
}

const MAX_STDOUT = 4 * 1024 * 1024;
/** The stderr kept: twice what a message quotes, so the quote can start at a whole line. */
const STDERR_KEPT = 8 * 1024;

/**
 * Runs a credential plugin to completion. Rejects with PluginStartError when it cannot be
 * spawned (missing, not executable), overflows stdout, times out or is aborted (it is
 * killed then); otherwise resolves with its exit status and output.
 *
 * @example
 * const outcome = await runPlugin({ command: "aws", args: ["eks", "get-token"], env, interactive: false, timeoutMs: 60_000 });
 */
export function runPlugin(run: PluginRun): Promise<PluginOutcome> {
  return new Promise((resolve, reject) => {
    if (run.signal?.aborted) {
      reject(new PluginStartError("ABORT_ERR", "was stopped before it started"));
      return;
    }
    // A plugin without our terminal gets its own process group (setsid), so that killing it
    // kills what it started too. An interactive one keeps our terminal for its prompts.
    const child = spawn(run.command, run.args, {
      env: run.env,
      stdio: [run.interactive ? "inherit" : "ignore", "pipe", "pipe"],
      windowsHide: true,
      detached: !run.interactive && process.platform !== "win32",
    });
    const out: Buffer[] = [];
    let outBytes = 0;
    let err = "";
    let settled = false;
    const finish = (result: () => void): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      run.signal?.removeEventListener("abort", onAbort);
      result();
    };
    const stop = (code: string, message: string): void => {
      killTree(child, !run.interactive);
      finish(() => reject(new PluginStartError(code, message)));
    };
    const timer = run.timeoutMs > 0 ? setTimeout(() => stop("ETIMEDOUT", `did not finish within ${run.timeoutMs} ms and was killed`), run.timeoutMs) : undefined;
    const onAbort = (): void => stop("ABORT_ERR", "was killed: every request waiting for it gave up");
    run.signal?.addEventListener("abort", onAbort, { once: true });

    child.stdout?.on("data", (chunk: Buffer) => {
      outBytes += chunk.length;
      if (outBytes > MAX_STDOUT) {
        stop("EOVERFLOW", `wrote more than ${MAX_STDOUT} bytes to stdout`);
        return;
      }
      out.push(chunk);
    });
    child.stderr?.on("data", (chunk: Buffer) => {
      if (run.interactive) (run.stderrSink ?? process.stderr).write(chunk);
      err = (err + chunk.toString("utf8")).slice(-STDERR_KEPT);
    });
    child.on("error", (e: NodeJS.ErrnoException) => finish(() => reject(new PluginStartError(e.code, e.message))));
    child.on("close", (code, signal) => {
      finish(() => resolve({ code, signal, stdout: Buffer.concat(out).toString("utf8"), stderr: err }));
    });
  });
}

/** SIGKILL for the plugin, and for its process group when it has one of its own. */
function killTree(child: ChildProcess, group: boolean): void {
  if (child.pid === undefined) return;
  try {
    if (group && process.platform !== "win32") process.kill(-child.pid, "SIGKILL");
    else child.kill("SIGKILL");
  } catch {
    // Already gone.
  }
}
