/** Polling for a condition in contract tests, where the change happens in another process or on the server. */

/**
 * Calls `probe` every `everyMs` until it returns a value other than undefined or false, and
 * resolves with it; rejects naming `what` after `timeoutMs`.
 *
 * @example const lease = await pollUntil("the Lease", () => leases.getOpt("lock"), 20_000);
 */
export async function pollUntil<V>(what: string, probe: () => V | undefined | false | Promise<V | undefined | false>, timeoutMs: number, everyMs = 50): Promise<V> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}
