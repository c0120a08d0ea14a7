import { readdirSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { checkSnippets, extractSnippets, sourceResolver } from "./snippets.ts";

const root = fileURLToPath(new URL("../../../", import.meta.url));
const docs = ["README.md", ...readdirSync(`${root}docs`).filter((f) => f.endsWith(".md")).map((f) => `docs/${f}`)];

describe("documentation snippets", () => {
  it("resolves package specifiers through the exports map", () => {
    const resolve = sourceResolver(JSON.parse(readFileSync(`${root}package.json`, "utf8")), "/r");
    expect(resolve("bun-k8s")).toBe("/r/src/index.ts");
    expect(resolve("bun-k8s/config")).toBe("/r/src/config/index.ts");
    expect(resolve("bun-k8s/flux")).toBe("/r/src/flux/index.ts");
    expect(resolve("bun-k8s/apps/v1")).toBe("/r/generated/k8s/apps/v1/index.ts");
    expect(resolve("bun-k8s/flux/source/v1")).toBe("/r/generated/flux/source/v1/index.ts");
    expect(resolve("bun-k8s/resources")).toBe("/r/generated/k8s/resources.ts");
  });

  it("every ```ts block of the README and docs/ type-checks against the sources", () => {
    const snippets = docs.flatMap((file) => extractSnippets(readFileSync(`${root}${file}`, "utf8"), file));
    expect(snippets.length).toBeGreaterThan(8);
    expect(checkSnippets(snippets, root, `${root}.cache/doc-snippets-${process.pid}`)).toEqual([]);
  }, 300_000);

  it("a fence may say where a block's relative imports are written from", () => {
    const [test, user] = extractSnippets('```ts from=test/contract\nimport { x } from "./x.ts";\n```\n```ts\nconst a = 1;\n```\n', "d.md");
    expect(test).toEqual({ where: "d.md:1", code: 'import { x } from "./x.ts";', from: "test/contract" });
    expect(user).toEqual({ where: "d.md:4", code: "const a = 1;" });
  });

  it("a wrong snippet is reported with its place", () => {
    const bad = extractSnippets('text\n```ts\nimport { KubeClient } from "bun-k8s";\nconst n: number = KubeClient.name;\n```\n', "x.md");
    expect(checkSnippets(bad, root, `${root}.cache/doc-snippets-bad-${process.pid}`)).toEqual(["x.md:2: Type 'string' is not assignable to type 'number'."]);
  }, 300_000);
});
