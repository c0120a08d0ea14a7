/**
 * The runtime matrix as issue 14 asks for it, all of it behind `npm test` (which CI runs): unit on
 * every runtime, contract on Node 20, Node 24, Bun and Deno, hostile on Node 20, Bun and Deno,
 * packaging once; each cell in exactly one of the two tiers, each tier behind its own command too.
 * And the table the runner prints: a cell passes only when vitest exited 0 and ran tests.
 */
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { cellPassed, formatTable, tiers, type CellResult } from "../../runtimes/matrix.ts";

const root = fileURLToPath(new URL("../../../", import.meta.url));
const scripts = (JSON.parse(readFileSync(`${root}package.json`, "utf8")) as { scripts: Record<string, string> }).scripts;

const cellsOf = (tier: keyof typeof tiers): string[] => tiers[tier].stages.flat().map((c) => `${c.suite}@${c.runtime}`);

describe("the runtime matrix", () => {
  it("covers every cell the issue asks for, each in exactly one tier", () => {
    const all = [...cellsOf("main"), ...cellsOf("runtimes")];
    expect(new Set(all).size).toBe(all.length);
    expect(all.sort()).toEqual(
      [
        ...["node20", "node22", "node24", "node26", "bun", "deno"].map((r) => `unit@${r}`),
        ...["node20", "node24", "bun", "deno"].map((r) => `contract@${r}`),
        "hostile@node20",
        "hostile@bun",
        "hostile@deno",
        "packaging@node20",
      ].sort(),
    );
  });

  it("npm test runs both tiers; test:main runs Node 20 and Bun (and packaging), test:runtimes the rest", () => {
    expect(cellsOf("main").sort()).toEqual(
      ["unit@node20", "unit@bun", "hostile@node20", "hostile@bun", "contract@node20", "contract@bun", "packaging@node20"].sort(),
    );
    expect(scripts.test).toMatch(/^npm run typecheck && npm run docs && bun test\/runtimes\/cli\.ts run main runtimes$/);
    expect(tiers.main.command).toBe("npm run test:main");
    expect(scripts["test:main"]).toMatch(/cli\.ts run main$/);
    expect(tiers.runtimes.command).toBe("npm run test:runtimes");
    expect(scripts["test:runtimes"]).toMatch(/cli\.ts run runtimes$/);
    // A fresh clone has no generated/ yet: every command generates it first.
    expect(scripts.pretest).toBe("npm run generate");
    expect(scripts["pretest:main"]).toBe("npm run generate");
    expect(scripts["pretest:runtimes"]).toBe("npm run generate");
  });

  it("runs a hostile cell alone (it measures a child's memory and time); side by side only cells of one suite", () => {
    for (const stage of [...tiers.main.stages, ...tiers.runtimes.stages]) {
      if (stage.some((c) => c.suite === "hostile")) expect(stage).toHaveLength(1);
      if (stage.length > 1) expect(new Set(stage.map((c) => c.suite)).size).toBe(1);
      expect(stage.length).toBeLessThanOrEqual(2);
    }
    // The runtimes tier pairs its unit cells and its contract cells.
    expect(tiers.runtimes.stages.map((stage) => stage.map((c) => `${c.suite}@${c.runtime}`))).toEqual([
      ["unit@node22", "unit@node24"],
      ["unit@node26", "unit@deno"],
      ["hostile@deno"],
      ["contract@node24", "contract@deno"],
    ]);
  });
});

const cell = (over: Partial<CellResult>): CellResult => ({
  runtime: "node24",
  suite: "unit",
  label: "Node 24.22.3",
  passed: 10,
  failed: 0,
  skipped: 0,
  total: 10,
  seconds: 80.4,
  exitCode: 0,
  ...over,
});

describe("the result table", () => {
  it("passes a cell only when vitest exited 0, nothing failed and something ran", () => {
    expect(cellPassed(cell({}))).toBe(true);
    expect(cellPassed(cell({ exitCode: 1 }))).toBe(false);
    expect(cellPassed(cell({ exitCode: null }))).toBe(false);
    expect(cellPassed(cell({ failed: 1, passed: 9 }))).toBe(false);
    expect(cellPassed(cell({ passed: 0, total: 0 }))).toBe(false);
  });

  it("prints passed/total, skipped, wall time and the run's own wall time beside the sum of its cells", () => {
    const table = formatTable(
      [cell({}), cell({ runtime: "deno", suite: "contract", label: "Deno 2.9.6", passed: 5, total: 7, skipped: 2, seconds: 333.4 }), cell({ runtime: "bun", label: "Bun 1.4.5", passed: 0, total: 0, exitCode: 1, seconds: 3 })],
      340,
    );
    expect(table.split("\n")).toEqual([
      "| runtime | suite | passed/total | wall time | result |",
      "| --- | --- | --- | --- | --- |",
      "| Node 24.22.3 | unit | 10/10 | 1 min 20 s | ok |",
      "| Deno 2.9.6 | contract | 5/7 (2 skipped) | 5 min 33 s | ok |",
      "| Bun 1.4.5 | unit | 0/0 | 3 s | FAILED (exit 1) |",
      "| | | | 5 min 40 s | wall time of the run (cells added up: 6 min 57 s) |",
    ]);
  });
});
