/**
 * The sweep: every listable resource of the generated resource tables (Kubernetes + Flux) is
 * listed through the generic client, across all namespaces, and what comes back must be the
 * kind the table says: the list's kind and apiVersion, each item's kind, and one item read
 * back with get. Nothing is skipped silently: a table entry the server does not serve is named
 * in `notServed` with its reason, and the test proves it really is absent (404). In the other
 * direction, every listable resource discovery reports must be in a table, except CRDs that
 * other test files installed, which are swept through the dynamic client instead.
 */
import { afterAll, beforeAll, describe, expect, inject, test } from "vitest";
import { api, apiVersionOf, Discovery, dynamicResource, type DiscoveredResource, type KubeList, type ResourceType } from "../../src/index.ts";
import type { Connection } from "../../src/connection/types.ts";
import { isNotFound } from "../../src/base/errors.ts";
import { ConfigMap } from "../../generated/k8s/core/v1/index.ts";
import { GitRepository } from "../../generated/flux/source/v1/index.ts";
import { resources as k8sResources } from "../../generated/k8s/resources.ts";
import { resources as fluxResources } from "../../generated/flux/resources.ts";
import { connect, scratchNamespace } from "./api-connection.ts";

const cluster = inject("cluster");

const offByDefault = "alpha/beta API version, off by default: kube-apiserver serves it only when --runtime-config enables it";

/** Names each kind of a group/version with one reason. */
function allow(groupVersion: string, kinds: readonly string[], reason: string): [string, string][] {
  return kinds.map((kind) => [`${groupVersion}/${kind}`, reason]);
}

/**
 * Table entries with a list verb that the suite's control plane (the pinned Kubernetes
 * version, default flags) does not serve, keyed "<apiVersion>/<kind>", with the reason.
 */
const notServed: Readonly<Record<string, string>> = Object.fromEntries([
  ...allow("admissionregistration.k8s.io/v1alpha1", ["MutatingAdmissionPolicy", "MutatingAdmissionPolicyBinding"], offByDefault),
  ...allow("admissionregistration.k8s.io/v1beta1", ["MutatingAdmissionPolicy", "MutatingAdmissionPolicyBinding"], offByDefault),
  ...allow("certificates.k8s.io/v1beta1", ["ClusterTrustBundle", "PodCertificateRequest"], offByDefault),
  ...allow("coordination.k8s.io/v1alpha2", ["LeaseCandidate"], offByDefault),
  ...allow("coordination.k8s.io/v1beta1", ["LeaseCandidate"], offByDefault),
  ...allow("internal.apiserver.k8s.io/v1alpha1", ["StorageVersion"], offByDefault),
  ...allow("lifecycle.k8s.io/v1alpha1", ["Eviction", "EvictionRequest"], offByDefault),
  ...allow("resource.k8s.io/v1alpha3", ["DeviceTaintRule", "ResourcePoolStatusRequest"], offByDefault),
  ...allow("resource.k8s.io/v1beta1", ["DeviceClass", "ResourceClaim", "ResourceClaimTemplate", "ResourceSlice"], offByDefault),
  ...allow("resource.k8s.io/v1beta2", ["DeviceClass", "DeviceTaintRule", "ResourceClaim", "ResourceClaimTemplate", "ResourceSlice"], offByDefault),
  ...allow("scheduling.k8s.io/v1alpha3", ["CompositePodGroup", "PodGroup", "Workload"], offByDefault),
  ...allow("scheduling.k8s.io/v1beta1", ["PodGroup", "Workload"], offByDefault),
  ...allow("storagemigration.k8s.io/v1beta1", ["StorageVersionMigration"], offByDefault),
]);

interface Entry {
  readonly key: string;
  readonly resource: ResourceType<unknown, boolean, string>;
}

const table: Entry[] = [...Object.entries(k8sResources), ...Object.entries(fluxResources)]
  .map(([key, resource]) => ({ key, resource: resource as ResourceType<unknown, boolean, string> }))
  .filter((e) => e.resource.verbs.includes("list"));

const tableKey = (r: { group: string; version: string; plural: string }) => `${r.group}/${r.version}/${r.plural}`;

let conn: Connection;
let ns: string;
let removeNamespace: () => Promise<void>;
let served: Map<string, DiscoveredResource>;
const listedWithItems = new Set<string>();

beforeAll(async () => {
  conn = await connect();
  ({ name: ns, remove: removeNamespace } = await scratchNamespace(conn, "sweep"));
  // Objects of a built-in kind and of a CRD, so that items (not only empty lists) are checked for both.
  await api(conn, ConfigMap, { namespace: ns }).create({ metadata: { name: "swept" }, data: { a: "b" } });
  if (cluster.fluxCrds) {
    await api(conn, GitRepository, { namespace: ns }).create({
      metadata: { name: "swept" },
      spec: { url: "https://example.invalid/repo.git", interval: "10m" },
    });
  }
  const discovered = await new Discovery(conn).resources();
  served = new Map(discovered.filter((r) => r.verbs.includes("list")).map((r) => [tableKey(r), r]));
});
afterAll(async () => {
  await removeNamespace?.();
  conn?.close();
});

type Listed = { apiVersion?: string; kind?: string; metadata?: { name?: string; namespace?: string } };

/** Lists one resource across all namespaces and checks the kind of everything that comes back. */
async function sweep(key: string, resource: ResourceType<unknown, boolean, string>): Promise<void> {
  const list = (await api(conn, resource).list({ limit: 25 })) as KubeList<Listed> & Listed;
  expect(list.kind, key).toBe(resource.listKind);
  expect(list.apiVersion, key).toBe(apiVersionOf(resource));
  for (const item of list.items) {
    expect(item.kind, key).toBe(resource.kind);
    expect(item.apiVersion, key).toBe(apiVersionOf(resource));
  }
  if (list.items.length === 0) return;
  listedWithItems.add(key);
  if (!resource.verbs.includes("get")) return;
  // A single GET carries the server's own kind (a list's items may have been filled in): read one
  // back. Objects of other test files' namespaces may vanish in between, so a 404 moves on.
  for (const item of list.items) {
    const name = item.metadata?.name as string;
    const namespace = resource.namespaced ? item.metadata?.namespace : undefined;
    const one = (await api(conn, resource, { namespace }).getOpt(name)) as Listed | undefined;
    if (!one) continue;
    expect(one.kind, key).toBe(resource.kind);
    expect(one.apiVersion, key).toBe(apiVersionOf(resource));
    expect(one.metadata?.name, key).toBe(name);
    return;
  }
}

describe(`sweep of the generated resource tables (${cluster.mode} cluster ${cluster.server})`, () => {
  test("the tables have the core kinds and the Flux kinds", () => {
    const keys = table.map((e) => e.key);
    for (const k of ["v1/Pod", "v1/Namespace", "apps/v1/Deployment", "batch/v1/CronJob", "source.toolkit.fluxcd.io/v1/GitRepository"]) {
      expect(keys).toContain(k);
    }
    expect(table.length).toBeGreaterThan(80);
  });

  test.each(table.map((e) => [e.key, e.resource] as const))("%s", async (key, resource) => {
    const isServed = served.has(tableKey(resource));
    const reason =
      notServed[key] ??
      // Another cluster (BUN_K8S_TEST_KUBECONFIG) may run another version: its discovery decides.
      (cluster.mode === "external" && !isServed ? `not served by this cluster (discovery)` : undefined);
    if (reason === undefined) {
      expect(isServed, `${key} is in the generated table but discovery does not list it`).toBe(true);
      await sweep(key, resource);
      return;
    }
    expect(isServed, `${key} is allow-listed (${reason}) but the server serves it: drop it from notServed`).toBe(false);
    const error = await api(conn, resource)
      .list({ limit: 1 })
      .then(
        () => undefined,
        (e: unknown) => e,
      );
    expect(isNotFound(error), `${key}: ${reason}; expected 404, got ${String(error)}`).toBe(true);
  });

  test("every listable resource the server serves is in a table; CRDs from other tests go through the dynamic client", async () => {
    const inTables = new Set(table.map((e) => tableKey(e.resource)));
    const missing: string[] = [];
    for (const r of served.values()) {
      if (inTables.has(tableKey(r))) continue;
      if (r.group.endsWith(".k8s.io") || !r.group.includes(".") || r.group.endsWith(".toolkit.fluxcd.io")) {
        missing.push(`${tableKey(r)} (${r.kind})`);
        continue;
      }
      const resource = dynamicResource({ group: r.group, version: r.version, plural: r.plural, namespaced: r.namespaced, kind: r.kind, verbs: r.verbs });
      try {
        await sweep(`${apiVersionOf(r)}/${r.kind}`, resource);
      } catch (error) {
        // A CRD another file deleted may linger in discovery for a moment; it must be gone now.
        if (!isNotFound(error)) throw error;
        const now = await new Discovery(conn).resources();
        expect(now.some((d) => tableKey(d) === tableKey(r)), `${tableKey(r)}: listed 404 yet still discovered`).toBe(false);
      }
    }
    expect(missing, "served by the cluster, absent from the generated tables").toEqual([]);
  });

  test("the sweep saw real objects, of built-in and of custom kinds", () => {
    for (const k of ["v1/Namespace", "v1/ConfigMap", "v1/ServiceAccount", "rbac.authorization.k8s.io/v1/ClusterRole", "apiextensions.k8s.io/v1/CustomResourceDefinition"]) {
      expect(listedWithItems, k).toContain(k);
    }
    if (cluster.fluxCrds) expect(listedWithItems).toContain("source.toolkit.fluxcd.io/v1/GitRepository");
    expect(listedWithItems.size).toBeGreaterThan(15);
  });
});
