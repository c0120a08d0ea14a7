/**
 * Runs the watch soak under vitest, which is how it runs on Node 20 (no TypeScript loader
 * needed). Not part of the CI projects in the root vitest.config.ts.
 *
 *   BUN_K8S_SOAK_MINUTES=2.5 npx vitest run --config bench/soak/vitest.config.ts
 */
import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    root: fileURLToPath(new URL("../..", import.meta.url)),
    include: ["bench/soak/**/*.soak.ts"],
    testTimeout: 0,
    hookTimeout: 0,
  },
});
