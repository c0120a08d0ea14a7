/**
 * Child processes of the control plane, each started under `cptool run` so that it dies
 * with us even when we are killed without a chance to clean up.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { closeSync, existsSync, openSync, readFileSync, readdirSync } from "node:fs";
import { createServer } from "node:net";

export interface Managed {
  name: string;
  /** PID of the supervising cptool process. */
  pid: number;
  exited: Promise<number | null>;
  child: ChildProcess;
  logFile: string;
}

export interface StartOptions {
  cptool: string;
  name: string;
  command: string;
  args: string[];
  logFile: string;
  /** Survive our exit (npm run cluster:up). */
  detach?: boolean;
  /** Added to our environment. */
  env?: Record<string, string>;
}

export function startManaged(o: StartOptions): Managed {
  const fd = openSync(o.logFile, "a");
  const supervisorArgs = ["run"];
  if (o.detach) supervisorArgs.push("-detach");
  supervisorArgs.push("--", o.command, ...o.args);
  const child = spawn(o.cptool, supervisorArgs, {
    stdio: ["ignore", fd, fd],
    detached: o.detach ?? false,
    env: o.env ? { ...process.env, ...o.env } : process.env,
  });
  closeSync(fd);
  if (o.detach) child.unref();
  const exited = new Promise<number | null>((resolve) => {
    child.once("exit", (code) => resolve(code));
    child.once("error", () => resolve(-1));
  });
  if (child.pid === undefined) throw new Error(`could not start ${o.name} (${o.command})`);
  return { name: o.name, pid: child.pid, exited, child, logFile: o.logFile };
}

/**
 * Sends `signal` to a child by its PID rather than with `child.kill()`. Deno's node:child_process
 * `kill()` records the signal it sent as the child's end (its 'exit' event then says `null,
 * signal` even when the child caught SIGTERM and exited 0), closes the child's pipes at once
 * (its last output is lost), and ignores every later `kill()` (a SIGKILL after a SIGTERM is never
 * sent). Through process.kill() the child's real exit status reaches 'exit' on Node, Bun and Deno.
 *
 * @example
 * signalChild(child, "SIGTERM");
 * expect(await exited).toBe(0);
 */
export function signalChild(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  try {
    process.kill(child.pid, signal);
  } catch (err) {
    // Gone between the check and the signal: its 'exit' event tells the rest.
    if ((err as NodeJS.ErrnoException).code !== "ESRCH") throw err;
  }
}

/** Sends SIGTERM and waits; SIGKILL after `graceMs`. */
export async function stopManaged(m: Managed, graceMs = 15_000): Promise<void> {
  if (m.child.exitCode !== null || m.child.signalCode !== null) return;
  signalChild(m.child, "SIGTERM");
  const timer = new Promise<"timeout">((r) => setTimeout(() => r("timeout"), graceMs).unref());
  if ((await Promise.race([m.exited, timer])) === "timeout") {
    signalChild(m.child, "SIGKILL");
    await m.exited;
  }
}

/** Stops a process we only know by PID (the CLI's `down`). */
export async function stopPid(pid: number, graceMs = 15_000): Promise<void> {
  if (!alive(pid)) return;
  process.kill(pid, "SIGTERM");
  const deadline = Date.now() + graceMs;
  while (alive(pid) && Date.now() < deadline) await sleep(100);
  if (alive(pid)) process.kill(pid, "SIGKILL");
}

export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Resident memory in bytes of a supervisor's child (the real component), from /proc. */
export function childRss(supervisorPid: number): number {
  // A child belongs to the thread that forked it: a detached supervisor (not pinned to its
  // main thread) may have forked from any of them.
  const tasks = `/proc/${supervisorPid}/task`;
  if (!existsSync(tasks)) return 0;
  let total = 0;
  for (const tid of readdirSync(tasks)) {
    for (const pid of readOrEmpty(`${tasks}/${tid}/children`).trim().split(/\s+/).filter(Boolean)) {
      const kb = /VmRSS:\s+(\d+)/.exec(readOrEmpty(`/proc/${pid}/status`))?.[1];
      if (kb) total += Number(kb) * 1024;
    }
  }
  return total;
}

/** A /proc file, or "" when its process or thread has gone meanwhile. */
function readOrEmpty(file: string): string {
  try {
    return readFileSync(file, "utf8");
  } catch {
    return "";
  }
}

export function tail(file: string, lines = 30): string {
  if (!existsSync(file)) return "(no log)";
  return readFileSync(file, "utf8").trimEnd().split("\n").slice(-lines).join("\n");
}

/** A free TCP port on 127.0.0.1 (released before use: a small race we accept in tests). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
