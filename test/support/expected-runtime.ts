/**
 * The runtime a suite was launched for: BUN_K8S_EXPECT_RUNTIME, set by the matrix runner
 * (test/runtimes/matrix.ts) and the npm scripts, is "bun", "deno", "node" or "node@24".
 */
export interface ExpectedRuntime {
  name: "bun" | "deno" | "node";
  /** The major version, for Node. */
  major?: string;
}

/**
 * @example
 * const expected = expectedRuntime(); // { name: "node", major: "24" } under BUN_K8S_EXPECT_RUNTIME=node@24
 */
export function expectedRuntime(env: Record<string, string | undefined> = process.env): ExpectedRuntime | undefined {
  const value = env.BUN_K8S_EXPECT_RUNTIME;
  if (!value) return undefined;
  const m = /^(bun|deno|node)(?:@(\d+))?$/.exec(value);
  if (!m) throw new Error(`BUN_K8S_EXPECT_RUNTIME=${value}: expected bun, deno, node or node@<major>`);
  return { name: m[1] as ExpectedRuntime["name"], ...(m[2] !== undefined && { major: m[2] }) };
}
