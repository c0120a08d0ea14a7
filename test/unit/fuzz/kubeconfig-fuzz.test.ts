/**
 * Fuzzing the kubeconfig path: random YAML trees (kubeconfig keys, values of every type,
 * YAML 1.1 words, shared subtrees that dump as anchors and aliases) and random text go
 * through parsing, merging and resolving. The only failure allowed is a ConfigError.
 */
import fc from "fast-check";
import yaml from "js-yaml";
import { describe, expect, it } from "vitest";
import { ConfigError } from "../../../src/base/errors.ts";
import { parseKubeconfig } from "../../../src/config/kubeconfig-parse.ts";
import { mergeKubeconfigs } from "../../../src/config/merge.ts";
import { resolveContext } from "../../../src/config/resolve.ts";
import type { Config } from "../../../src/config/kubeconfig.ts";
import { SEEDS } from "./seeds.ts";

const KEYS = [
  "apiVersion", "kind", "clusters", "users", "contexts", "current-context", "preferences", "extensions", "extension",
  "name", "cluster", "user", "context", "namespace", "server", "tls-server-name", "insecure-skip-tls-verify",
  "certificate-authority", "certificate-authority-data", "proxy-url", "disable-compression", "token", "tokenFile",
  "client-certificate", "client-certificate-data", "client-key", "client-key-data", "username", "password", "as",
  "as-uid", "as-groups", "as-user-extra", "auth-provider", "config", "exec", "command", "args", "env", "value",
  "interactiveMode", "provideClusterInfo", "installHint", "colors", "idp-issuer-url", "client-id",
] as const;

// Words that YAML 1.1 and 1.2 read differently, and values that look like what a field wants.
const WORDS = [
  "yes", "no", "on", "off", "y", "n", "~", "null", "0755", "1_000", "1e3", ".inf", "<<", "2024-01-01",
  "v1", "Config", "https://127.0.0.1:6443", "http://10.0.0.1:8080", "10.0.0.1:6443", "socks5://p:1080", "https://a/b?c#d",
  "client.authentication.k8s.io/v1", "client.authentication.k8s.io/v1beta1", "Never", "IfAvailable", "Always", "oidc", "gcp",
  "LS0tLS1CRUdJTiBDRVJUSUZJQ0FURS0tLS0t", "not base64!", "", " ", "dev", "prod",
];

const scalar = fc.oneof(
  fc.constantFrom(...WORDS),
  fc.string({ maxLength: 12 }),
  fc.integer(),
  fc.double({ noNaN: false }),
  fc.boolean(),
  fc.constant(null),
);

/** Random trees whose keys are mostly kubeconfig keys. */
const tree = fc.letrec<{ node: unknown }>((tie) => ({
  node: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    scalar,
    fc.array(tie("node"), { maxLength: 4 }),
    fc.dictionary(fc.oneof(fc.constantFrom(...KEYS), fc.string({ maxLength: 6 })), tie("node"), { maxKeys: 5 }),
  ),
})).node;

/** Kubeconfig-shaped documents: named lists whose entries and fields take random values. */
const namedList = (inner: string) =>
  fc.array(fc.record({ name: fc.oneof(fc.constantFrom("a", "b", "c"), scalar), [inner]: tree }, { requiredKeys: [] }), { maxLength: 3 });
const kubeconfigShaped = fc.record(
  {
    apiVersion: fc.oneof(fc.constant("v1"), scalar),
    kind: fc.oneof(fc.constant("Config"), scalar),
    "current-context": fc.oneof(fc.constantFrom("a", "b"), scalar),
    clusters: fc.oneof(namedList("cluster"), tree),
    users: fc.oneof(namedList("user"), tree),
    contexts: fc.oneof(namedList("context"), tree),
    preferences: tree,
  },
  { requiredKeys: [] },
);

/** A document with one subtree used several times: yaml.dump writes it as an anchor and aliases. */
const aliased = fc.tuple(kubeconfigShaped, tree).map(([doc, shared]) => ({ ...doc, extensions: [{ name: "x", extension: [shared, shared, shared] }] }));

const noFiles = {
  env: {},
  readFile: async (file: string): Promise<string> => {
    throw Object.assign(new Error(`ENOENT: ${file}`), { code: "ENOENT" });
  },
  stat: async (): Promise<{ mtimeMs: number; size: number }> => {
    throw Object.assign(new Error("ENOENT"), { code: "ENOENT" });
  },
};

function parseOrConfigError(text: string, file: string): Config | undefined {
  try {
    return parseKubeconfig(text, file);
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigError);
    expect((e as Error).message.startsWith(`kubeconfig ${file}:`)).toBe(true);
    return undefined;
  }
}

async function resolveEvery(config: Config): Promise<void> {
  const names = [undefined, ...config.contexts.map((c) => c.name)];
  for (const context of names) {
    try {
      await resolveContext(config, { ...noFiles, ...(context !== undefined ? { context } : {}), persistOidcTokens: false });
    } catch (e) {
      expect(e).toBeInstanceOf(ConfigError);
    }
  }
}

describe.each(SEEDS)("kubeconfig fuzz (%s seed %i)", (_label, seed) => {
  it("random YAML trees: parse, merge and resolve fail only with ConfigError", async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.oneof(kubeconfigShaped, aliased, tree), { minLength: 1, maxLength: 3 }), async (docs) => {
        const sources: { file: string; config: Config }[] = [];
        docs.forEach((doc, i) => {
          const file = `/fuzz/${i}.yaml`;
          const parsed = parseOrConfigError(yaml.dump(doc, { noRefs: false }), file);
          if (parsed) sources.push({ file, config: parsed });
        });
        const merged = mergeKubeconfigs(sources);
        expect(merged.files).toEqual(sources.map((s) => s.file));
        await resolveEvery(merged.config);
      }),
      { seed, numRuns: 300 },
    );
  });

  it("random text fails only with ConfigError", () => {
    fc.assert(
      fc.property(fc.oneof(fc.string({ maxLength: 200 }), fc.string({ unit: fc.constantFrom("a", ":", " ", "\n", "-", "[", "]", "{", "}", "&a", "*a", "<<", "'", '"', "#", "!") , maxLength: 80 })), (text) => {
        parseOrConfigError(text, "/fuzz/text");
      }),
      { seed, numRuns: 500 },
    );
  });

  it("a field of every type at every kubeconfig key: a value or a ConfigError naming the field", () => {
    const paths = [
      ["clusters", 0, "cluster"],
      ["users", 0, "user"],
      ["contexts", 0, "context"],
      ["users", 0, "user", "exec"],
      ["users", 0, "user", "auth-provider"],
    ] as const;
    fc.assert(
      fc.property(fc.constantFrom(...paths), fc.constantFrom(...KEYS), tree, (path, key, value) => {
        const doc: Record<string, unknown> = {
          clusters: [{ name: "a", cluster: { server: "https://k" } }],
          users: [{ name: "a", user: { exec: { command: "x", apiVersion: "client.authentication.k8s.io/v1" }, "auth-provider": { name: "oidc" } } }],
          contexts: [{ name: "a", context: { cluster: "a", user: "a" } }],
        };
        let target = doc as Record<string | number, unknown>;
        for (const step of path) target = target[step] as Record<string | number, unknown>;
        target[key] = value;
        const parsed = parseOrConfigError(yaml.dump(doc), "/fuzz/field");
        if (parsed) expect(parsed.clusters.map((c) => c.name)).toEqual(["a"]);
      }),
      { seed, numRuns: 500 },
    );
  });
}, 60_000);
