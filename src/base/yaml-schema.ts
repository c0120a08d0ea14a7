/**
 * The js-yaml schema of go-yaml v2's scalar rules (yaml-scalars.ts), for reading and for
 * writing back. Its own module so that no declaration the package's entries reach names a
 * js-yaml type: users need no @types/js-yaml.
 */
import yaml from "js-yaml";
import { resolvePlainScalar, type ScalarTag } from "./yaml-scalars.ts";

function scalarType(tag: ScalarTag, yamlTag: string, dump: { predicate: (value: unknown) => boolean; represent: (value: unknown) => string }): yaml.Type {
  return new yaml.Type(`tag:yaml.org,2002:${yamlTag}`, {
    kind: "scalar",
    resolve: (data: unknown) => typeof data === "string" && resolvePlainScalar(data).tag === tag,
    construct: (data: unknown) => (typeof data === "string" ? resolvePlainScalar(data).value : null),
    // For js-yaml's dump (a kubeconfig written back): a string that would read back as another type is quoted.
    predicate: dump.predicate,
    represent: (value: object) => dump.represent(value),
  });
}

const goFloat = (n: number): string => (Number.isNaN(n) ? ".nan" : n === Infinity ? ".inf" : n === -Infinity ? "-.inf" : String(n));

/**
 * go-yaml v2's resolution for plain scalars (yaml-scalars.ts); quoted scalars and unknown plain
 * text stay strings; `<<` merges. Shared by manifests and kubeconfig loading, read and write.
 */
// @__PURE__: a bundler drops this module, and js-yaml, from a program that reads no YAML (in cluster).
export const KUBE_YAML_SCHEMA = /* @__PURE__ */ yaml.FAILSAFE_SCHEMA.extend({
  implicit: [
    scalarType("null", "null", { predicate: (v) => v === null, represent: () => "null" }),
    scalarType("bool", "bool", { predicate: (v) => typeof v === "boolean", represent: String }),
    scalarType("int", "int", { predicate: (v) => typeof v === "number" && Number.isInteger(v), represent: String }),
    scalarType("float", "float", { predicate: (v) => typeof v === "number", represent: (v) => goFloat(v as number) }),
    new yaml.Type("tag:yaml.org,2002:merge", { kind: "scalar", resolve: (data: unknown) => data === "<<" }),
  ],
});
