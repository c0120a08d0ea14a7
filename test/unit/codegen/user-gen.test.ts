import { mkdir, readdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { generateUserKinds, parseGenArgs } from "../../../codegen/bun-k8s-gen.ts";
import { packageAsSources, tempOutDir, typecheck } from "./typecheck.ts";

const crd = (group: string, kind: string, plural: string, schema: string) => `apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata: { name: ${plural}.${group} }
spec:
  group: ${group}
  names: { kind: ${kind}, plural: ${plural} }
  scope: Namespaced
  versions:
  - name: v1
    served: true
    storage: true
    subresources: { status: {} }
    schema: { openAPIV3Schema: ${schema} }
`;

const widgetSchema = `{ type: object, properties: { spec: { type: object, required: [size], properties: { size: { type: integer }, color: { type: string, enum: [red, blue] }, extra: { x-kubernetes-preserve-unknown-fields: true }, cpu: { x-kubernetes-int-or-string: true } } } } }`;

describe("bun-k8s-gen", () => {
  let work: { dir: string; dispose: () => Promise<void> };
  beforeAll(async () => {
    work = await tempOutDir("bun-k8s-usergen-");
    await mkdir(join(work.dir, "chart", "crds"), { recursive: true });
    // A release manifest: CRDs next to other objects, which are skipped.
    await writeFile(
      join(work.dir, "release.yaml"),
      `apiVersion: v1\nkind: Namespace\nmetadata: { name: shop }\n---\n${crd("shop.example.com", "Widget", "widgets", widgetSchema)}---\napiVersion: apps/v1\nkind: Deployment\nmetadata: { name: operator }\n`,
    );
    // A chart's crds/ folder, in a *.k8s.io group bun-k8s does not ship.
    await writeFile(join(work.dir, "chart", "crds", "gateways.yaml"), crd("gateway.networking.k8s.io", "Gateway", "gateways", "{ type: object, properties: { spec: { type: object, properties: { gatewayClassName: { type: string } } } } }"));
    await writeFile(join(work.dir, "chart", "crds", "README.md"), "not a manifest");
  });
  afterAll(() => work.dispose());

  it("parses its command line, refusing what it does not know", () => {
    expect(parseGenArgs(["--out", "o", "a.yaml", "--group=x.io", "--extension", ".ts"])).toEqual({ out: "o", inputs: ["a.yaml"], fromCluster: false, groups: ["x.io"], extension: ".ts" });
    expect(parseGenArgs(["--out=o", "--from-cluster", "--context", "kind"])).toMatchObject({ fromCluster: true, context: "kind", inputs: [] });
    expect(() => parseGenArgs(["a.yaml"])).toThrow(/--out is required/);
    expect(() => parseGenArgs(["--out", "o"])).toThrow(/one of the two/);
    expect(() => parseGenArgs(["--out", "o", "--nope"])).toThrow(/unknown option --nope/);
    expect(() => parseGenArgs(["--out", "o", "a", "--extension", ".mjs"])).toThrow(/must be \.js or \.ts/);
  });

  it("writes typed kinds for the CRDs of files and folders, importing the SDK from the package", async () => {
    const out = join(work.dir, "src", "k8s");
    const result = await generateUserKinds({ out, inputs: [join(work.dir, "release.yaml"), join(work.dir, "chart")], fromCluster: false, groups: [], extension: ".js" });
    expect(result.kinds).toEqual(["gateway.networking.k8s.io/v1/Gateway", "shop.example.com/v1/Widget"]);
    expect(result.files.map((f) => f.path)).toEqual(["gateway.networking.k8s.io/v1/index.ts", "resources.ts", "shop.example.com/v1/index.ts"]);
    const widget = await readFile(join(out, "shop.example.com", "v1", "index.ts"), "utf8");
    expect(widget).toContain('import { api } from "bun-k8s";');
    expect(widget).toContain('import type { ListMeta, ObjectMeta } from "bun-k8s/meta/v1";');
    expect(widget).toContain('  color?: "red" | "blue" | NewerValue;');
    expect(await readFile(join(out, "resources.ts"), "utf8")).toContain('import * as shop_example_com_v1 from "./shop.example.com/v1/index.js";');

    const probe = `
import { KubeClient, watcher, type Writable } from "bun-k8s";
import { Widget, shopExampleComV1 } from "./src/k8s/shop.example.com/v1/index.js";
import { resources } from "./src/k8s/resources.js";

const kube = await KubeClient.load();
const widgets = kube.api(Widget, { namespace: "shop" });
const w: Widget = await widgets.create({ apiVersion: "shop.example.com/v1", kind: "Widget", metadata: { name: "w" }, spec: { size: 2, color: "red", extra: [1, { a: null }] } });
export const size: number | undefined = w.spec?.size;
// @ts-expect-error size is required
export const noSize: Widget = { spec: { color: "blue" } };
// @ts-expect-error "green" is not a color
export const green: Widget = { spec: { size: 1, color: "green" } };
for await (const ev of watcher(widgets)) if (ev.type === "ADDED") console.log(ev.object.spec?.color);
// The table applyManifests takes ({ resources: [resources] }): entries are the modules' own values.
export const entry: typeof Widget = resources["shop.example.com/v1/Widget"];
export const status = await shopExampleComV1(kube.connection).widgets("shop").status.get("w");
export const writable: Writable<Widget> = w;
`;
    const programFiles = result.files.map((f) => ({ path: `src/k8s/${f.path}`, text: f.text }));
    expect(await typecheck(work.dir, programFiles, { "probe.ts": probe }, packageAsSources)).toEqual([]);
  }, 120_000);

  it("replaces what an earlier run wrote and leaves the rest of the folder alone", async () => {
    const out = join(work.dir, "again");
    await mkdir(join(out, "stale.example.com", "v1"), { recursive: true });
    await writeFile(join(out, "stale.example.com", "v1", "index.ts"), "// Code generated by bun-k8s codegen. DO NOT EDIT.\nexport {};\n");
    await writeFile(join(out, "mine.ts"), "export const mine = 1;\n");
    await generateUserKinds({ out, inputs: [join(work.dir, "release.yaml")], fromCluster: false, groups: ["shop.example.com"], extension: ".ts" });
    expect((await readdir(out)).sort()).toEqual(["mine.ts", "resources.ts", "shop.example.com"]);
    expect(await readFile(join(out, "resources.ts"), "utf8")).toContain('from "./shop.example.com/v1/index.ts";');
  });

  it("skips kinds bun-k8s ships unless their group is named, and says why nothing was generated", async () => {
    const flux = join(work.dir, "flux.yaml");
    await writeFile(flux, crd("source.toolkit.fluxcd.io", "GitRepository", "gitrepositories", "{ type: object }"));
    await expect(generateUserKinds({ out: join(work.dir, "none"), inputs: [flux], fromCluster: false, groups: [], extension: ".js" })).rejects.toThrow(/bun-k8s already ships every one/);
    const named = await generateUserKinds({ out: join(work.dir, "named"), inputs: [flux], fromCluster: false, groups: ["source.toolkit.fluxcd.io"], extension: ".js" });
    expect(named.kinds).toEqual(["source.toolkit.fluxcd.io/v1/GitRepository"]);
    await expect(generateUserKinds({ out: join(work.dir, "x"), inputs: [flux], fromCluster: false, groups: ["nope.io"], extension: ".js" })).rejects.toThrow(/no CRD of group nope\.io/);
  });
});
