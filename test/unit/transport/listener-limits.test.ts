/**
 * allowManyListeners: one client signal carries one abort listener per request in flight.
 * Node 20 and Bun give an AbortSignal a limit of 10 listeners and warn past it
 * (MaxListenersExceededWarning; Bun prints it to stderr without a process "warning" event);
 * Node 22+ and Deno set no limit. node:events is fetched on first use, not imported (issue 17).
 * The limit is read with node:events' getMaxListeners; Node 20's throws for a signal whose limit
 * was set to 0, which reads as "raised" here.
 */
import { getMaxListeners, defaultMaxListeners } from "node:events";
import { describe, expect, it } from "vitest";
import { isBun, isDeno } from "../../../src/base/runtime-info.ts";
import { RequestSignals } from "../../../src/transport/linked-signals.ts";
import { allowManyListeners } from "../../../src/transport/request-lifetime.ts";

function limitOf(signal: AbortSignal): number | "unreadable" {
  try {
    return getMaxListeners(signal);
  } catch {
    return "unreadable";
  }
}

const nodeMajor = Number(process.versions.node.split(".")[0]);
/** Runtimes whose AbortSignals warn past defaultMaxListeners. */
const limited = isBun() || (!isDeno() && nodeMajor === 20);

describe("allowManyListeners", () => {
  it("signals of this runtime start with the limit we expect (the control)", () => {
    expect(limitOf(new AbortController().signal)).toBe(limited ? defaultMaxListeners : 0);
  });

  it("lifts the limit, so 50 listeners on one signal are not a leak", () => {
    const controller = new AbortController();
    allowManyListeners(controller.signal);
    for (let i = 0; i < 50; i++) controller.signal.addEventListener("abort", () => {});
    expect([0, "unreadable"]).toContain(limitOf(controller.signal));
  });

  it("is applied to every source that RequestSignals folds", () => {
    const client = new AbortController();
    const request = new AbortController();
    new RequestSignals([client.signal, request.signal]).release();
    expect([0, "unreadable"]).toContain(limitOf(client.signal));
    expect([0, "unreadable"]).toContain(limitOf(request.signal));
  });

  it("no MaxListenersExceededWarning for 30 requests folded on one client signal (Node: process warnings)", async () => {
    const seen: Error[] = [];
    const onWarning = (w: Error): number => seen.push(w);
    process.on("warning", onWarning);
    try {
      const client = new AbortController();
      for (let i = 0; i < 30; i++) new RequestSignals([client.signal, new AbortController().signal]);
      // Node emits process warnings on the next tick.
      await new Promise((resolve) => setTimeout(resolve, 20));
    } finally {
      process.off("warning", onWarning);
    }
    expect(seen.filter((w) => w.name === "MaxListenersExceededWarning")).toEqual([]);
  });
});
