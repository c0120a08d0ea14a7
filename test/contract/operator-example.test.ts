/**
 * examples/operator (the SecretMirror operator) as two replicas, one on Bun and one on Node,
 * against the real API server. While one leads, mirrors are created and converge; then the
 * leader is killed with SIGKILL and, before its successor can take over, the world changes (a
 * source Secret, a namespace's labels, a new mirror, a deleted mirror). The kill lands in the middle
 * of the leader's first round of copies. Pass: the successor
 * converges everything (nothing lost), the audit logs show no change made twice and no
 * interleaving of the two replicas' writes (nothing doubled), and deleted mirrors' copies are
 * gone (the finalizer ran before the object could go).
 */
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, inject, test } from "vitest";
import { api } from "../../src/api/client.ts";
import type { Connection } from "../../src/connection/types.ts";
import { findCondition } from "../../src/controller/index.ts";
import { Namespace, Secret } from "../../generated/k8s/core/v1/index.ts";
import { Lease } from "../../generated/k8s/coordination/v1/index.ts";
import { Event } from "../../generated/k8s/events/v1/index.ts";
import { repoRoot } from "../../specs/materialise.ts";
import { SecretMirror } from "../../examples/operator/secret-mirror.ts";
import { FINALIZER, OWNER_LABEL, type Change } from "../../examples/operator/reconcile.ts";
import { installSecretMirrorCrd } from "../support/secret-mirror-crd.ts";
import { realNodePath } from "../support/node-runtime.ts";
import { signalChild } from "../controlplane/processes.ts";
import { readFileSync, existsSync } from "node:fs";
import { pollUntil } from "../support/poll-until.ts";
import { connect, scratchNamespace } from "./api-connection.ts";

const cluster = inject("cluster");
const example = join(repoRoot, "examples", "operator", "main.ts");
const hooks = join(repoRoot, "test", "support", "node-typescript-hooks.mjs");
const bun = join(repoRoot, "node_modules", ".bin", "bun");

let conn: Connection;
const cleanups: (() => Promise<void>)[] = [];
let dir: string;

beforeAll(async () => {
  conn = await connect();
  await installSecretMirrorCrd(conn);
  dir = mkdtempSync(join(tmpdir(), "bun-k8s-operator-"));
});
afterAll(async () => {
  for (const c of cleanups.reverse()) await c();
  conn?.close();
  rmSync(dir, { recursive: true, force: true });
});

interface Replica {
  id: string;
  audit: string;
  process: ChildProcess;
  output: string[];
  exited: Promise<number | null>;
}

function startReplica(id: string, runtime: "bun" | "node", leaseNamespace: string): Replica {
  const audit = join(dir, `${id}.jsonl`);
  const env = {
    ...process.env,
    KUBECONFIG: cluster.kubeconfigs.admin,
    IDENTITY: id,
    OPERATOR_NAMESPACE: leaseNamespace,
    LEASE_MS: "3000",
    RENEW_MS: "2000",
    RETRY_MS: "500",
    SECRET_MIRROR_AUDIT_LOG: audit,
  };
  const [command, args] = runtime === "bun" ? [bun, [example]] : [realNodePath(), ["--import", hooks, example]];
  const child = spawn(command, args, { env, stdio: ["ignore", "pipe", "pipe"] });
  const output: string[] = [];
  const collect = (d: Buffer) => output.push(...d.toString().split("\n").filter(Boolean));
  child.stdout.on("data", collect);
  child.stderr.on("data", collect);
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  return { id, audit, process: child, output, exited };
}

type Audited = Change & { at: number; identity: string };
const readAudit = (file: string): Audited[] =>
  existsSync(file) ? readFileSync(file, "utf8").split("\n").filter(Boolean).map((l) => JSON.parse(l) as Audited) : [];

describe("examples/operator: the SecretMirror operator", () => {
  test("two replicas (Bun, Node) survive the leader's SIGKILL with no lost or doubled work", async () => {
    const run = Date.now().toString(36);
    const selector = { "bun-k8s.test/mirror": run };
    const scratch = async (prefix: string, labels: Record<string, string> = {}) => {
      const created = await scratchNamespace(conn, prefix);
      cleanups.push(created.remove);
      if (Object.keys(labels).length > 0) await api(conn, Namespace).patch(created.name, { type: "merge", patch: { metadata: { labels } } });
      return created.name;
    };
    const operatorNs = await scratch("op-lease");
    const sourceNs = await scratch("op-src");
    const targets = [await scratch("op-t", selector), await scratch("op-t", selector), await scratch("op-t", selector)];
    const unlabelled = await scratch("op-u");
    const secrets = (ns: string) => api(conn, Secret, { namespace: ns });
    const mirrors = api(conn, SecretMirror, { namespace: sourceNs });
    for (let i = 0; i < 5; i++) await secrets(sourceNs).create({ metadata: { name: `s${i}` }, stringData: { value: `secret ${i}` } });

    const replicas = [startReplica("op-bun", "bun", operatorNs), startReplica("op-node", "node", operatorNs)];
    try {
      await pollUntil("both replicas running", () => replicas.every((r) => r.output.some((l) => l.includes("runtime"))) || undefined, 180_000);
      expect(replicas.map((r) => r.output.find((l) => l.includes("runtime"))?.replace(/ [\d.]+$/, ""))).toEqual(["[op-bun] runtime Bun", "[op-node] runtime Node"]);
      const mirror = (name: string, secretName: string) =>
        mirrors.create({ metadata: { name }, spec: { secretName, namespaceSelector: { matchLabels: selector } } });
      for (let i = 0; i < 4; i++) await mirror(`m${i}`, `s${i}`);

      /** Every live mirror Ready for its generation, copies exactly in `expected`, with the source's data. */
      const converged = async (expected: string[], gone: string[] = []) => {
        const live = (await mirrors.list()).items;
        for (const m of live) {
          const ready = findCondition(m.status?.conditions, "Ready");
          if (ready?.status !== "True" || ready.observedGeneration !== m.metadata?.generation || m.status?.observedGeneration !== m.metadata?.generation) return false;
          if (JSON.stringify(m.status?.copies) !== JSON.stringify([...expected].sort())) return false;
          if (!m.metadata?.finalizers?.includes(FINALIZER)) return false;
          const source = await secrets(sourceNs).get(m.spec.secretName);
          for (const ns of expected) {
            const copy = await secrets(ns).getOpt(m.spec.secretName);
            if (JSON.stringify(copy?.data) !== JSON.stringify(source.data)) return false;
          }
        }
        for (const name of gone) if ((await mirrors.getOpt(name)) !== undefined) return false;
        const copies = (await api(conn, Secret).list({ labelSelector: OWNER_LABEL })).items.filter((c) => c.metadata!.labels![OWNER_LABEL]!.startsWith(`${sourceNs}.`));
        const owners = new Set(live.map((m) => `${sourceNs}.${m.metadata!.name}`));
        // No copy outside the selected namespaces, none of a deleted mirror.
        return copies.every((c) => expected.includes(c.metadata!.namespace!) && owners.has(c.metadata!.labels![OWNER_LABEL]!)) && copies.length === live.length * expected.length;
      };
      // Kill the leader in the middle of its first round of copies.
      let leader: Replica | undefined;
      for (const deadline = Date.now() + 90_000; !leader && Date.now() < deadline; await new Promise((r) => setTimeout(r, 2))) {
        leader = replicas.find((r) => existsSync(r.audit) && readFileSync(r.audit, "utf8").length > 0);
      }
      if (!leader) throw new Error("no replica started working within 90 s");
      const killed = leader;
      const survivor = replicas.find((r) => r !== leader)!;
      const killAt = Date.now();
      signalChild(killed.process, "SIGKILL");
      await killed.exited;
      // The world changes while nobody leads.
      await secrets(sourceNs).patch("s0", { type: "merge", patch: { stringData: { value: "changed" } } });
      const fourth = await scratch("op-t", selector);
      await mirror("m4", "s4");
      await mirrors.delete("m1");
      await pollUntil("the successor's convergence", () => converged([...targets, fourth], ["m1"]), 90_000);
      expect((await api(conn, Lease, { namespace: operatorNs }).get("secret-mirror")).spec?.holderIdentity).toBe(survivor.id);
      expect(await secrets(unlabelled).list().then((l) => l.items.filter((s) => s.metadata?.labels?.[OWNER_LABEL]))).toEqual([]);

      signalChild(survivor.process, "SIGTERM");
      expect(await survivor.exited).toBe(0);

      const killedWrites = readAudit(killed.audit);
      const survivorWrites = readAudit(survivor.audit);
      console.log(
        `[operator-example] leader ${killed.id} made ${killedWrites.length} changes and was killed mid-round; ${survivor.id} took over and made ${survivorWrites.length}; ` +
          `first change by ${survivor.id} ${Math.min(...survivorWrites.map((w) => w.at)) - killAt} ms after the kill`,
      );
      // Nothing doubled: no copy of the same source version, and no deletion, made twice (by either replica).
      const all = [...killedWrites, ...survivorWrites];
      const keys = all.map((w) => `${w.op} ${w.target} ${w.mirror} ${w.sourceVersion ?? ""}`);
      expect(keys.length - new Set(keys).size).toBe(0);
      // No interleaving: every change of the survivor came after the last one of the killed leader.
      expect(Math.min(...survivorWrites.map((w) => w.at))).toBeGreaterThan(Math.max(...killedWrites.map((w) => w.at)));
      // Each copy was made by one of them, never both: per mirror, the namespaces copied into add up without repeats.
      // (A copy the leader made but had no time to log is found done by the successor: it is not made again.)
      const copiesBy = (writes: Audited[], m: string) => writes.filter((w) => w.op === "copy" && w.mirror === `${sourceNs}/${m}`).map((w) => w.target.split("/")[0]!);
      const everywhere = [...targets, fourth].sort();
      for (const m of ["m2", "m3"]) {
        const made = [...copiesBy(killedWrites, m), ...copiesBy(survivorWrites, m)];
        expect(new Set(made).size, m).toBe(made.length);
        for (const ns of made) expect(everywhere, m).toContain(ns);
        expect(copiesBy(survivorWrites, m), m).toContain(fourth);
      }
      // Work that changed after the kill was done by the successor, in full: m0's Secret changed, m4 is new.
      expect(copiesBy(survivorWrites, "m0").sort()).toEqual(everywhere);
      expect(copiesBy(survivorWrites, "m4").sort()).toEqual(everywhere);
      // m1 was deleted while nobody led: the successor removed exactly the copies it had, and made none.
      expect(copiesBy(survivorWrites, "m1")).toEqual([]);
      const m1Removed = survivorWrites.filter((w) => w.op === "delete" && w.mirror === `${sourceNs}/m1`).map((w) => w.target.split("/")[0]!);
      for (const ns of copiesBy(killedWrites, "m1")) expect(m1Removed).toContain(ns);
      for (const ns of m1Removed) expect(targets).toContain(ns);
      // Both runtimes ran the operator and one of each led.
      expect(new Set([killed.id, survivor.id])).toEqual(new Set(["op-bun", "op-node"]));
      const events = (await api(conn, Event, { namespace: sourceNs }).list()).items;
      expect(events.filter((e) => e.reason === "Mirrored" && e.reportingController === "mirror.bun-k8s.dev/secret-mirror").length).toBeGreaterThan(0);
      expect(events.some((e) => e.reason === "Cleaned" && e.regarding?.name === "m1")).toBe(m1Removed.length > 0);
    } catch (error) {
      for (const r of replicas) console.log(`[operator-example] ${r.id} said:\n${r.output.slice(-40).join("\n")}`);
      console.log(JSON.stringify((await mirrors.list()).items.map((m) => [m.metadata?.name, m.metadata?.generation, m.status]), null, 1));
      throw error;
    } finally {
      for (const r of replicas) signalChild(r.process, "SIGKILL");
      await Promise.all(replicas.map((r) => r.exited));
      // The mirrors hold finalizers: with no operator left, drop them so the namespace can go.
      for (const m of (await mirrors.list()).items) await mirrors.patch(m.metadata!.name!, { type: "merge", patch: { metadata: { finalizers: null } } }).catch(() => undefined);
    }
  }, 360_000);
});
