/**
 * allowManyListeners: one client signal carries one abort listener per request in flight, and
 * Node warns past 10 (MaxListenersExceededWarning). node:events is fetched on first use, not
 * imported (issue 17: on Bun, whose signals never warn, importing it cost ~1.7 ms at import).
 * Runs on Node and on Bun (`bun --bun vitest`). (Node 20's getMaxListeners throws for a signal
 * whose limit is 0, so the warnings are what is checked.)
 */
import { describe, expect, it } from "vitest";
import { isBun } from "../../../src/base/runtime-info.ts";
import { RequestSignals } from "../../../src/transport/linked-signals.ts";
import { allowManyListeners } from "../../../src/transport/request-lifetime.ts";

async function warningsWhile(add: () => void): Promise<Error[]> {
  const seen: Error[] = [];
  const onWarning = (w: Error) => seen.push(w);
  process.on("warning", onWarning);
  try {
    add();
    // Node emits process warnings on the next tick.
    await new Promise((resolve) => setTimeout(resolve, 20));
  } finally {
    process.off("warning", onWarning);
  }
  return seen.filter((w) => w.name === "MaxListenersExceededWarning");
}

describe("allowManyListeners", () => {
  it("lets one signal carry 50 abort listeners without a leak warning", async () => {
    const controller = new AbortController();
    allowManyListeners(controller.signal);
    const warnings = await warningsWhile(() => {
      for (let i = 0; i < 50; i++) controller.signal.addEventListener("abort", () => {});
    });
    expect(warnings).toEqual([]);
  });

  it("is applied to every source that RequestSignals folds", async () => {
    const client = new AbortController();
    const warnings = await warningsWhile(() => {
      for (let i = 0; i < 30; i++) new RequestSignals([client.signal, new AbortController().signal]);
    });
    expect(warnings).toEqual([]);
  });

  it("the control: without it, Node warns past 10 listeners", async () => {
    const controller = new AbortController();
    const warnings = await warningsWhile(() => {
      for (let i = 0; i < 11; i++) controller.signal.addEventListener("abort", () => {});
    });
    expect(warnings.length).toBe(isBun() ? 0 : 1);
  });
});
