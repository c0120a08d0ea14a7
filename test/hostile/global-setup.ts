/**
 * Starts the results table of this run afresh (one file per runtime), so the table in
 * .cache/hostile/results-<runtime>.jsonl is this run's.
 */
import { rmSync } from "node:fs";
import { join } from "node:path";
import { RESULTS_DIR } from "./hostile-fixtures.ts";
import { runtime } from "./child-runner.ts";

export default function setup(): void {
  rmSync(join(RESULTS_DIR, `results-${runtime}.jsonl`), { force: true });
}
