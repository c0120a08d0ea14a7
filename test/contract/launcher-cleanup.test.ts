/**
 * The launcher leaves nothing behind when the process that started it dies, gracefully or
 * not: every component stops and the temp folder (PKI, kubeconfigs, etcd data) is removed.
 * Starts its own small control plane (`cli.ts hold`) and kills it.
 */
import { spawn } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { describe, expect, test } from "vitest";
import { repoRoot } from "../controlplane/build.ts";
import { nodeCountFromEnv } from "../controlplane/nodes.ts";

interface Held {
  dir: string;
  pids: Record<string, number>;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** PIDs of the supervised components (children of each cptool supervisor). */
function componentPids(held: Held): number[] {
  return Object.values(held.pids).flatMap((pid) => {
    const file = `/proc/${pid}/task/${pid}/children`;
    return existsSync(file) ? readFileSync(file, "utf8").trim().split(/\s+/).filter(Boolean).map(Number) : [];
  });
}

async function hold(): Promise<{ held: Held; pid: number }> {
  const bun = join(repoRoot, "node_modules", ".bin", "bun");
  const child = spawn(bun, [join(repoRoot, "test", "controlplane", "cli.ts"), "hold"], { stdio: ["ignore", "pipe", "inherit"] });
  const lines = createInterface({ input: child.stdout! });
  for await (const line of lines) {
    if (line.startsWith("{")) {
      lines.close();
      child.stdout!.resume();
      return { held: JSON.parse(line) as Held, pid: child.pid! };
    }
  }
  throw new Error("the held control plane never reported itself");
}

async function until(what: string, check: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`${what} within ${timeoutMs / 1000} s`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

describe("the launcher cleans up after a killed runner", () => {
  test.each(["SIGKILL", "SIGTERM"] as const)("%s: no process and no temp folder left", async (signal) => {
    const { held, pid } = await hold();
    expect(existsSync(join(held.dir, "pki", "ca.crt"))).toBe(true);
    const names = ["etcd", "kube-apiserver", "kube-controller-manager", ...(nodeCountFromEnv() > 0 ? ["kube-scheduler", "kwok"] : [])];
    expect(Object.keys(held.pids).sort()).toEqual(names);
    const components = componentPids(held);
    expect(components.length).toBe(names.length);
    for (const p of [...Object.values(held.pids), ...components]) expect(alive(p)).toBe(true);
    process.kill(pid, signal);
    await until("components still running", () => [...Object.values(held.pids), ...components].every((p) => !alive(p)), 20_000);
    await until(`temp folder ${held.dir} still there`, () => !existsSync(held.dir), 20_000);
  }, 90_000);
});
