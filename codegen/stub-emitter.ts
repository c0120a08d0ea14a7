/**
 * Emits the one-line typed stubs of a group/version module: a factory such as `appsV1(conn)`
 * whose members each call the generic client, `api(conn, Deployment, { namespace })`. No method
 * bodies: everything a stub can do comes from the kind's ResourceType value and src/api/.
 */
import type { KindModel } from "./model.ts";

/** A kind of the module and the name its ResourceType value has there. */
export interface StubKind {
  readonly kind: KindModel;
  readonly valueName: string;
}

/** The identifiers the stub block refers to (imports may be aliased to avoid a clash with schema names). */
export interface StubNames {
  readonly factory: string;
  readonly api: string;
  readonly connection: string;
}

/** Lower-cases a leading run of capitals but keeps the one that starts the next word: "IPAddresses" → "ipAddresses". */
function lowerLead(text: string): string {
  const run = /^[A-Z]+/.exec(text)?.[0].length ?? 0;
  if (run === 0) return text;
  const keep = run > 1 && run < text.length ? run - 1 : run;
  return text.slice(0, keep).toLowerCase() + text.slice(keep);
}

/**
 * The member name of a kind's stub: its plural, camel-cased after the kind's own words.
 *
 * @example
 * stubMemberName("NetworkPolicy", "networkpolicies"); // "networkPolicies"
 * stubMemberName("CSIStorageCapacity", "csistoragecapacities"); // "csiStorageCapacities"
 */
export function stubMemberName(kind: string, plural: string): string {
  const lowerKind = kind.toLowerCase();
  let shared = 0;
  while (shared < plural.length && shared < kind.length && plural[shared] === lowerKind[shared]) shared++;
  return lowerLead(kind.slice(0, shared) + plural.slice(shared));
}

/**
 * The factory name of a module folder: "apps/v1" → "appsV1", "demo.example.io/v1" → "demoExampleIoV1".
 *
 * @example
 * stubFactoryName("networking/v1"); // "networkingV1"
 */
export function stubFactoryName(dir: string): string {
  const words = dir.split(/[^A-Za-z0-9]+/).filter((w) => w !== "");
  const name = words.map((w, i) => (i === 0 ? w.toLowerCase() : (w[0] as string).toUpperCase() + w.slice(1))).join("");
  return /^[0-9]/.test(name) ? `_${name}` : name;
}

function firstCall(k: StubKind | undefined): string {
  return k ? `${propertyKey(stubMemberName(k.kind.kind, k.kind.plural))}(${k.kind.namespaced ? '"default"' : ""})` : "";
}

function propertyKey(name: string): string {
  return /^[A-Za-z_$][A-Za-z0-9_$]*$/.test(name) ? name : JSON.stringify(name);
}

/**
 * Renders the stub factory of one module. Namespaced kinds take a namespace, and `.all()`
 * gives the across-namespaces client (list and watch); cluster-scoped kinds take nothing.
 *
 * @example
 * emitStubs("apps/v1", [{ kind: deploymentModel, valueName: "Deployment" }], { factory: "appsV1", api: "api", connection: "Connection" });
 */
export function emitStubs(apiVersion: string, kinds: readonly StubKind[], names: StubNames): string {
  const members = [...kinds]
    .map(({ kind, valueName }) => {
      const key = propertyKey(stubMemberName(kind.kind, kind.plural));
      const call = (options: string) => `${names.api}(conn, ${valueName}${options})`;
      const inNamespace = `(namespace: string) => ${call(", { namespace }")}`;
      // Across namespaces the API serves only list and watch: no `.all()` for create-only kinds (Binding).
      const acrossNamespaces = kind.verbs.includes("list") || kind.verbs.includes("watch");
      const line = !kind.namespaced
        ? `() => ${call("")}`
        : acrossNamespaces
          ? `Object.assign(${inNamespace}, { all: () => ${call("")} })`
          : inNamespace;
      return { key, line };
    })
    .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  // The example lists, so pick a listable kind (namespaced first) where there is one.
  const listable = kinds.filter((k) => k.kind.verbs.includes("list"));
  const example = listable.find((k) => k.kind.namespaced) ?? listable[0];
  const exampleLine = example
    ? ` * const { items } = await ${names.factory}(kube.connection).${firstCall(example)}.list();`
    : ` * const client = ${names.factory}(kube.connection).${firstCall(kinds[0])};`;
  return [
    "/**",
    ` * Typed clients of every \`${apiVersion}\` kind over one connection, each a call of the generic \`api()\`.`,
    " * Namespaced kinds take a namespace (`.all()`: list and watch across namespaces); cluster-scoped kinds take none.",
    " *",
    " * @example",
    exampleLine,
    " */",
    `export const ${names.factory} = (conn: ${names.connection}) => ({`,
    ...members.map((m) => `  ${m.key}: ${m.line},`),
    "});",
    "",
  ].join("\n");
}
