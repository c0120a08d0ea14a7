/**
 * packaging/bundle-dist.ts on a small package laid out like ours: two exported entries sharing
 * an error class, a generated kind importing a dist/src file by path, and src importing a
 * generated kind. The real dist is checked by test/packaging/import-graph.test.ts.
 */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { bundleDist, bundleEntries, moduleImports } from "../../../packaging/bundle-dist.ts";

const root = mkdtempSync(join(tmpdir(), "bun-k8s-bundle-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));

function write(path: string, text: string): void {
  mkdirSync(dirname(join(root, path)), { recursive: true });
  writeFileSync(join(root, path), text);
}

write("package.json", JSON.stringify({ type: "module", exports: { ".": { default: "./dist/src/index.js" }, "./config": { default: "./dist/src/config/index.js" }, "./*": { default: "./dist/generated/*/index.js" } } }));
write("dist/src/base/errors.js", `export class KubeError extends Error { constructor(m) { super(m); this.name = new.target.name; } }\nexport class ConfigError extends KubeError {}\n`);
write("dist/src/base/errors.d.ts", `export declare class KubeError extends Error {}\n`);
write("dist/src/api/client.js", `import { KubeError } from "../base/errors.js";\nexport function api(kind) { if (!kind) throw new KubeError("no kind"); return kind.plural; }\n`);
write("dist/src/index.js", `export { KubeError, ConfigError } from "./base/errors.js";\nexport { api } from "./api/client.js";\nexport const later = () => import("./transport/lazy.js");\n`);
write("dist/src/transport/lazy.js", `export const lazy = "loaded on first use";\n`);
write("dist/src/config/index.js", `import { ConfigError } from "../base/errors.js";\nimport { Lease } from "../../generated/coordination/v1/index.js";\nexport function load() { throw new ConfigError("no kubeconfig for " + Lease.plural); }\n`);
write("dist/generated/coordination/v1/index.js", `import { api } from "../../../src/api/client.js";\nexport const Lease = { plural: "leases" };\nexport const leases = () => api(Lease);\n`);

describe("bundleDist", async () => {
  const entries = bundleEntries(root, join(root, "dist"));
  const { files } = await bundleDist(root, join(root, "dist"));

  it("bundles the exported entries and every dist/src file that generated code imports, at their old paths", () => {
    expect(entries).toEqual(["api/client", "config/index", "index"]);
    expect(files.filter((f) => !f.startsWith("chunks/"))).toEqual(["api/client.js", "config/index.js", "index.js"]);
    // tsc's per-file JavaScript is gone, its declarations stay.
    expect(existsSync(join(root, "dist/src/base/errors.js"))).toBe(false);
    expect(existsSync(join(root, "dist/src/base/errors.d.ts"))).toBe(true);
    // The main entry's static graph is one chunk; the typed client's entry re-exports from it.
    const main = readdirSync(join(root, "dist/src/chunks")).filter((f) => f.startsWith("main-"));
    expect(main).toHaveLength(1);
    expect(readFileSync(join(root, "dist/src/chunks", main[0]!), "utf8")).toMatch(/KubeError = class[\s\S]*function api\(/);
    expect(moduleImports(readFileSync(join(root, "dist/src/api/client.js"), "utf8")).map((i) => i.spec)).toEqual([`../chunks/${main[0]}`]);
    // The lazy module stays a chunk of its own, loaded by import().
    expect(readdirSync(join(root, "dist/src/chunks")).filter((f) => f.startsWith("lazy-"))).toHaveLength(1);
    expect(moduleImports(readFileSync(join(root, "dist/src/index.js"), "utf8")).filter((i) => i.dynamic)).toHaveLength(1);
  });

  it("keeps generated code outside the bundle, imported by a path that still resolves", () => {
    const config = readFileSync(join(root, "dist/src/config/index.js"), "utf8");
    expect(config).not.toContain('plural: "leases"');
    expect(moduleImports(config).map((i) => i.spec)).toContain("../../generated/coordination/v1/index.js");
  });

  it("shares one class between entries and keeps class names", async () => {
    const main = (await import(pathToFileURL(join(root, "dist/src/index.js")).href)) as { ConfigError: new (m: string) => Error; KubeError: new (m: string) => Error; api: (k?: unknown) => string };
    const config = (await import(pathToFileURL(join(root, "dist/src/config/index.js")).href)) as { load: () => void };
    const kind = (await import(pathToFileURL(join(root, "dist/generated/coordination/v1/index.js")).href)) as { leases: () => string };
    let thrown: unknown;
    try {
      config.load();
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(main.ConfigError);
    expect((thrown as Error).name).toBe("ConfigError");
    expect((thrown as Error).message).toBe("no kubeconfig for leases");
    expect(kind.leases()).toBe("leases");
    expect(() => main.api()).toThrow(main.KubeError);
  });
});

describe("moduleImports", () => {
  it("finds static imports, re-exports, side-effect and dynamic imports, and skips comments", () => {
    const source = `import { a } from "./a.js";\nexport { b as c } from "../b.js";\nimport "./side.js";\n/** @example await import("./doc.js") */\n// import x from "./no.js"\nconst h = await import("node:http2");\n`;
    expect(moduleImports(source)).toEqual([
      { spec: "./a.js", dynamic: false },
      { spec: "../b.js", dynamic: false },
      { spec: "./side.js", dynamic: false },
      { spec: "node:http2", dynamic: true },
    ]);
  });
});
