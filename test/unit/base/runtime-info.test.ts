/**
 * Runtime detection, on whichever runtime the suite was launched with: the matrix
 * (test/runtimes/) sets BUN_K8S_EXPECT_RUNTIME ("bun", "deno", "node@24") so that a launch that
 * silently ran on another runtime fails here.
 */
import { describe, expect, it } from "vitest";
import { defaultUserAgent, isBun, isDeno, runtimeInfo } from "../../../src/base/runtime-info.ts";
import { expectedRuntime } from "../../support/expected-runtime.ts";

describe("runtime detection", () => {
  it("names the runtime the suite was launched on", () => {
    const info = runtimeInfo();
    const expected = expectedRuntime();
    if (expected) {
      expect(info.name).toBe(expected.name);
      if (expected.major) expect(info.version.split(".")[0]).toBe(expected.major);
    }
    expect(isBun()).toBe(info.name === "bun");
    expect(isDeno()).toBe(info.name === "deno");
    // Deno and Bun also answer process.versions.node; the runtime's own version is the one named.
    const own = info.name === "node" ? process.versions.node : (process.versions as Record<string, string | undefined>)[info.name];
    expect(info.version).toBe(own);
    expect(defaultUserAgent()).toBe(`bun-k8s/0.1.0 (${info.name} ${info.version})`);
  });
});
