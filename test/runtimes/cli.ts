/**
 * npm run runtimes:install | test (its runtime part) | test:main | test:runtimes
 *
 *   install                  installs the pinned Node, Deno and compiler packages (test/runtimes/toolchain/package.json)
 *   run <tier>... [--only suite@runtime,...]
 *                            runs the tiers' cells (both: npm test; main: npm run test:main; runtimes: npm run test:runtimes)
 *   list                     prints the tiers and their cells
 */
import { installRuntimes } from "./install.ts";
import { runTiers, tiers, type TierName } from "./matrix.ts";
import { runtimes } from "./runtimes.ts";

function isTier(name: string): name is TierName {
  return Object.hasOwn(tiers, name);
}

const [command, ...rest] = process.argv.slice(2);
if (command === "install") {
  for (const line of installRuntimes()) console.log(`[runtimes] ${line}`);
} else if (command === "run") {
  const onlyAt = rest.indexOf("--only");
  const only = onlyAt >= 0 ? new Set((rest[onlyAt + 1] ?? "").split(",").filter(Boolean)) : undefined;
  const names = onlyAt >= 0 ? [...rest.slice(0, onlyAt), ...rest.slice(onlyAt + 2)] : rest;
  const unknown = names.filter((n) => !isTier(n));
  if (names.length === 0 || unknown.length > 0) {
    console.error(`usage: cli.ts run <${Object.keys(tiers).join("|")}>... [--only suite@runtime,...]; unknown: ${unknown.join(", ")}`);
    process.exit(2);
  }
  // A no-op when the pinned set is already installed; a fresh clone gets it on first use.
  for (const line of installRuntimes()) console.log(`[runtimes] ${line}`);
  process.exitCode = (await runTiers(names.filter(isTier), only)) ? 0 : 1;
} else if (command === "list") {
  const all = runtimes();
  for (const [name, tier] of Object.entries(tiers)) {
    console.log(`${name} (${tier.command}):`);
    for (const [i, stage] of tier.stages.entries()) {
      for (const c of stage) console.log(`  stage ${i + 1}: ${c.suite}@${c.runtime}  ${c.suite} on ${all[c.runtime].label}`);
    }
  }
} else {
  console.error("usage: cli.ts install | run <tier>... [--only suite@runtime,...] | list");
  process.exit(2);
}
