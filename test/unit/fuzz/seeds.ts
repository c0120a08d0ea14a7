/**
 * Every fuzz property runs twice: with a fixed seed (the same cases on every run, so a
 * regression fails deterministically) and with a fresh random seed, printed so that a
 * failure can be replayed: BUN_K8S_FUZZ_SEED=<seed> npx vitest run --project unit test/unit/fuzz.
 */
export const FIXED_SEED = 1_106_2026;

const replay = process.env.BUN_K8S_FUZZ_SEED;
export const RANDOM_SEED = replay !== undefined && replay !== "" ? Number(replay) : Math.floor(Math.random() * 2 ** 31);

console.info(`[fuzz] fixed seed ${FIXED_SEED}, random seed ${RANDOM_SEED} (replay with BUN_K8S_FUZZ_SEED=${RANDOM_SEED})`);

/** [label, seed] pairs for describe.each. */
export const SEEDS: [string, number][] = [
  ["fixed", FIXED_SEED],
  ["random", RANDOM_SEED],
];
