/**
 * The contract suite's file order: the files that restart the shared kube-apiserver run after
 * every other file of their project, whatever order vitest's cache gives.
 */
import { readdirSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { disruptiveLast, restartsApiServer } from "../../contract/sequencer.ts";

const contractDir = fileURLToPath(new URL("../../contract/", import.meta.url));

describe("the contract sequencer", () => {
  it("finds the files that restart kube-apiserver", () => {
    const disruptive = readdirSync(contractDir)
      .filter((f) => f.endsWith(".test.ts") && restartsApiServer(readFileSync(`${contractDir}${f}`, "utf8")))
      .sort();
    expect(disruptive).toEqual(["leader-election.test.ts", "record-replay.test.ts", "watch-faults.test.ts"]);
  });

  it("puts them last within their project and keeps every other order", () => {
    const spec = fc.record({ project: fc.constantFrom("contract", "unit"), disruptive: fc.boolean() });
    fc.assert(
      fc.property(fc.array(spec, { maxLength: 30 }), (generated) => {
        // Each spec is a distinct file: its id is its place in vitest's order.
        const specs = generated.map((s, id) => ({ ...s, id }));
        const out = disruptiveLast(specs, (s) => s.disruptive, (s) => s.project);
        expect([...out].sort((a, b) => a.id - b.id)).toEqual([...specs].sort((a, b) => a.id - b.id));
        const projects = [...new Set(specs.map((s) => s.project))];
        // Projects keep their order of first appearance and stay contiguous.
        expect([...new Set(out.map((s) => s.project))]).toEqual(projects);
        for (const project of projects) {
          const group = out.filter((s) => s.project === project);
          const firstDisruptive = group.findIndex((s) => s.disruptive);
          if (firstDisruptive >= 0) expect(group.slice(firstDisruptive).every((s) => s.disruptive)).toBe(true);
          const before = specs.filter((s) => s.project === project);
          expect(group.filter((s) => !s.disruptive)).toEqual(before.filter((s) => !s.disruptive));
          expect(group.filter((s) => s.disruptive)).toEqual(before.filter((s) => s.disruptive));
        }
        const blocks = out.map((s) => s.project).filter((p, i, all) => i === 0 || all[i - 1] !== p);
        expect(blocks).toEqual(projects);
      }),
    );
  });
});
