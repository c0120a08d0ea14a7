/**
 * Reading kubeconfig YAML the way kubectl does. kubectl decodes kubeconfigs with go-yaml v2
 * (YAML 1.1, through sigs.k8s.io/yaml), so we resolve plain scalars by the same rules:
 * `yes`/`no`/`on`/`off`/`y`/`n` are booleans, `0755` is octal, `1_000` and `1e3` are
 * numbers. A field that must be a string then refuses them, as kubectl does ("cannot
 * unmarshal bool into ... of type string"), and `insecure-skip-tls-verify: yes` is true.
 *
 * js-yaml keeps an alias as a reference, so a "billion laughs" document loads in
 * milliseconds and explodes later, when something walks it. We walk it once, counting
 * nodes as go-yaml v2 expands them, and refuse it with go-yaml's own rule and words
 * ("excessive aliasing"). The scalar rules and that walk are the ones manifests are read
 * with (src/base/yaml-documents.ts); a kubeconfig is one document and nests at most 1,000 levels.
 */
import yaml from "js-yaml";
import { ConfigError } from "../base/errors.ts";
import { checkDecoded } from "../base/yaml-documents.ts";
import { KUBE_YAML_SCHEMA } from "../base/yaml-schema.ts";

/** YAML 1.1 scalars as go-yaml v2 resolves them, and merge keys: the schema manifests are read with too. */
export const KUBECONFIG_SCHEMA = KUBE_YAML_SCHEMA;

/** Deeper than this, a kubeconfig is refused before anything recurses into it. */
export const MAX_YAML_DEPTH = 1000;

/**
 * Parses kubeconfig YAML (or JSON) with kubectl's scalar rules, and refuses alias bombs and
 * absurd nesting with a ConfigError. Messages never quote the text: it holds secrets.
 *
 * @example const doc = loadKubeconfigYaml(await readFile(file, "utf8"), file);
 */
export function loadKubeconfigYaml(text: string, file: string): unknown {
  let doc: unknown;
  try {
    doc = yaml.load(text, { schema: KUBECONFIG_SCHEMA, filename: file });
  } catch (e) {
    // The exception's own message quotes the offending lines, which may hold a token.
    const ex = e as { reason?: string; mark?: { line?: number; column?: number } };
    const where = ex.mark?.line !== undefined ? ` at line ${ex.mark.line + 1}, column ${(ex.mark.column ?? 0) + 1}` : "";
    const reason = e instanceof RangeError ? "nested too deeply" : (ex.reason ?? "parse error");
    throw new ConfigError(`kubeconfig ${file}: not valid YAML${where}: ${reason}`);
  }
  checkDecoded(doc, { maxDepth: MAX_YAML_DEPTH }, (problem) => {
    throw new ConfigError(`kubeconfig ${file}: ${problem}`);
  }, { jsonNumbers: false });
  return doc;
}
