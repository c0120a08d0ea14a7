#!/usr/bin/env node
/** The `bun-k8s-gen` command of the package (see bun-k8s-gen.ts). */
import { runGen } from "./bun-k8s-gen.ts";

runGen(process.argv.slice(2)).catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : String(error));
  process.exit(1);
});
