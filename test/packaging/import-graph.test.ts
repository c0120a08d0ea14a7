/**
 * What importing the installed main entry loads (issue 17): the published dist/src is bundled
 * (packaging/bundle-dist.ts), so `import { KubeClient } from "bun-k8s"` plus a kind's subpath is
 * four modules, not the 64 source files and the kind, and nothing the first request doesn't need
 * (YAML, kubeconfig files, auth providers, the runtime's transport) is among them. And the
 * bundling keeps what the source promises: class names (errors report `name`) and one module
 * instance per class across subpaths (`instanceof` holds between entries).
 */
import { readFileSync, writeFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { describe, expect, inject, test } from "vitest";
import { moduleImports } from "../../packaging/bundle-dist.ts";
import { runtimes } from "../runtimes/runtimes.ts";
import { mustRun } from "./consumer.ts";

const { consumer } = inject("packed");
const pkg = join(consumer, "node_modules", "bun-k8s");

/** The files (package-relative) and bare specifiers the entries load at import: static imports only. */
function loadedAtImport(entries: string[]): { files: string[]; packages: string[] } {
  const files: string[] = [];
  const packages = new Set<string>();
  const visit = (file: string) => {
    const rel = relative(pkg, file);
    if (files.includes(rel)) return;
    files.push(rel);
    for (const { spec, dynamic } of moduleImports(readFileSync(file, "utf8"))) {
      if (dynamic) continue;
      if (spec.startsWith(".")) visit(resolve(dirname(file), spec));
      else packages.add(spec);
    }
  };
  for (const e of entries) visit(join(pkg, e));
  return { files, packages: [...packages].sort() };
}

describe("importing the installed main entry", () => {
  const graph = loadedAtImport(["dist/src/index.js", "dist/generated/k8s/core/v1/index.js"]);

  test("loads the entry and one chunk, not the source files one by one", () => {
    // tsc's file-per-module output is 65 files here; splitting by sharing alone made 22.
    expect(graph.files.filter((f) => f.startsWith("dist/src/chunks/"))).toEqual([expect.stringMatching(/^dist\/src\/chunks\/main-[\w-]+\.js$/)]);
    // The kind's module and the typed client it imports (an entry re-exporting from that chunk).
    expect(graph.files.filter((f) => !f.startsWith("dist/src/chunks/")).sort()).toEqual(["dist/generated/k8s/core/v1/index.js", "dist/src/api/client.js", "dist/src/index.js"]);
  });

  test("loads no package and no built-in that the first request doesn't need", () => {
    // None: js-yaml, node:https/http2/tls/zlib load on first use, node:events' listener limits too.
    expect(graph.packages).toEqual([]);
    expect(graph.files.filter((f) => /yaml|kubeconfig|load-config|oidc|exec-run|bun-fetch|node-http|deno-fetch|node-body/.test(f))).toEqual([]);
  });

  test("keeps class names and one class per name across entries, on Node and Bun", async () => {
    const program = `import { ApiError, ConfigError, KubeError, SharedInformerFactory } from "bun-k8s";
import { inClusterConfig } from "bun-k8s/config";
import { coreV1 } from "bun-k8s/core/v1";
const fromConfig = await inClusterConfig({ env: {} }).catch((e) => e);
console.log(JSON.stringify({
  apiError: new ApiError({ code: 404, reason: "NotFound", message: "gone" }).name,
  configError: fromConfig.name,
  sameClass: fromConfig instanceof ConfigError && fromConfig instanceof KubeError,
  factory: SharedInformerFactory.name,
  stub: typeof coreV1({}).namespaces,
}));
`;
    writeFileSync(join(consumer, "import-graph.mjs"), program);
    const all = runtimes();
    for (const bin of [all.node24.bin, all.bun.bin]) {
      const out = JSON.parse((await mustRun(`import-graph.mjs on ${bin}`, bin, ["import-graph.mjs"], consumer)).trim()) as unknown;
      expect(out, bin).toEqual({ apiError: "ApiError", configError: "ConfigError", sameClass: true, factory: "SharedInformerFactory", stub: "function" });
    }
  });
});
