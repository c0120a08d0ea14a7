/**
 * One candidate of the leader-election contract test, run as its own process (Bun or Node).
 * It campaigns for a Lease and, while it leads, "acts" every 50 ms by appending a line to its
 * ledger; the test reads the ledgers of all candidates and checks that no two ever acted at
 * the same time. The time of an act is taken BEFORE the leadership check, so a process paused
 * between the two can only make its act look earlier, never later than the check allowed.
 *
 * Environment: KUBECONFIG, LEDGER (file), IDENTITY, LEASE_NAMESPACE, LEASE_NAME, SERVER (a fault
 * proxy in front of the API server, optional), LEASE_MS, RENEW_MS, RETRY_MS (optional).
 */
import { appendFileSync } from "node:fs";
import { loadConfig } from "../../src/config/index.ts";
import { createConnection } from "../../src/connection/connection.ts";
import { leaderElector } from "../../src/controller/index.ts";

const env = process.env;
const ledger = env.LEDGER!;
const write = (e: string, t = Date.now(), extra: Record<string, unknown> = {}) => appendFileSync(ledger, `${JSON.stringify({ t, e, ...extra })}\n`);
const config = await loadConfig();
const conn = createConnection(env.SERVER ? { ...config, server: env.SERVER } : config);
const stop = new AbortController();
process.once("SIGTERM", () => stop.abort());

const number = (v: string | undefined) => (v === undefined ? undefined : Number(v));
const elector = leaderElector(conn, {
  lease: { name: env.LEASE_NAME!, namespace: env.LEASE_NAMESPACE! },
  identity: env.IDENTITY!,
  ...(env.LEASE_MS && { leaseDurationMs: number(env.LEASE_MS) }),
  ...(env.RENEW_MS && { renewDeadlineMs: number(env.RENEW_MS) }),
  ...(env.RETRY_MS && { retryPeriodMs: number(env.RETRY_MS) }),
  onStartedLeading: async (signal) => {
    write("start");
    while (!signal.aborted) {
      const t = Date.now();
      if (elector.isLeader && !signal.aborted) write("act", t);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, 50);
        signal.addEventListener("abort", () => (clearTimeout(timer), resolve()), { once: true });
      });
    }
  },
  onStoppedLeading: () => write("stop"),
  onError: (error) => write("error", Date.now(), { message: error.message.slice(0, 200) }),
});
write("ready", Date.now(), { runtime: process.versions.bun ? "bun" : "node" });
await elector.run(stop.signal);
write("exit", Date.now(), { stats: elector.stats });
conn.close();
process.exit(0);
