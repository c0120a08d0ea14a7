/** The watch soak as a vitest file, so that Node runs it too. See watch-soak.ts. */
import { expect, test } from "vitest";
import { runSoak } from "./watch-soak.ts";

const env = (name: string, fallback: number) => Number(process.env[name] ?? fallback);

test("100 concurrent watches on one client stay healthy under writes", async () => {
  const report = await runSoak({
    minutes: env("BUN_K8S_SOAK_MINUTES", 2.5),
    watches: env("BUN_K8S_SOAK_WATCHES", 100),
    namespaces: env("BUN_K8S_SOAK_NAMESPACES", 10),
    ops: env("BUN_K8S_SOAK_OPS", 100),
    timeoutSeconds: env("BUN_K8S_SOAK_TIMEOUT_SECONDS", 60),
    ...(process.env.BUN_K8S_SOAK_KUBECONFIG ? { kubeconfig: process.env.BUN_K8S_SOAK_KUBECONFIG } : {}),
  });
  expect(report.lost).toBe(0);
  expect(report.anomalies).toBe(0);
  expect(report.silentIntervals).toBe(0);
  expect(report.healthy).toBe(true);
});
