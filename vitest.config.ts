import { defineConfig } from "vitest/config";
import { ContractSequencer } from "./test/contract/sequencer.ts";

export default defineConfig({
  test: {
    // The contract files that restart the shared kube-apiserver run last (test/contract/sequencer.ts).
    sequence: { sequencer: ContractSequencer },
    projects: [
      {
        test: {
          name: "unit",
          include: ["test/unit/**/*.test.ts"],
          // Loopback servers and fuzzers: 5 s is too little when CI's two cores are busy.
          testTimeout: 30_000,
          hookTimeout: 60_000,
        },
      },
      {
        test: {
          name: "contract",
          include: ["test/contract/**/*.test.ts"],
          globalSetup: ["test/contract/global-setup.ts"],
          testTimeout: 60_000,
          hookTimeout: 120_000,
          // One control plane serves the whole run; files share it and run one at a time
          // so that a 2-core machine is not oversubscribed.
          fileParallelism: false,
        },
      },
      {
        test: {
          name: "hostile",
          include: ["test/hostile/**/*.test.ts"],
          globalSetup: ["test/hostile/global-setup.ts"],
          testTimeout: 60_000,
          hookTimeout: 60_000,
          // Each case measures a child's memory and time: one file at a time on 2 cores.
          fileParallelism: false,
        },
      },
      {
        test: {
          // The packed tarball in temp consumer projects: compilers, require(), every runtime (docs/runtimes.md).
          name: "packaging",
          include: ["test/packaging/**/*.test.ts"],
          globalSetup: ["test/contract/global-setup.ts", "test/packaging/pack.ts"],
          testTimeout: 120_000,
          hookTimeout: 600_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
