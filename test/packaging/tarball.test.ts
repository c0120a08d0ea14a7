/**
 * What `npm pack` puts in the tarball: the compiled runtime and generated SDK, JavaScript and
 * declarations, and nothing else (no sources, tests, benchmarks, specs or source maps); every
 * exports target exists in it; installing it brings js-yaml and ws and nothing more.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, inject, test } from "vitest";
import { repoRoot } from "../../specs/materialise.ts";
import { mustRun } from "./consumer.ts";

const { files, stage, consumer } = inject("packed");

describe("npm pack", () => {
  test("runs the build and carries compiled src and generated output, JavaScript and declarations", () => {
    for (const f of [
      "package.json",
      "README.md",
      "dist/src/index.js",
      "dist/src/index.d.ts",
      "dist/src/api/client.js",
      "dist/generated/k8s/core/v1/index.js",
      "dist/generated/k8s/core/v1/index.d.ts",
      "dist/generated/k8s/apps/v1/index.js",
      "dist/generated/k8s/meta/v1/index.d.ts",
      "dist/generated/k8s/resources.js",
      "dist/generated/k8s/resources.d.ts",
      "dist/generated/flux/source/v1/index.js",
      "dist/generated/flux/source/v1/index.d.ts",
      "dist/generated/flux/resources.js",
      "dist/src/manifests/index.js",
      "dist/codegen/bin.js",
      "dist/codegen/bun-k8s-gen.js",
    ]) {
      expect(files, f).toContain(f);
    }
    // The transports loaded on first use are chunks of the bundled dist/src (packaging/bundle-dist.ts).
    for (const lazy of ["deno-fetch", "bun-fetch", "node-http2"]) expect(files.filter((f) => new RegExp(`^dist/src/chunks/${lazy}-[\\w-]+\\.js$`).test(f)), lazy).toHaveLength(1);
    // Only build output: no TypeScript sources, tests or specs; the generator (bun-k8s-gen) compiled, without the repository's spec loading.
    expect(files.filter((f) => !f.startsWith("dist/") && !["package.json", "README.md"].includes(f))).toEqual([]);
    expect(files.filter((f) => f.endsWith(".ts") && !f.endsWith(".d.ts"))).toEqual([]);
    expect(files.filter((f) => f === "dist/codegen/cli.js" || f.startsWith("dist/codegen/spec-inputs"))).toEqual([]);
  });

  test("holds no test, benchmark, example, spec, source map or build info", () => {
    const unwanted = /(^|\/)(test|tests|bench|examples|specs|__tests__|enums)\/|\.test\.|\.spec\.|\.map$|\.tsbuildinfo$/;
    expect(files.filter((f) => unwanted.test(f))).toEqual([]);
    // Every file is one of the four kinds a consumer loads.
    expect(files.filter((f) => !/\.(js|d\.ts|json|md)$/.test(f))).toEqual([]);
  });

  test("npm pack --dry-run lists exactly what the tarball holds", async () => {
    const dry = JSON.parse(await mustRun("npm pack --dry-run", "npm", ["pack", "--dry-run", "--json", "--ignore-scripts", "--loglevel=error"], stage)) as {
      files: { path: string }[];
    }[];
    expect((dry[0]?.files ?? []).map((f) => f.path).sort()).toEqual(files);
  });

  test('every "exports" target of package.json exists in the tarball for the generated families', () => {
    const pkg = JSON.parse(readFileSync(join(repoRoot, "package.json"), "utf8")) as {
      exports: Record<string, string | { types: string; default: string }>;
      scripts: Record<string, string>;
    };
    expect(pkg.scripts.prepack).toContain("build");
    const concrete: Record<string, string> = { "./*": "core/v1", "./flux/*": "source/v1" };
    for (const [subpath, target] of Object.entries(pkg.exports)) {
      if (typeof target === "string" || subpath.startsWith("./crds")) continue; // crds/ exists only in a --from-cluster build
      for (const path of [target.types, target.default]) {
        const file = path.replace("*", concrete[subpath] ?? "").replace(/^\.\//, "");
        expect(files, `${subpath} → ${file}`).toContain(file);
      }
    }
  });

  test("the declarations use only Node types every supported @types/node has (20 to 26), or our own", () => {
    const used = new Set<string>();
    for (const file of files.filter((f) => f.endsWith(".d.ts"))) {
      const code = readFileSync(join(stage, file), "utf8")
        .split("\n")
        .filter((line) => !/^\s*(\*|\/\/|\/\*)/.test(line))
        .join("\n");
      for (const m of code.matchAll(/import\s+(?:type\s+)?\{([^}]*)\}\s+from\s+"(node:[^"]+)"/g)) {
        for (const name of (m[1] ?? "").split(",")) used.add(`${m[2]} ${name.replace(/\btype\b/, "").trim()}`);
      }
      for (const m of code.matchAll(/import\s+(?:type\s+)?(?:\*\s+as\s+)?(\w+)\s+from\s+"(node:[^"]+)"/g)) used.add(`${m[2]} ${m[1]} (whole module)`);
      for (const m of code.matchAll(/import\("(node:[^"]+)"\)/g)) used.add(`${m[1]} (inline import)`);
      for (const m of code.matchAll(/\bNodeJS\.(\w+)/g)) used.add(`NodeJS.${m[1]}`);
    }
    // A new entry here is a decision: check it exists in @types/node 20 to 26 (types.test.ts does).
    expect([...used].sort()).toEqual(["NodeJS.Platform", "node:net Socket", "node:stream Readable", "node:tls ConnectionOptions"]);
  });

  test("installs with its two runtime dependencies, js-yaml and ws, and nothing else", () => {
    const pkg = JSON.parse(readFileSync(join(repoRoot, "package.json"), "utf8")) as { dependencies: Record<string, string> };
    expect(Object.keys(pkg.dependencies).sort()).toEqual(["js-yaml", "ws"]);
    const lock = JSON.parse(readFileSync(join(consumer, "package-lock.json"), "utf8")) as { packages: Record<string, unknown> };
    // argparse is js-yaml's own; ws has none.
    expect(Object.keys(lock.packages).filter((p) => p !== "").sort()).toEqual(["node_modules/argparse", "node_modules/bun-k8s", "node_modules/js-yaml", "node_modules/ws"]);
  });
});
