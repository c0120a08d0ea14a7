/**
 * A hung exec plugin cannot hold a request: it is killed (with the processes it started)
 * at its timeout, or as soon as every caller waiting for it has given up.
 */
import { existsSync, readFileSync } from "node:fs";
import { afterAll, describe, expect, it } from "vitest";
import { AuthError } from "../../../src/base/errors.ts";
import { DEFAULT_EXEC_TIMEOUT_MS, DEFAULT_INTERACTIVE_EXEC_TIMEOUT_MS, ExecAuth } from "../../../src/config/auth/exec-credential.ts";
import { credential, failure, V1 } from "./fixtures/exec-plugin.ts";
import { tempDir } from "./fixtures/temp-files.ts";

const t = tempDir("bun-k8s-exec-deadline-");
afterAll(() => t.remove());

let serial = 0;

/** A plugin that starts a child (which starts nothing), records both pids, then sleeps `seconds` and answers. */
function sleepyPlugin(seconds: number): { command: string; pids(): number[] } {
  const n = ++serial;
  const pids = t.path(`pids-${n}`);
  const response = t.write(`response-${n}.json`, credential(V1, { token: `tok-from-plugin-${n}` }));
  const command = t.script(`bin/sleepy-${n}`, [`sleep ${seconds} &`, `echo "$$ $!" > "${pids}"`, `sleep ${seconds}`, `cat "${response}"`].join("\n"));
  return {
    command,
    pids: () => {
      try {
        return readFileSync(pids, "utf8").trim().split(" ").map(Number);
      } catch {
        return [];
      }
    },
  };
}

/** Alive: in /proc and not a zombie (a killed process waiting for its parent to reap it is dead). */
function alive(pid: number): boolean {
  if (!existsSync(`/proc/${pid}/stat`)) return false;
  try {
    return readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]?.[0] !== "Z";
  } catch {
    return false;
  }
}

async function until(check: () => boolean, ms = 3_000): Promise<boolean> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (check()) return true;
    await new Promise((r) => setTimeout(r, 20));
  }
  return check();
}

function auth(command: string, timeoutMs?: number, terminal = false): ExecAuth {
  return new ExecAuth({
    exec: { command, apiVersion: V1, interactiveMode: terminal ? "IfAvailable" : "Never" },
    userName: "u",
    env: { env: { PATH: process.env.PATH }, now: Date.now, isTerminal: () => terminal },
    ...(timeoutMs !== undefined ? { timeoutMs } : {}),
  });
}

describe("exec plugin deadlines", () => {
  it("defaults: a minute without a terminal, kubelogin's three minutes with one", () => {
    expect(DEFAULT_EXEC_TIMEOUT_MS).toBe(60_000);
    expect(DEFAULT_INTERACTIVE_EXEC_TIMEOUT_MS).toBe(180_000);
  });

  it("a plugin past its timeout fails with AuthError and is killed with its child", async () => {
    const plugin = sleepyPlugin(30);
    const started = Date.now();
    const e = await failure(auth(plugin.command, 300).credentials());
    expect(e).toBeInstanceOf(AuthError);
    expect(e.message).toMatch(/did not finish within 300 ms and was killed/);
    expect(Date.now() - started).toBeLessThan(3_000);
    expect(plugin.pids()).toHaveLength(2);
    expect(await until(() => plugin.pids().every((pid) => !alive(pid)))).toBe(true);
  });

  it("when the only waiter gives up, the plugin and its child are killed", async () => {
    const plugin = sleepyPlugin(30);
    const a = auth(plugin.command);
    const ac = new AbortController();
    const pending = failure(a.credentials({ signal: ac.signal }));
    expect(await until(() => plugin.pids().length === 2)).toBe(true);
    ac.abort();
    await pending;
    expect(await until(() => plugin.pids().every((pid) => !alive(pid)))).toBe(true);
  });

  it("an interactive run (someone logging in) outlives the waiter that gave up; the next call gets its answer", async () => {
    const plugin = sleepyPlugin(0.5);
    const a = auth(plugin.command, undefined, true);
    const ac = new AbortController();
    const leaving = failure(a.credentials({ signal: ac.signal }));
    expect(await until(() => plugin.pids().length === 2)).toBe(true);
    ac.abort();
    await leaving;
    expect(plugin.pids().every(alive)).toBe(true);
    expect((await a.credentials()).headers.authorization).toMatch(/^Bearer tok-from-plugin-\d+$/);
    expect(a.runs).toBe(1);
  });

  it("a waiter that gives up does not kill a run another caller still waits for", async () => {
    const plugin = sleepyPlugin(0.5);
    const a = auth(plugin.command);
    const ac = new AbortController();
    const leaving = failure(a.credentials({ signal: ac.signal }));
    const staying = a.credentials();
    ac.abort();
    await leaving;
    expect((await staying).headers.authorization).toMatch(/^Bearer tok-from-plugin-\d+$/);
    expect(a.runs).toBe(1);
  });
});
