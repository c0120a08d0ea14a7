/**
 * The client side of a hostile case, run in a child process so that its memory is its own
 * (the parent reads VmHWM from /proc/<pid>/status). Reads one Step from HOSTILE_STEP, runs it
 * through the SDK, and prints one line: "RESULT " + JSON of what happened, with every printed
 * form of the error (message, stack, String, util.inspect, console.dir, JSON) for the
 * parent to search for planted secrets. Then it waits to be killed, so the parent can read
 * its peak RSS while it is still there.
 *
 * Run by Bun and Deno as it is; on Node, as a bundle (see child-runner.ts).
 */
import { inspect } from "node:util";
import { dirOutput } from "../support/console-dir.ts";
import { KubeClient, watcher, type KubeClientOptions } from "../../src/index.ts";
import { loadKubeconfig } from "../../src/config/kubeconfig-files.ts";
import { ConfigMap } from "../../generated/k8s/core/v1/index.ts";

/** What the parent asks the child to do. */
export interface Step {
  op: "get" | "list" | "watch" | "watcher" | "gets" | "load" | "print-kubeconfig";
  kubeconfig: string;
  namespace?: string;
  /** Connection options (and exec timeout) for KubeClient.load. */
  client?: Pick<KubeClientOptions, "timeoutMs" | "maxResponseBytes" | "execTimeoutMs" | "retry">;
  /** Per-call options. */
  call?: { timeoutMs?: number; maxResponseBytes?: number; limit?: number };
  /** Abort the call after this many ms. */
  abortAfterMs?: number;
  /** For "gets": how many GETs at once. */
  count?: number;
  /** For "watcher": its options. */
  watcher?: { streamingList?: boolean; limit?: number };
}

/** What the child reports. */
export interface StepResult {
  ok: boolean;
  /** ms from the start of the SDK call to its end. */
  elapsedMs: number;
  value?: unknown;
  error?: {
    name: string;
    code?: unknown;
    message: string;
    /** Every printed form, joined, for secret searches. */
    printed: Record<string, string>;
  };
}

function printedForms(value: unknown): Record<string, string> {
  const e = value as Error;
  return {
    message: String(e?.message),
    stack: String(e?.stack),
    string: String(value),
    inspect: inspect(value, { depth: 10 }),
    dir: dirOutput(value),
    json: JSON.stringify(value) ?? "",
  };
}

async function run(step: Step, signal: AbortSignal): Promise<unknown> {
  if (step.op === "print-kubeconfig") {
    const loaded = await loadKubeconfig({ kubeconfigPath: step.kubeconfig });
    return { printed: printedForms(loaded), configPrinted: printedForms(loaded.config) };
  }
  const kube = await KubeClient.load({ kubeconfigPath: step.kubeconfig, ...step.client });
  if (step.op === "load") return kube.describe();
  const client = kube.api(ConfigMap, { namespace: step.namespace ?? "default" });
  const call = { ...step.call, signal };
  switch (step.op) {
    case "get":
      return client.get("x", call);
    case "list": {
      const list = await client.list(call);
      return { items: list.items.length };
    }
    case "watch": {
      let events = 0;
      for await (const _event of client.watch(call)) events++;
      return { events };
    }
    case "gets": {
      const all = await Promise.all(Array.from({ length: step.count ?? 1 }, () => client.get("x", call)));
      return { answered: all.length };
    }
    case "watcher": {
      for await (const event of watcher(client, { ...step.watcher, signal })) {
        if (event.type === "SYNCED") return { synced: event.size };
        if (event.type === "ERROR") throw event.error;
      }
      return { synced: -1 };
    }
  }
}

async function main(): Promise<void> {
  const step = JSON.parse(process.env.HOSTILE_STEP ?? "{}") as Step;
  const controller = new AbortController();
  if (step.abortAfterMs !== undefined) setTimeout(() => controller.abort(), step.abortAfterMs);
  const started = performance.now();
  let result: StepResult;
  try {
    const value = await run(step, controller.signal);
    result = { ok: true, elapsedMs: Math.round(performance.now() - started), value };
  } catch (e) {
    const err = e as Error & { code?: unknown };
    result = {
      ok: false,
      elapsedMs: Math.round(performance.now() - started),
      error: { name: err?.name ?? typeof e, code: err?.code, message: String(err?.message ?? e), printed: printedForms(e) },
    };
  }
  process.stdout.write(`RESULT ${JSON.stringify(result)}\n`);
  // Stay until the parent has read our peak RSS and kills us.
  setInterval(() => undefined, 60_000);
}

void main();
