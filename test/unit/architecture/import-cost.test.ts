/**
 * What importing the main entry loads (issue 17: nothing at import time that the first request
 * doesn't need). Kubeconfig reading and the auth providers load with `KubeClient.load()`; the YAML
 * reader (js-yaml and kubectl's scalar rules) with the first kubeconfig file to parse, so an
 * in-cluster program never loads it. The published build bundles the rest into one chunk
 * (packaging/bundle-dist.ts; test/packaging/import-graph.test.ts checks the installed files).
 */
import { describe, expect, it } from "vitest";
import { fileURLToPath } from "node:url";
import { staticImports } from "./static-graph.ts";

const root = fileURLToPath(new URL("../../../", import.meta.url));

describe("the main entry's static imports", () => {
  it("reach no YAML reader: js-yaml loads with the first kubeconfig file", () => {
    const graph = staticImports(root, "src/index.ts");
    expect(graph.files.length).toBeGreaterThan(50);
    expect(graph.packages).not.toContain("js-yaml");
    expect(graph.files.filter((f) => /yaml|kubeconfig-parse|oidc-persist/.test(f))).toEqual([]);
  });

  it("reach no package and no node: built-in: node:events (listener limits) is fetched on first use, not imported", () => {
    // On Bun, importing node:events alone cost ~1.7 ms of a ~10 ms budget; the transports' node:http2/https/tls load with the first request.
    expect(staticImports(root, "src/index.ts").packages).toEqual([]);
  });

  it("reach no kubeconfig loading or auth provider: KubeClient.load() imports them", () => {
    const config = staticImports(root, "src/index.ts").files.filter((f) => f.startsWith("src/config/"));
    // Only the redaction of a ResolvedConfig, which KubeClient.fromConfig() applies at once.
    expect(config).toEqual(["src/config/redact.ts"]);
  });

  it("are followed through re-exports, and skip type-only imports (a control: the config entry does reach js-yaml)", () => {
    const graph = staticImports(root, "src/config/index.ts");
    expect(graph.packages).toContain("js-yaml");
    expect(graph.files).toContain("src/config/kubeconfig-yaml.ts");
    // client-types.ts is imported only as types by the typed client: erased, never loaded.
    expect(staticImports(root, "src/api/client.ts").files).not.toContain("src/api/client-types.ts");
  });
});
