/**
 * bun-k8s/testing's record and replay against the real API server: a session (lists, a 404,
 * watch streams, 410 Gone on a list and a watch, informers) is recorded through the token
 * user's connection, then replayed with no server, and must observe exactly the same. The file
 * holds no credential and no Secret value. With BUN_K8S_RECORD_FIXTURES=1 it also refreshes the
 * recording the unit tests replay (test/unit/testing/fixtures/).
 */
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, inject, test } from "vitest";
import { api } from "../../src/api/client.ts";
import { loadConfig } from "../../src/config/index.ts";
import { createConnection } from "../../src/connection/connection.ts";
import type { Connection } from "../../src/connection/types.ts";
import { TransportRecorder, TransportReplay } from "../../src/testing/index.ts";
import { ConfigMap } from "../../generated/k8s/core/v1/index.ts";
import { repoRoot } from "../../specs/materialise.ts";
import { recordReplayScenario, SECRET_VALUE } from "../support/record-replay-scenario.ts";
import { pollUntil } from "../support/poll-until.ts";
import { controlApiserver, isCompacted } from "../support/watch-cluster.ts";
import { connect, scratchNamespace } from "./api-connection.ts";

const cluster = inject("cluster");
let admin: Connection;
let ns: string;
let removeNamespace: () => Promise<void>;
let dir: string;

beforeAll(async () => {
  admin = await connect();
  ({ name: ns, remove: removeNamespace } = await scratchNamespace(admin, "record"));
  dir = mkdtempSync(join(tmpdir(), "bun-k8s-record-"));
});
afterAll(async () => {
  await removeNamespace?.();
  admin?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe("record and replay", () => {
  test("a recorded session replays identically with no server, and the file holds no credential or Secret value", async () => {
    // A resourceVersion etcd has compacted away, so that the server answers 410 Gone (local control plane only).
    let oldResourceVersion: string | undefined;
    let compactionChanged = false;
    try {
      if (cluster.controlUrl) {
        const probe = await api(admin, ConfigMap, { namespace: ns }).create({ metadata: { name: "old" } });
        oldResourceVersion = probe.metadata!.resourceVersion!;
        await controlApiserver("restart", { etcdCompactionInterval: "2s" });
        compactionChanged = true;
        await api(admin, ConfigMap, { namespace: ns }).delete("old");
        await pollUntil("etcd to compact", async () => isCompacted(api(admin, ConfigMap, { namespace: ns }), oldResourceVersion!), 60_000, 500);
      }
      const file = join(dir, "session.jsonl");
      const recorder = new TransportRecorder({ file });
      const config = await loadConfig({ kubeconfigPath: cluster.kubeconfigs.token });
      const conn = createConnection(config, { transport: recorder.transport });
      const live = await recordReplayScenario(conn, ns, oldResourceVersion);
      conn.close();
      recorder.save();

      const text = readFileSync(file, "utf8");
      const token = cluster.staticTokens["token-user"] ?? /token:\s*(\S+)/.exec(readFileSync(cluster.kubeconfigs.token, "utf8"))![1]!;
      expect(text).not.toContain(token);
      expect(text).not.toContain(SECRET_VALUE);
      expect(text).not.toContain(btoa(SECRET_VALUE));
      expect(text).toContain('"authorization":"REDACTED"');
      const exchanges = recorder.exchanges;
      expect(exchanges.some((e) => e.path.includes("watch=true") && e.response?.end.kind === "aborted")).toBe(true);
      if (oldResourceVersion !== undefined) {
        expect(live).toContain("list at a compacted version: ApiError 410 Expired (gone)");
        expect(live.find((l) => l.startsWith("watch from a compacted version"))).toMatch(/ApiError 410 \w+ \(gone\)/);
      }

      const replay = TransportReplay.fromFile(file);
      const replayed = await recordReplayScenario(replay.connection({ namespace: ns }), ns, oldResourceVersion);
      expect(replayed).toEqual(live);
      expect(replay.remaining.map((e) => `${e.method} ${e.path}`)).toEqual([]);
      console.log(`[record-replay] ${exchanges.length} exchanges recorded; replayed transcript:\n  ${replayed.join("\n  ")}`);

      if (process.env.BUN_K8S_RECORD_FIXTURES) {
        const fixtures = join(repoRoot, "test", "unit", "testing", "fixtures");
        copyFileSync(file, join(fixtures, "session.jsonl"));
        writeFileSync(join(fixtures, "session.expected.json"), `${JSON.stringify({ namespace: ns, oldResourceVersion, transcript: live }, null, 2)}\n`);
      }
    } finally {
      if (compactionChanged) await controlApiserver("restart", { etcdCompactionInterval: "5m" });
    }
  }, 240_000);
});
