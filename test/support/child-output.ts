/**
 * Running a program to completion from a contract test and keeping what it printed, for
 * the files that spawn an example, npm, tsc or a packed consumer.
 */
import { spawn } from "node:child_process";

export interface ChildResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export interface ChildOptions {
  cwd: string;
  env: Record<string, string | undefined>;
  /** SIGKILL the child after this long, so a hung program fails its test instead of the run. */
  killAfterMs?: number;
}

/**
 * Spawns `command` with stdin closed and resolves with its exit code and output once it ends.
 *
 * @example
 * const { code, stdout } = await runChild("node", ["--version"], { cwd: process.cwd(), env: process.env });
 */
export function runChild(command: string, args: readonly string[], options: ChildOptions): Promise<ChildResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: options.cwd, env: options.env, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    const timer = options.killAfterMs === undefined ? undefined : setTimeout(() => child.kill("SIGKILL"), options.killAfterMs);
    child.on("error", reject);
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}
