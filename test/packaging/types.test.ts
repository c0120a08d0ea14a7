/**
 * The published declarations compile for every consumer we support: TypeScript 6 and 7, each
 * @types/node from 20 to the newest (26), ESM and CommonJS projects, `skipLibCheck: false` so
 * that our .d.ts files are checked too, and a program that imports every public subpath.
 * `@ts-expect-error` lines prove the types are real (an `any` would make them fail).
 */
import { mkdirSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, inject, test } from "vitest";
import { realNodePath } from "../support/node-runtime.ts";
import { compilers, consumerTsconfig, publicSubpaths, run, typesNode } from "./consumer.ts";

const { files, consumer } = inject("packed");
const subpaths = publicSubpaths(files);

/** Every public subpath, imported as a namespace and used, so each module's declarations load. */
function everySubpathProgram(): string {
  const imports = subpaths.map((s, i) => `import * as m${i} from "${s}";`);
  return `${imports.join("\n")}
import { KubeClient, api, createConnection, type Connection, type ResourceType } from "bun-k8s";
import { loadConfig, type ConfigEnvironment } from "bun-k8s/config";
import { FluxClient, fluxApiVersion } from "bun-k8s/flux";
import { Namespace, coreV1 } from "bun-k8s/core/v1";
import type { Deployment } from "bun-k8s/apps/v1";
import { GitRepository } from "bun-k8s/flux/source/v1";
import { resources } from "bun-k8s/resources";

export const modules: readonly object[] = [${subpaths.map((_, i) => `m${i}`).join(", ")}];

export async function use(): Promise<string> {
  const kube = await KubeClient.load();
  const namespaces = await kube.api(Namespace).list();
  const conn: Connection = createConnection(await loadConfig());
  const system: Namespace = await api(conn, Namespace).get("kube-system");
  const viaStub: Namespace = await coreV1(conn).namespaces().get("default");
  const flux = new FluxClient(kube, { fieldManager: "packaging" });
  const table: ResourceType = resources["apps/v1/Deployment"];
  const platform: ConfigEnvironment["platform"] = "linux";
  // @ts-expect-error cluster-scoped kinds take no namespace
  kube.api(Namespace, { namespace: "default" });
  // @ts-expect-error spec.template is required in a Deployment
  const broken: Deployment = { spec: { selector: {} } };
  void broken;
  return [namespaces.items.length, system.kind, viaStub.metadata?.name, flux.fieldManager, table.plural, platform, GitRepository.plural, fluxApiVersion("GitRepository")].join();
}
`;
}

type Module = "esm" | "cjs";
interface Variant {
  compiler: (typeof compilers)[number];
  typesNode: 20 | 22 | 24 | 26;
  module: Module;
}

const variants: Variant[] = [
  ...([20, 22, 24, 26] as const).map((t) => ({ compiler: compilers[0]!, typesNode: t, module: "esm" as const })),
  ...([20, 26] as const).map((t) => ({ compiler: compilers[1]!, typesNode: t, module: "esm" as const })),
  ...compilers.map((compiler) => ({ compiler, typesNode: 26 as const, module: "cjs" as const })),
];

/** A folder of its own per variant: its tsconfig, the program, and a typeRoots folder with that @types/node. */
function prepare(v: Variant): string {
  const dir = join(consumer, `types-${v.module}-${v.compiler.name.replace(/\D/g, "")}-${v.typesNode}`);
  mkdirSync(join(dir, "type-roots"), { recursive: true });
  symlinkSync(typesNode(v.typesNode), join(dir, "type-roots", "node"), "dir");
  // The nearest package.json decides whether main.ts is an ES module or CommonJS.
  writeFileSync(join(dir, "package.json"), JSON.stringify({ private: true, type: v.module === "esm" ? "module" : "commonjs" }));
  writeFileSync(join(dir, "main.ts"), everySubpathProgram());
  const tsconfig = consumerTsconfig({ noUncheckedIndexedAccess: true, exactOptionalPropertyTypes: true, noEmit: true });
  writeFileSync(join(dir, "tsconfig.json"), JSON.stringify(tsconfig, null, 2));
  return dir;
}

describe("the published declarations", () => {
  test("cover the subpaths a consumer imports: entries, tables, every generated group/version", () => {
    expect(subpaths).toEqual(expect.arrayContaining(["bun-k8s", "bun-k8s/config", "bun-k8s/flux", "bun-k8s/resources", "bun-k8s/core/v1", "bun-k8s/apps/v1", "bun-k8s/flux/source/v1"]));
    expect(subpaths.length).toBeGreaterThan(40);
  });

  test.each(variants)("type-check with $compiler.name, @types/node $typesNode, $module, skipLibCheck false", async (v) => {
    const dir = prepare(v);
    const r = await run(realNodePath(), [v.compiler.tsc, "-p", "tsconfig.json"], dir);
    expect(`${r.stdout}${r.stderr}`).toBe("");
    expect(r.code).toBe(0);
  }, 300_000);

  test("a wrong program fails the same check (the matrix can fail)", async () => {
    const v: Variant = { compiler: compilers[1]!, typesNode: 26, module: "esm" };
    const dir = prepare({ ...v, typesNode: 24 });
    writeFileSync(join(dir, "main.ts"), `import { Namespace } from "bun-k8s/core/v1";\nexport const n: Namespace = { spec: { finalizers: [1] } };\n`);
    const r = await run(realNodePath(), [v.compiler.tsc, "-p", "tsconfig.json"], dir);
    expect(r.code).not.toBe(0);
    expect(r.stdout).toMatch(/main\.ts.*error TS2322/);
  }, 120_000);
});
