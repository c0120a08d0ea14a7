import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { collectImports, layerOf, parseLayers, upwardImports } from "./layers.ts";

const root = fileURLToPath(new URL("../../../", import.meta.url));
const layers = parseLayers(readFileSync(`${root}docs/architecture.md`, "utf8"));

describe("layers (docs/architecture.md)", () => {
  it("lists the layers bottom up, base first and the entry last", () => {
    expect(layers.map((l) => l.prefix)).toEqual([
      "src/base/",
      "src/transport/",
      "src/config/",
      "src/request/",
      "src/connection/",
      "src/api/",
      "generated/",
      "src/pod-io/",
      "src/runtime/",
      "src/manifests/",
      "src/client/",
      "src/flux/",
      "src/controller/",
      "src/testing/",
      "src/index.ts",
    ]);
  });

  it("puts every file of src/ in a layer", () => {
    const files = [...new Set(collectImports(root, ["src"]).map((e) => e.from))];
    expect(files.length).toBeGreaterThan(50);
    expect(files.filter((f) => !layerOf(f, layers))).toEqual([]);
  });

  it("has no import going up a layer in src/ or generated/", () => {
    const edges = collectImports(root, ["src", "generated"]);
    expect(edges.length).toBeGreaterThan(200);
    expect(upwardImports(edges, layers)).toEqual([]);
  });

  it("catches an import that goes up", () => {
    const edges = [
      { from: "src/request/path.ts", to: "src/api/client.ts" },
      { from: "src/api/client.ts", to: "src/request/path.ts" },
      { from: "generated/k8s/apps/v1/index.ts", to: "src/runtime/watcher.ts" },
      { from: "src/flux/kinds.ts", to: "generated/flux/source/v1/index.ts" },
    ];
    expect(upwardImports(edges, layers)).toEqual([
      "src/request/path.ts (src/request/) imports src/api/client.ts (src/api/)",
      "generated/k8s/apps/v1/index.ts (generated/) imports src/runtime/watcher.ts (src/runtime/)",
    ]);
  });
});
