/**
 * Discovery and the dynamic client against the real kube-apiserver: a CRD of the test's own
 * (its status subresource written as its controller would), and the Flux CRDs (GitRepository,
 * Kustomization, HelmRelease) through both the generated kinds and discovered ones. No Flux
 * status is written here: the real controllers write those (flux-gitops, flux-helm).
 */
import { afterAll, beforeAll, describe, expect, inject, test } from "vitest";
import { api, discoverResource, Discovery, dynamicResource, type DiscoveredResource } from "../../src/api/index.ts";
import { ValidationError, isNotFound } from "../../src/base/errors.ts";
import type { Connection } from "../../src/connection/types.ts";
import { Deployment } from "../../generated/k8s/apps/v1/index.ts";
import { ConfigMap } from "../../generated/k8s/core/v1/index.ts";
import { CustomResourceDefinition } from "../../generated/k8s/apiextensions/v1/index.ts";
import { awaitCondition } from "../../src/runtime/await-condition.ts";
import { crdEstablished } from "../../src/runtime/conditions.ts";
import { GitRepository } from "../../generated/flux/source/v1/index.ts";
import { Kustomization } from "../../generated/flux/kustomize/v1/index.ts";
import { HelmRelease } from "../../generated/flux/helm/v2/index.ts";
import { connect, scratchNamespace } from "./api-connection.ts";

const cluster = inject("cluster");
let conn: Connection;
let ns: string;
let removeNamespace: () => Promise<void>;

beforeAll(async () => {
  conn = await connect();
  ({ name: ns, remove: removeNamespace } = await scratchNamespace(conn, "api-dyn"));
});
afterAll(async () => {
  await removeNamespace?.();
  conn?.close();
});

const key = (r: DiscoveredResource) =>
  `${r.group}/${r.version}/${r.plural} ${r.kind} ${r.namespaced ? "ns" : "cluster"} [${[...r.verbs].sort()}] [${r.subresources}]`;

describe("discovery", () => {
  test("aggregated and legacy discovery describe the same resources", async () => {
    const aggregated = await new Discovery(conn).resources();
    const legacy = await new Discovery(conn, { aggregated: false }).resources();
    expect(aggregated.length).toBeGreaterThan(40);
    expect(aggregated.map(key).sort()).toEqual(legacy.map(key).sort());
  });

  test("finds kinds and names the way kubectl does", async () => {
    const deployments = await discoverResource(conn, { kind: "Deployment" });
    expect(deployments).toMatchObject({ group: "apps", version: "v1", plural: "deployments", namespaced: true, subresources: ["scale", "status"] });
    expect(await discoverResource(conn, { resource: "cm" })).toMatchObject({ group: "", plural: "configmaps", kind: "ConfigMap" });
    expect(await discoverResource(conn, { resource: "namespace" })).toMatchObject({ plural: "namespaces", namespaced: false });
    // Event is served by two groups: the core group wins, unless a group is named.
    expect((await discoverResource(conn, { kind: "Event" })).group).toBe("");
    expect((await discoverResource(conn, { kind: "Event", group: "events.k8s.io" })).plural).toBe("events");
    await expect(discoverResource(conn, { kind: "NoSuchKind" })).rejects.toThrow(ValidationError);
    await expect(discoverResource(conn, { kind: "NoSuchKind" })).rejects.toThrow(/serves no kind NoSuchKind/);
  });

  test("the generated table agrees with what the server serves", async () => {
    for (const generated of [Deployment, ConfigMap]) {
      const found = await discoverResource(conn, { kind: generated.kind, group: generated.group, version: generated.version });
      expect(found.plural).toBe(generated.plural);
      expect(found.namespaced).toBe(generated.namespaced);
      expect([...found.verbs].sort()).toEqual([...generated.verbs].sort());
      expect(found.subresources).toEqual([...generated.subresources].sort());
    }
  });
});

describe("dynamic client", () => {
  test("a hand-described resource does CRUD over open objects", async () => {
    const ConfigMaps = dynamicResource({ group: "", version: "v1", plural: "configmaps", namespaced: true, kind: "ConfigMap" });
    const cms = api(conn, ConfigMaps, { namespace: ns });
    const created = await cms.create({ metadata: { name: "dyn" }, data: { a: "1" } });
    expect(created.kind).toBe("ConfigMap");
    expect(created.data).toEqual({ a: "1" });
    const applied = await cms.apply({ apiVersion: "v1", kind: "ConfigMap", metadata: { name: "dyn" }, data: { b: "2" } }, { fieldManager: "dyn" });
    expect(applied.data).toEqual({ a: "1", b: "2" });
    const listed = await cms.list();
    expect(listed.items.map((i) => `${i.kind} ${i.metadata?.name}`)).toContain("ConfigMap dyn");
    await cms.delete("dyn");
    expect(await cms.getOpt("dyn")).toBeUndefined();
  });

  test("a discovered resource works the same", async () => {
    const Secrets = await discoverResource(conn, { resource: "secrets" });
    const secrets = api(conn, Secrets, { namespace: ns });
    await secrets.create({ metadata: { name: "dyn" }, stringData: { k: "v" } });
    expect((await secrets.get("dyn")).data).toEqual({ k: Buffer.from("v").toString("base64") });
    await secrets.delete("dyn");
    await expect(secrets.get("dyn")).rejects.toSatisfy(isNotFound);
  });
  test("a CRD's status subresource: apply and merge patch write only the status", async () => {
    const group = `${ns}.bun-k8s.test`;
    const crds = api(conn, CustomResourceDefinition);
    await crds.create({
      metadata: { name: `widgets.${group}` },
      spec: {
        group,
        scope: "Namespaced",
        names: { plural: "widgets", singular: "widget", kind: "Widget", listKind: "WidgetList" },
        versions: [
          {
            name: "v1",
            served: true,
            storage: true,
            subresources: { status: {} },
            schema: { openAPIV3Schema: { type: "object", "x-kubernetes-preserve-unknown-fields": true } },
          },
        ],
      },
    });
    try {
      await awaitCondition(crds, `widgets.${group}`, crdEstablished(), { timeoutMs: 60_000 });
      const Widgets = dynamicResource({ group, version: "v1", plural: "widgets", namespaced: true, kind: "Widget", subresources: ["status"] });
      const widgets = api(conn, Widgets, { namespace: ns });
      await widgets.create({ metadata: { name: "w" }, spec: { size: 1 } });
      const applied = await widgets.status.apply(
        { apiVersion: `${group}/v1`, kind: "Widget", metadata: { name: "w" }, status: { phase: "Ready" }, spec: { size: 9 } },
        { fieldManager: "widget-controller" },
      );
      expect(applied).toMatchObject({ spec: { size: 1 }, status: { phase: "Ready" } });
      const patched = await widgets.status.patch("w", { type: "merge", patch: { status: { seen: 2 } } });
      expect(patched.status).toEqual({ phase: "Ready", seen: 2 });
      expect((await widgets.status.get("w")).status).toEqual({ phase: "Ready", seen: 2 });
      const managers = patched.metadata?.managedFields as { manager?: string; subresource?: string }[] | undefined;
      expect(managers?.map((f) => `${f.manager} ${f.subresource ?? ""}`)).toContain("widget-controller status");
    } finally {
      await crds.delete(`widgets.${group}`).catch(() => undefined);
    }
  });
});

describe.runIf(cluster.fluxCrds)("Flux custom resources", () => {
  test("GitRepository: CRUD, merge patch, apply, status subresource; strategic refused before sending", async () => {
    const repos = api(conn, GitRepository, { namespace: ns });
    const created = await repos.create({ metadata: { name: "podinfo" }, spec: { url: "https://github.com/stefanprodan/podinfo", interval: "5m", ref: { branch: "master" } } });
    expect(created.spec?.interval).toBe("5m");

    const suspended = await repos.patch("podinfo", { type: "merge", patch: { spec: { suspend: true } } });
    expect(suspended.spec?.suspend).toBe(true);
    await expect(repos.patch("podinfo", { type: "strategic", patch: { spec: { suspend: false } } })).rejects.toThrow(/built-in kinds only/);

    const applied = await repos.apply(
      { apiVersion: "source.toolkit.fluxcd.io/v1", kind: "GitRepository", metadata: { name: "podinfo" }, spec: { interval: "10m" } },
      { fieldManager: "flux-test", force: true },
    );
    expect(applied.spec?.interval).toBe("10m");

    // The status subresource reads what the controller wrote: nothing, since no controller
    // selects this object (the suite's run only labelled ones). Writing it is a controller's job,
    // tested on a kind of our own below.
    const status = await repos.status.get("podinfo");
    expect(status.metadata?.uid).toBe(created.metadata?.uid);
    expect(status.status?.conditions).toBeUndefined();

    const found = await discoverResource(conn, { kind: "GitRepository" });
    expect(found).toMatchObject({ group: "source.toolkit.fluxcd.io", plural: "gitrepositories", subresources: ["status"] });
    const dynamic = await api(conn, found, { namespace: ns }).get("podinfo");
    expect(dynamic.spec).toMatchObject({ interval: "10m", suspend: true });

    await repos.delete("podinfo");
    expect(await repos.getOpt("podinfo")).toBeUndefined();
  });

  test("Kustomization and HelmRelease: create, merge patch, list, delete", async () => {
    const kustomizations = api(conn, Kustomization, { namespace: ns });
    await kustomizations.create({
      metadata: { name: "apps" },
      spec: { interval: "10m", prune: true, path: "./deploy", sourceRef: { kind: "GitRepository", name: "podinfo" } },
    });
    const patched = await kustomizations.patch("apps", { type: "merge", patch: { spec: { timeout: "3m" } } });
    expect(patched.spec).toMatchObject({ timeout: "3m", interval: "10m" });
    expect(patched.metadata?.generation).toBe(2);

    const releases = api(conn, HelmRelease, { namespace: ns });
    await releases.create({
      metadata: { name: "podinfo" },
      spec: { interval: "10m", chart: { spec: { chart: "podinfo", sourceRef: { kind: "HelmRepository", name: "podinfo" } } } },
    });
    expect((await releases.list()).items.map((r) => `${r.kind} ${r.metadata?.name}`)).toEqual(["HelmRelease podinfo"]);

    await kustomizations.delete("apps");
    await releases.delete("podinfo");
    expect((await releases.list()).items).toEqual([]);
  });
});
