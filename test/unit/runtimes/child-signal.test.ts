/**
 * signalChild (test/controlplane/processes.ts) on the runtime the suite runs on: a child that
 * catches SIGTERM and exits 0 must be seen exiting 0 with its last words, and a SIGKILL after an
 * ignored SIGTERM must still be sent. With `child.kill()` all three fail on Deno (its
 * node:child_process reports the sent signal instead of the exit status, closes the pipes and
 * drops a second kill).
 */
import { spawn, type ChildProcess } from "node:child_process";
import { describe, expect, test } from "vitest";
import { signalChild } from "../../controlplane/processes.ts";
import { realNodePath } from "../../support/node-runtime.ts";

interface Ended {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/** A Node child that says "ready", then runs `onTerm` on SIGTERM. */
function child(onTerm: string): { process: ChildProcess; ready: Promise<void>; ended: Promise<Ended>; closed: Promise<void>; output: () => string } {
  const script = `process.on("SIGTERM", () => { ${onTerm} }); setInterval(() => {}, 1000); process.stdout.write("ready\\n");`;
  const proc = spawn(realNodePath(), ["-e", script], { stdio: ["ignore", "pipe", "ignore"] });
  let output = "";
  const ready = new Promise<void>((resolve) =>
    proc.stdout!.on("data", (d: Buffer) => {
      output += d.toString();
      if (output.includes("ready")) resolve();
    }),
  );
  const ended = new Promise<Ended>((resolve) => proc.once("exit", (code, signal) => resolve({ code, signal })));
  const closed = new Promise<void>((resolve) => proc.once("close", () => resolve()));
  return { process: proc, ready, ended, closed, output: () => output };
}

describe("signalChild", () => {
  test("a child that catches SIGTERM and exits 0 is seen exiting 0, with what it printed on the way out", async () => {
    const c = child(`process.stdout.write("bye\\n", () => process.exit(0));`);
    await c.ready;
    signalChild(c.process, "SIGTERM");
    expect(await c.ended).toEqual({ code: 0, signal: null });
    await c.closed;
    expect(c.output()).toBe("ready\nbye\n");
  });

  test("SIGKILL after an ignored SIGTERM is sent, and the exit names SIGKILL", async () => {
    const c = child(`/* ignored */`);
    await c.ready;
    signalChild(c.process, "SIGTERM");
    const first = await Promise.race([c.ended, new Promise<"alive">((r) => setTimeout(() => r("alive"), 300))]);
    expect(first).toBe("alive");
    signalChild(c.process, "SIGKILL");
    expect(await c.ended).toEqual({ code: null, signal: "SIGKILL" });
  });

  test("a child that already ended is left alone", async () => {
    const c = child(`process.exit(3);`);
    await c.ready;
    signalChild(c.process, "SIGTERM");
    expect(await c.ended).toEqual({ code: 3, signal: null });
    expect(() => signalChild(c.process, "SIGKILL")).not.toThrow();
    expect(c.process.exitCode).toBe(3);
  });
});
