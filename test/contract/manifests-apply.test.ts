/**
 * bun-k8s/manifests against the real API server: a batch of mixed kinds (a namespace, a CRD and
 * its custom objects, a Deployment, a ConfigMap, a Secret) applied, re-applied, changed, diffed
 * with field ownership and conflicts, and pruned through an ApplySet.
 */
import { execFileSync } from "node:child_process";
import { afterAll, beforeAll, describe, expect, inject, test } from "vitest";
import { api } from "../../src/api/index.ts";
import type { Connection } from "../../src/connection/types.ts";
import { isNotFound } from "../../src/base/errors.ts";
import { ApplyError, applyManifests, diffManifests, formatDiff, originOf, parseManifests } from "../../src/manifests/index.ts";
import { Namespace } from "../../generated/k8s/core/v1/index.ts";
import type { Deployment } from "../../generated/k8s/apps/v1/index.ts";
import { connect } from "./api-connection.ts";

const cluster = inject("cluster");
const suffix = Math.random().toString(36).slice(2, 7);
const ns = `mf-${suffix}`;
const group = `mf${suffix}.example.com`;
let conn: Connection;

const manifests = (replicas: number, withGadget: boolean, color = "red") => `
apiVersion: v1
kind: Namespace
metadata:
  name: ${ns}
---
apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  name: gadgets.${group}
spec:
  group: ${group}
  names: { kind: Gadget, plural: gadgets, singular: gadget, listKind: GadgetList }
  scope: Namespaced
  versions:
  - name: v1
    served: true
    storage: true
    schema:
      openAPIV3Schema:
        type: object
        properties:
          spec:
            type: object
            properties:
              color: { type: string, enum: [red, blue] }
              size: { type: integer }
---
apiVersion: ${group}/v1
kind: Gadget
metadata: { name: keep, namespace: ${ns} }
spec: { color: ${color}, size: 1 }
${withGadget ? `---
apiVersion: ${group}/v1
kind: Gadget
metadata: { name: extra, namespace: ${ns} }
spec: { color: blue, size: 2 }` : ""}
---
apiVersion: apps/v1
kind: Deployment
metadata: { name: web, namespace: ${ns}, labels: { app: web } }
spec:
  replicas: ${replicas}
  selector: { matchLabels: { app: web } }
  template:
    metadata: { labels: { app: web } }
    spec:
      containers:
      - name: web
        image: nginx:1.27
---
apiVersion: v1
kind: ConfigMap
metadata: { name: settings, namespace: ${ns} }
data: { mode: "on", size: "${replicas}" }
---
apiVersion: v1
kind: Secret
metadata: { name: creds, namespace: ${ns} }
stringData: { password: "pw-${replicas}-never-printed" }
`;

const applySet = { parent: { name: "app", namespace: ns } };

beforeAll(async () => {
  conn = await connect();
});
afterAll(async () => {
  await api(conn, Namespace).delete(ns).catch(() => undefined);
  await conn.send({ method: "DELETE", path: `/apis/apiextensions.k8s.io/v1/customresourcedefinitions/gadgets.${group}` }).catch(() => undefined);
  conn?.close();
});

describe(`applyManifests on ${cluster.mode} cluster`, () => {
  test("applies a mixed batch in order: the namespace and the CRD first, custom objects once the CRD is Established", async () => {
    const objects = parseManifests(manifests(1, true), { source: "app.yaml" });
    const result = await applyManifests(conn, objects, { fieldManager: "gitops-test", applySet });
    expect(result.applied.map((a) => `${a.action} ${a.id.kind} ${a.id.name}`)).toEqual([
      `created Namespace ${ns}`,
      `created CustomResourceDefinition gadgets.${group}`,
      "created Gadget keep",
      "created Gadget extra",
      "created Deployment web",
      "created ConfigMap settings",
      "created Secret creds",
    ]);
    expect(result.failed).toEqual([]);
    // The typed object the server returned, and where its manifest came from.
    const gadget = result.applied[2]!;
    expect(gadget.object.metadata?.uid).toMatch(/[0-9a-f-]{36}/);
    expect(gadget.object.metadata?.labels?.["applyset.kubernetes.io/part-of"]).toBe(result.applySetId);
    expect(gadget.origin).toEqual({ source: "app.yaml", document: 3, line: 29 });
    expect(originOf(objects[2]!)).toBe(gadget.origin);
  });

  test("a re-apply of the same batch changes nothing, and says so", async () => {
    const result = await applyManifests(conn, parseManifests(manifests(1, true)), { fieldManager: "gitops-test", applySet });
    expect(result.applied.map((a) => a.action)).toEqual(Array(7).fill("unchanged"));
    expect(result.pruned).toEqual([]);
  });

  test("typed objects in, typed objects out", async () => {
    const deployment: Deployment = {
      apiVersion: "apps/v1",
      kind: "Deployment",
      metadata: { name: "typed", namespace: ns },
      spec: { selector: { matchLabels: { app: "typed" } }, template: { metadata: { labels: { app: "typed" } }, spec: { containers: [{ name: "c", image: "busybox" }] } } },
    };
    const result = await applyManifests(conn, [deployment], { fieldManager: "gitops-test" });
    const applied: Deployment = result.applied[0]!.object;
    expect(applied.spec?.template.spec?.containers[0]?.image).toBe("busybox");
    expect(applied.spec?.replicas).toBe(1);
  });

  test("diff: a dry run shows changed fields, their current owners, conflicts with another manager, the members to prune; nothing changes", async () => {
    // Another manager takes spec.replicas, as an autoscaler or a hand edit would.
    await api(conn, (await import("../../generated/k8s/apps/v1/index.ts")).Deployment, { namespace: ns }).apply(
      { apiVersion: "apps/v1", kind: "Deployment", metadata: { name: "web" }, spec: { replicas: 2 } },
      { fieldManager: "autoscaler", force: true },
    );
    const result = await diffManifests(conn, parseManifests(manifests(3, false, "blue")), { fieldManager: "gitops-test", applySet });
    const byName = new Map(result.objects.map((d) => [`${d.id.kind}/${d.id.name}`, d]));
    expect(result.failed).toEqual([]);
    expect(byName.get(`Namespace/${ns}`)?.action).toBe("unchanged");
    const web = byName.get("Deployment/web");
    expect(web?.action).toBe("update");
    expect(web?.conflicts).toEqual([{ path: ".spec.replicas", manager: "autoscaler", message: 'conflict with "autoscaler"' }]);
    const replicas = web?.changes.find((c) => c.path === ".spec.replicas");
    expect(replicas).toMatchObject({ before: 2, after: 3, conflict: { manager: "autoscaler" } });
    expect(replicas?.owners.map((o) => o.manager)).toEqual(["autoscaler"]);
    expect(web?.diff).toContain("-  replicas: 2\n+  replicas: 3\n");
    const keep = byName.get("Gadget/keep");
    expect(keep?.changes.map((c) => [c.path, c.before, c.after, c.owners.map((o) => o.manager)])).toEqual([[".spec.color", "red", "blue", ["gitops-test"]]]);
    expect(byName.get("Gadget/extra")?.action).toBe("prune");
    const secret = byName.get("Secret/creds");
    expect(secret?.action).toBe("update");
    const text = formatDiff(result);
    expect(text).toContain("*** (after)");
    expect(text).not.toMatch(/never-printed|cHctM/);
    expect(text).toContain(`~ update apps/v1 Deployment ${ns}/web`);
    expect(text).toContain('CONFLICT with "autoscaler"');
    // Nothing was changed by the diff.
    const live = await api(conn, (await import("../../generated/k8s/apps/v1/index.ts")).Deployment, { namespace: ns }).get("web");
    expect(live.spec?.replicas).toBe(2);
  });

  test("a conflict fails its own object only; the rest is applied, nothing is pruned; force then takes the field", async () => {
    const objects = parseManifests(manifests(3, false, "blue"));
    const error = await applyManifests(conn, objects, { fieldManager: "gitops-test", applySet }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApplyError);
    const result = (error as ApplyError).result;
    expect(result.failed.map((f) => [f.id.kind, f.id.name, f.during])).toEqual([["Deployment", "web", "apply"]]);
    expect(result.failed[0]?.error.message).toMatch(/409 Conflict.*autoscaler/);
    expect(result.applied.map((a) => `${a.action} ${a.id.kind}/${a.id.name}`)).toEqual([
      `unchanged Namespace/${ns}`,
      `unchanged CustomResourceDefinition/gadgets.${group}`,
      "configured Gadget/keep",
      "configured ConfigMap/settings",
      "configured Secret/creds",
    ]);
    expect(result.pruned).toEqual([]);
    expect(result.pruneSkipped).toMatch(/1 object\(s\) failed/);

    const forced = await applyManifests(conn, objects, { fieldManager: "gitops-test", applySet, force: true });
    expect(forced.applied.find((a) => a.id.name === "web")?.action).toBe("configured");
    expect(forced.pruned.map((p) => `${p.id.kind}/${p.id.name}`)).toEqual(["Gadget/extra"]);
    const gadgets = await conn.send({ method: "GET", path: `/apis/${group}/v1/namespaces/${ns}/gadgets` });
    expect((JSON.parse(await gadgets.text()) as { items: { metadata: { name: string } }[] }).items.map((i) => i.metadata.name)).toEqual(["keep"]);
    const parent = await api(conn, (await import("../../generated/k8s/core/v1/index.ts")).Secret, { namespace: ns }).get("app");
    expect(parent.metadata?.annotations?.["applyset.kubernetes.io/contains-group-kinds"]).toBe(
      `ConfigMap,CustomResourceDefinition.apiextensions.k8s.io,Deployment.apps,Gadget.${group},Namespace,Secret`,
    );
  });

  test("dry run: reports what would happen, stores nothing", async () => {
    const objects = parseManifests(manifests(5, true));
    const result = await applyManifests(conn, objects, { fieldManager: "gitops-test", applySet, dryRun: true, force: true });
    expect(result.applied.find((a) => a.id.name === "extra")?.action).toBe("created");
    expect(result.applied.find((a) => a.id.name === "web")?.action).toBe("configured");
    expect(result.applied.find((a) => a.id.name === "web")?.object.spec).toMatchObject({ replicas: 5 });
    const gadgets = await conn.send({ method: "GET", path: `/apis/${group}/v1/namespaces/${ns}/gadgets/extra` }).catch((e: unknown) => e);
    expect(isNotFound(gadgets)).toBe(true);
  });

  test("a controller's write between our read and our apply does not make a no-op apply 'configured'; a quick change does", async () => {
    const { Deployment } = await import("../../generated/k8s/apps/v1/index.ts");
    const race: Deployment = {
      apiVersion: "apps/v1",
      kind: "Deployment",
      metadata: { name: "race", namespace: ns },
      spec: { replicas: 1, selector: { matchLabels: { app: "race" } }, template: { metadata: { labels: { app: "race" } }, spec: { containers: [{ name: "c", image: "busybox" }] } } },
    };
    expect((await applyManifests(conn, [race], { fieldManager: "gitops-test" })).applied[0]?.action).toBe("created");
    // A connection that lets "a controller" write the object right before our apply reaches the server.
    let wrote = 0;
    const racing: Connection = {
      server: conn.server,
      namespace: conn.namespace,
      contextName: conn.contextName,
      close: () => undefined,
      send: async (request, options) => {
        if (request.method === "PATCH" && request.path.endsWith("/deployments/race")) {
          const deployments = api(conn, Deployment, { namespace: ns });
          await deployments.patch("race", { type: "merge", patch: { metadata: { annotations: { "deployment.kubernetes.io/revision": String(++wrote) } } } });
        }
        return conn.send(request, options);
      },
    };
    const again = await applyManifests(racing, [race], { fieldManager: "gitops-test" });
    expect(wrote).toBe(1);
    expect(again.applied[0]?.action).toBe("unchanged");
    // Changed right away (often within the second of the last write): still seen.
    const quick = await applyManifests(conn, [{ ...race, spec: { ...race.spec!, replicas: 2 } }], { fieldManager: "gitops-test" });
    expect(quick.applied[0]?.action).toBe("configured");
    // A Secret's stringData is stored as data; a quick change of it is seen too.
    const secret = (password: string) => parseManifests(`apiVersion: v1\nkind: Secret\nmetadata: { name: quick, namespace: ${ns} }\nstringData: { password: ${password} }\n`);
    const actions = [];
    for (const pw of ["one", "two", "two"]) actions.push((await applyManifests(conn, secret(pw), { fieldManager: "gitops-test" })).applied[0]?.action);
    expect(actions).toEqual(["created", "configured", "unchanged"]);
  });

  test("a dry run of a new namespace and its ApplySet stores nothing and fails nothing", async () => {
    const fresh = `${ns}-dry`;
    const result = await applyManifests(conn, parseManifests(`apiVersion: v1\nkind: Namespace\nmetadata: { name: ${fresh} }\n`), {
      fieldManager: "gitops-test",
      dryRun: true,
      applySet: { parent: { name: "app", namespace: fresh } },
    });
    expect(result.applied.map((a) => `${a.action} ${a.id.name}`)).toEqual([`created ${fresh}`]);
    expect(await api(conn, Namespace).getOpt(fresh)).toBeUndefined();
  });

  test("every failure is reported: an unknown kind, a bad object, a namespace mismatch, next to successes", async () => {
    const objects = parseManifests(`
apiVersion: nothing.example.com/v1
kind: Nothing
metadata: { name: x, namespace: ${ns} }
---
apiVersion: v1
kind: ConfigMap
metadata: { name: "Not_Valid", namespace: ${ns} }
---
apiVersion: v1
kind: ConfigMap
metadata: { name: elsewhere, namespace: default }
---
apiVersion: v1
kind: ConfigMap
metadata: { name: fine }
`, { source: "mixed.yaml" });
    const error = (await applyManifests(conn, objects, { fieldManager: "gitops-test", namespace: ns }).catch((e: unknown) => e)) as ApplyError;
    expect(error).toBeInstanceOf(ApplyError);
    expect(error.result.applied.map((a) => `${a.action} ${a.id.namespace}/${a.id.name}`)).toEqual([`created ${ns}/fine`]);
    expect(error.result.failed.map((f) => [f.id.name, f.origin?.document, f.error.message])).toEqual([
      ["x", 1, expect.stringMatching(/^the cluster serves no kind Nothing in nothing\.example\.com\/v1\b/)],
      ["Not_Valid", 2, expect.stringMatching(/^422 Invalid: ConfigMap "Not_Valid" is invalid: metadata\.name/)],
      ["elsewhere", 3, expect.stringMatching(/^the object's namespace "default" does not match the namespace "mf-/)],
    ]);
    expect(error.message).toMatch(/^3 of 4 objects failed/);
  });

  test("a kind unknown to the generated tables resolves through discovery", async () => {
    execFileSync(cluster.kubectl, ["apply", "-f", "-"], {
      env: { ...process.env, KUBECONFIG: cluster.kubeconfigs.admin },
      input: `apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata: { name: doodads.${group} }
spec:
  group: ${group}
  names: { kind: Doodad, plural: doodads, singular: doodad }
  scope: Cluster
  versions: [{ name: v1, served: true, storage: true, schema: { openAPIV3Schema: { type: object, x-kubernetes-preserve-unknown-fields: true } } }]
`,
    });
    execFileSync(cluster.kubectl, ["wait", "--for=condition=Established", `crd/doodads.${group}`, "--timeout=60s"], { env: { ...process.env, KUBECONFIG: cluster.kubeconfigs.admin } });
    const result = await applyManifests(conn, parseManifests(`apiVersion: ${group}/v1\nkind: Doodad\nmetadata: { name: d1, namespace: ignored-for-cluster-scope }\nanything: [1, 2]\n`), { fieldManager: "gitops-test" });
    expect(result.applied.map((a) => [a.action, a.id.namespace, a.object.anything])).toEqual([["created", undefined, [1, 2]]]);
    await conn.send({ method: "DELETE", path: `/apis/apiextensions.k8s.io/v1/customresourcedefinitions/doodads.${group}` });
  });
});
