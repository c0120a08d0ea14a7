/**
 * Polling for the contract tests that wait on kwok's nodes (the SDK's own wait conditions
 * are what later tests check; these stay independent of them).
 */

/**
 * Polls `probe` until it returns something other than undefined, and returns that.
 * @example const pod = await until("pod Running", 30_000, async () => ((await pods.get("a")).status?.phase === "Running" ? true : undefined));
 */
export async function until<T>(what: string, timeoutMs: number, probe: () => Promise<T | undefined>, intervalMs = 200): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`${what}: not reached within ${timeoutMs / 1000} s`);
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}

interface PodLike {
  status?: { phase?: string; conditions?: { type: string; status: string }[] };
}

/** Running with the Ready condition True. */
export function podIsReady(pod: PodLike): boolean {
  return pod.status?.phase === "Running" && pod.status.conditions?.some((c) => c.type === "Ready" && c.status === "True") === true;
}
