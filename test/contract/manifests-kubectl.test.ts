/**
 * bun-k8s/manifests and the kubectl we build, on the same objects: our YAML output is
 * byte-for-byte `kubectl get -o yaml`, our parser reads a tricky file into the same objects as
 * `kubectl create --dry-run=client`, and ApplySets are one standard: each tool prunes the other's
 * members, and kubectl refuses a set that our tooling manages by naming it.
 */
import { execFile } from "node:child_process";
import { afterAll, beforeAll, describe, expect, inject, test } from "vitest";
import { api } from "../../src/api/index.ts";
import type { Connection } from "../../src/connection/types.ts";
import { APPLYSET_ID_LABEL, ApplySetError, applyManifests, applySetId, dumpManifests, parseManifests } from "../../src/manifests/index.ts";
import { ConfigMap, Namespace, Secret } from "../../generated/k8s/core/v1/index.ts";
import { Deployment } from "../../generated/k8s/apps/v1/index.ts";
import { CustomResourceDefinition } from "../../generated/k8s/apiextensions/v1/index.ts";
import { connect, scratchNamespace } from "./api-connection.ts";

const cluster = inject("cluster");
let conn: Connection;
let ns: string;
let removeNamespace: () => Promise<void>;

function kubectl(args: readonly string[], input?: string, env: Record<string, string> = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = execFile(cluster.kubectl, [...args], { env: { ...process.env, KUBECONFIG: cluster.kubeconfigs.admin, ...env }, maxBuffer: 64 << 20 }, (error, stdout, stderr) =>
      resolve({ code: error ? ((error as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
    child.stdin?.end(input ?? "");
  });
}

const names = (items: { metadata?: { name?: string } }[]) => items.map((i) => i.metadata?.name).sort();

beforeAll(async () => {
  conn = await connect();
  ({ name: ns, remove: removeNamespace } = await scratchNamespace(conn, "mf-kubectl"));
});
afterAll(async () => {
  await removeNamespace?.();
  conn?.close();
});

describe("YAML: what kubectl prints and reads", () => {
  test("dumpManifests prints live objects exactly as kubectl get -o yaml does", async () => {
    const tricky: ConfigMap = {
      apiVersion: "v1",
      kind: "ConfigMap",
      metadata: { name: "tricky", namespace: ns, annotations: { long: Array.from({ length: 40 }, (_, i) => `word${i}`).join(" "), quote: "it's: here # x" } },
      data: {
        yes: "yes", number: "0755", float: "1e3", empty: "", multi: "line one\nline two\n", strip: "a\nb", keep: "c\n\n", lead: "  indented\nx\n",
        tab: "a\tb", emoji: "ok 😀", unicode: "é ü", colon: "a: b", dash: "- x", time: "2024-01-02T03:04:05Z", base60: "1:20",
        trailing: "space ", longQuoted: `'${"q ".repeat(60)}'`, [`${"k".repeat(140)}`]: "long key",
      },
    };
    await api(conn, ConfigMap, { namespace: ns }).create(tricky);
    const kinds: [string, string | undefined, string][] = [
      ["configmap", ns, "tricky"],
      ["namespace", undefined, ns],
      ["crd", undefined, "helmreleases.helm.toolkit.fluxcd.io"],
    ];
    if (!cluster.fluxCrds) kinds.pop();
    for (const [kind, namespace, name] of kinds) {
      const printed = await kubectl(["get", kind, name, "-o", "yaml", "--show-managed-fields", ...(namespace ? ["-n", namespace] : [])]);
      expect(printed.code, printed.stderr).toBe(0);
      const ours =
        kind === "configmap" ? await api(conn, ConfigMap, { namespace: ns }).get(name) : kind === "namespace" ? await api(conn, Namespace).get(name) : await api(conn, CustomResourceDefinition).get(name);
      expect(dumpManifests([ours]), `${kind} ${name}`).toBe(printed.stdout);
    }
  });

  test("parseManifests reads YAML 1.1 scalars, anchors, merge keys and Lists as kubectl create --dry-run=client does", async () => {
    const text = `
apiVersion: v1
kind: ConfigMap
metadata:
  name: parsed
  labels: &labels { app: web, tier: "1" }
  annotations:
    note: >
      folded
      text
data: &d
  quoted: "yes"
  literal: |
    keep
      indent
binaryData: {}
extra:
  bools: [yes, No, on, OFF, y, n, true, False]
  numbers: [0755, 0x1F, 1_000, 1e3, .5, +12, -0, 08, 0o17, 0b101]
  nulls: [~, null, Null]
  strings: [2001-12-14, 1:20, 1.5Gi, "08", 'single']
  merged: { <<: *labels, tier: "2" }
  alias: *d
  yes: key
  0755: octal-key
---
apiVersion: v1
kind: List
items:
- apiVersion: v1
  kind: ConfigMap
  metadata: { name: from-list }
`;
    const theirs = await kubectl(["create", "--dry-run=client", "-o", "json", "-f", "-"], text);
    expect(theirs.code, theirs.stderr).toBe(0);
    // kubectl prints one JSON document per object, one after the other.
    const kubectlObjects = theirs.stdout.split(/(?<=^\})\n(?=\{$)/m).map((doc) => JSON.parse(doc) as { metadata: { namespace?: string } });
    expect(kubectlObjects).toHaveLength(2);
    // kubectl fills in the context's namespace; that is defaulting, not parsing (apply does it too).
    for (const o of kubectlObjects) expect(o.metadata.namespace).toBe("default");
    for (const o of kubectlObjects) delete o.metadata.namespace;
    expect(parseManifests(text)).toEqual(kubectlObjects);
  });
});

describe("ApplySets: one standard for kubectl and bun-k8s", () => {
  const manifest = (...cms: string[]) => cms.map((n) => `apiVersion: v1\nkind: ConfigMap\nmetadata: { name: ${n}, namespace: ${ns} }\ndata: { v: "${n}" }\n`).join("---\n");
  const kubectlApply = (parent: string, text: string) =>
    kubectl(["apply", "--server-side", "--prune", `--applyset=secret/${parent}`, "-n", ns, "-f", "-"], text, { KUBECTL_APPLYSET: "true" });

  test("we compute kubectl's id, read kubectl's parent and prune kubectl's members; kubectl then accepts and prunes ours", async () => {
    const created = await kubectlApply("kc-set", `${manifest("a", "b")}---\napiVersion: apps/v1\nkind: Deployment\nmetadata: { name: d, namespace: ${ns} }\nspec: { selector: { matchLabels: { app: d } }, template: { metadata: { labels: { app: d } }, spec: { containers: [{ name: c, image: busybox }] } } }\n`);
    expect(created.code, created.stderr).toBe(0);
    const parent = await api(conn, Secret, { namespace: ns }).get("kc-set");
    const tooling = parent.metadata?.annotations?.["applyset.kubernetes.io/tooling"] ?? "";
    expect(tooling).toMatch(/^kubectl\//);
    expect(parent.metadata?.labels?.[APPLYSET_ID_LABEL]).toBe(applySetId({ name: "kc-set", namespace: ns, kind: "Secret", group: "" }));

    // Our apply of a smaller set, as kubectl's tool: kubectl's members b and d go.
    const ours = await applyManifests(conn, parseManifests(manifest("a", "c")), { fieldManager: "kubectl", applySet: { parent: { name: "kc-set" }, tooling }, namespace: ns });
    expect(ours.pruned.map((p) => `${p.id.kind}/${p.id.name}`).sort()).toEqual(["ConfigMap/b", "Deployment/d"]);
    expect(names((await api(conn, ConfigMap, { namespace: ns }).list({ labelSelector: { "applyset.kubernetes.io/part-of": ours.applySetId ?? "" } })).items)).toEqual(["a", "c"]);
    expect(await api(conn, Deployment, { namespace: ns }).getOpt("d")).toBeUndefined();
    const narrowed = await api(conn, Secret, { namespace: ns }).get("kc-set");
    expect(narrowed.metadata?.annotations?.["applyset.kubernetes.io/contains-group-kinds"]).toBe("ConfigMap");

    // kubectl reads the parent we wrote and prunes c, a member only we applied.
    const again = await kubectlApply("kc-set", manifest("a"));
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).toContain("configmap/c pruned");
    expect(await api(conn, ConfigMap, { namespace: ns }).getOpt("c")).toBeUndefined();
  });

  test("kubectl refuses a set our tooling manages, naming it; we refuse kubectl's unless told to act as kubectl", async () => {
    await applyManifests(conn, parseManifests(manifest("ours")), { fieldManager: "gitops", applySet: { parent: { name: "bun-set" } }, namespace: ns });
    const refused = await kubectlApply("bun-set", manifest("ours"));
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toContain('managed by tooling "bun-k8s" instead of "kubectl"');

    const kc = await kubectlApply("kc-only", manifest("theirs"));
    expect(kc.code, kc.stderr).toBe(0);
    const error = await applyManifests(conn, parseManifests(manifest("theirs")), { fieldManager: "gitops", applySet: { parent: { name: "kc-only" } }, namespace: ns }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApplySetError);
    expect((error as Error).message).toContain('managed by tooling "kubectl", not "bun-k8s"');
    expect(await api(conn, ConfigMap, { namespace: ns }).get("theirs")).toBeDefined();
  });
});
