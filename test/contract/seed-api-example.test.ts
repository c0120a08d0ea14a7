/**
 * examples/seed-api.ts, spawned as a user runs it (KUBECONFIG = the admin kubeconfig), on Bun
 * and on Node (as-is where Node strips types, through test/support/node-typescript-hooks.mjs
 * on Node 20), so the example cannot rot: every line it prints is derived from what the
 * server answered.
 */
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, inject, test } from "vitest";
import { api } from "../../src/api/index.ts";
import type { Connection } from "../../src/connection/types.ts";
import { Namespace } from "../../generated/k8s/core/v1/index.ts";
import { repoRoot } from "../../specs/materialise.ts";
import { runChild, type ChildResult } from "../support/child-output.ts";
import { nodeTypeScriptArgs, realNodePath } from "../support/node-runtime.ts";
import { connect } from "./api-connection.ts";

const cluster = inject("cluster");
const example = join(repoRoot, "examples", "seed-api.ts");
const bun = join(repoRoot, "node_modules", ".bin", "bun");
const node = realNodePath();
const hooks = join(repoRoot, "test", "support", "node-typescript-hooks.mjs");

function run(command: string, args: readonly string[]): Promise<ChildResult> {
  return runChild(command, args, { cwd: repoRoot, env: { ...process.env, KUBECONFIG: cluster.kubeconfigs.admin } });
}

let conn: Connection;
beforeAll(async () => {
  conn = await connect();
});
afterAll(() => conn?.close());

describe("examples/seed-api.ts (needs the Flux CRDs, which the suite installs)", () => {
  test.each([
    ["Bun", bun, [example]],
    ["Node", node, [...nodeTypeScriptArgs(node, hooks), example]],
  ] as const)("runs on %s against the control plane", async (runtime, command, args) => {
    const { code, stdout, stderr } = await run(command, args);
    expect(code, `exit code; stderr:\n${stderr}`).toBe(0);
    expect(stdout).toMatch(new RegExp(`^runtime: ${runtime} \\d`, "m"));
    expect(stdout).toMatch(/^namespaces: .*\bdefault\b/m);
    expect(stdout).toMatch(/^namespaces: .*\bkube-system\b/m);
    const ns = /^namespace (seed-api-[a-z0-9]+): created$/m.exec(stdout)?.[1];
    expect(ns).toBeDefined();
    for (const line of [
      "secret db: type Opaque, keys password,user",
      "secrets labelled app=web: 1",
      "service web: cluster IP allocated",
      "service web: ports http:80,metrics:9090",
      "deployment web: scale spec.replicas 3",
      "deployment web: replicas 3, annotation owner=platform",
      `deployments in ${ns}: web`,
      "pod debug: found by selectors 1, labels role=debug,tier=tools",
      `pods labelled role=debug across namespaces, in ${ns}: 1`,
      "pod debug: deleted, get gives nothing",
      "gitrepository podinfo: url https://github.com/stefanprodan/podinfo, interval 5m",
      `gitrepositories in ${ns}: podinfo interval=1m suspend=true`,
      `namespace ${ns}: deleted`,
    ]) {
      expect(stdout.split("\n"), line).toContain(line);
    }
    expect(stdout).toMatch(/^gitrepository podinfo: deleted \((status|object)\), get gives nothing$/m);
    // The secret's value never reaches the output.
    expect(`${stdout}${stderr}`).not.toContain("not-printed");
    // The example cleaned up after itself: its namespace is gone or terminating.
    const left = await api(conn, Namespace).getOpt(ns as string);
    expect(left === undefined || left.metadata?.deletionTimestamp !== undefined).toBe(true);
  });
});
