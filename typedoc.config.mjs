// The API reference (npm run docs): every hand-written entry of package.json's "exports", read
// from there so that a new public subpath is documented (and checked) without a second list.
// The generated kinds carry their OpenAPI descriptions in their declarations instead.
import { readFileSync } from "node:fs";

const pkg = JSON.parse(readFileSync(new URL("./package.json", import.meta.url), "utf8"));
const entryPoints = Object.values(pkg.exports)
  .map((target) => (typeof target === "string" ? target : target.default))
  .filter((file) => file.startsWith("./dist/src/"))
  .map((file) => file.replace(/^\.\/dist\//, "").replace(/\.js$/, ".ts"));

/** @type {Partial<import("typedoc").TypeDocOptions>} */
export default {
  name: "bun-k8s",
  entryPoints,
  tsconfig: "tsconfig.json",
  out: ".cache/api-reference",
  readme: "none",
  excludePrivate: true,
  excludeInternal: true,
  // Fails the run on an exported symbol without a doc comment, or a broken {@link}.
  validation: { notExported: false, invalidLink: true, notDocumented: true },
  requiredToBeDocumented: ["Enum", "Variable", "Function", "Class", "Interface", "TypeAlias", "Namespace"],
  treatValidationWarningsAsErrors: true,
  disableSources: true,
};
