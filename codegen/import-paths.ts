/**
 * Where generated modules import from. In this repository (`npm run generate`), the SDK's own
 * modules are relative paths into src/ and the generated files import each other with `.ts`
 * extensions. In a user's project (`bun-k8s-gen`), the SDK is the installed `bun-k8s` package:
 * its root entry for the client and value types, its subpaths (`bun-k8s/meta/v1`,
 * `bun-k8s/flux/source/v1`) for the built-in kinds a CRD refers to.
 */

/** Module specifiers as seen from one generated module (paths are relative to the output folder). */
export interface ImportPaths {
  /** The SDK modules a generated module imports: the client (`api`), `Connection`, `ResourceType`, value types. */
  sdk(fromModule: string): { client: string; connection: string; resource: string; values: string };
  /** Another generated module: relative when this run writes it, else the package module that ships it. */
  module(fromModule: string, toModule: string): string;
}

/**
 * The relative specifier from one file to another (both relative to the output folder), with
 * `.ts` replaced by `extension`.
 *
 * @example relativeSpecifier("k8s/apps/v1/index.ts", "k8s/meta/v1/index.ts") // "../../meta/v1/index.ts"
 */
export function relativeSpecifier(fromModule: string, toPath: string, extension = ".ts"): string {
  const from = fromModule.split("/").slice(0, -1);
  const to = toPath.split("/");
  let common = 0;
  while (common < from.length && common < to.length - 1 && from[common] === to[common]) common++;
  const up = from.length - common;
  const rest = to.slice(common).join("/").replace(/\.ts$/, extension);
  return up === 0 ? `./${rest}` : `${"../".repeat(up)}${rest}`;
}

/**
 * Imports for this repository's generated/: relative paths into src/, found from the path of
 * src/base/resource.ts as seen from the output folder.
 *
 * @example repoImports("../src/base/resource.ts").sdk("k8s/apps/v1/index.ts").client // "../../../../src/api/client.ts"
 */
export function repoImports(resourceModulePath: string): ImportPaths {
  const suffix = "base/resource.ts";
  if (!resourceModulePath.endsWith(suffix)) throw new Error(`resourceModulePath must end with ${suffix}: ${resourceModulePath}`);
  const src = resourceModulePath.slice(0, -suffix.length);
  return {
    sdk: (from) => ({
      client: relativeSpecifier(from, `${src}api/client.ts`),
      connection: relativeSpecifier(from, `${src}connection/types.ts`),
      resource: relativeSpecifier(from, resourceModulePath),
      values: relativeSpecifier(from, `${src}base/value-types.ts`),
    }),
    module: (from, to) => relativeSpecifier(from, to),
  };
}

/**
 * The package subpath that ships a module of the SDK's own families: "k8s/meta/v1/index.ts" →
 * "bun-k8s/meta/v1", "flux/source/v1/index.ts" → "bun-k8s/flux/source/v1".
 */
export function packageSubpath(packageName: string, module: string): string {
  const dir = module.replace(/\/index\.ts$/, "");
  if (dir.startsWith("k8s/")) return `${packageName}/${dir.slice("k8s/".length)}`;
  if (dir.startsWith("flux/")) return `${packageName}/${dir}`;
  throw new Error(`${module} is not a module the ${packageName} package ships`);
}

/**
 * Imports for a user's project: the SDK from the installed package, generated modules relative
 * with `extension` (".js" for NodeNext projects, ".ts" for Bun or allowImportingTsExtensions).
 *
 * @example packageImports("bun-k8s", ".js", (m) => m.startsWith("crds/")).module("crds/example.com/v1/index.ts", "k8s/meta/v1/index.ts") // "bun-k8s/meta/v1"
 */
export function packageImports(packageName: string, extension: ".js" | ".ts", emitted: (module: string) => boolean): ImportPaths {
  return {
    sdk: () => ({ client: packageName, connection: packageName, resource: packageName, values: packageName }),
    module: (from, to) => (emitted(to) ? relativeSpecifier(from, to, extension) : packageSubpath(packageName, to)),
  };
}
