/**
 * The value types against the real API server (issue 15, "Types exact to the API"): quantities
 * written as numbers come back as the server's canonical strings (what `Quantity` promises on
 * read), enum fields come back as one of the recovered values, and a CRD schema written with
 * the real `JSONSchemaProps` unions (items, additionalProperties, preserve-unknown-fields) is
 * stored as written and serves any JSON value where it keeps unknown fields.
 */
import { afterAll, beforeAll, describe, expect, inject, test } from "vitest";
import { KubeClient } from "../../src/client/kube-client.ts";
import type { Writable } from "../../src/base/value-types.ts";
import { crdEstablished } from "../../src/runtime/conditions.ts";
import { Namespace, ResourceQuota, Service } from "../../generated/k8s/core/v1/index.ts";
import { CustomResourceDefinition } from "../../generated/k8s/apiextensions/v1/index.ts";
import type { JSONSchemaProps } from "../../generated/k8s/apiextensions/v1/index.ts";
import { dynamicResource } from "../../src/api/dynamic.ts";

const cluster = inject("cluster");
const suffix = Math.random().toString(36).slice(2, 7);
const ns = `exact-${suffix}`;
const group = `exact${suffix}.example.com`;
let kube: KubeClient;

beforeAll(async () => {
  kube = await KubeClient.load({ kubeconfigPath: cluster.kubeconfigs.admin });
  await kube.api(Namespace).create({ metadata: { name: ns } });
});
afterAll(async () => {
  await kube?.api(Namespace).delete(ns).catch(() => undefined);
  await kube?.api(CustomResourceDefinition).delete(`things.${group}`).catch(() => undefined);
  kube?.close();
});

describe(`exact value types (${cluster.mode} cluster)`, () => {
  test("quantities written as numbers are read back as the server's canonical strings", async () => {
    const quota: Writable<ResourceQuota> = {
      metadata: { name: "q" },
      spec: { hard: { cpu: 2, memory: 1073741824, pods: 10, "requests.cpu": 0.5, "limits.memory": "512Mi" } },
    };
    const created = await kube.api(ResourceQuota, { namespace: ns }).create(quota);
    // A number keeps its decimal format: 1073741824, not 1Gi (canonical form of a decimal quantity).
    expect(created.spec?.hard).toEqual({ cpu: "2", memory: "1073741824", pods: "10", "requests.cpu": "500m", "limits.memory": "512Mi" });
    const read = await kube.api(ResourceQuota, { namespace: ns }).get("q");
    expect(Object.values(read.spec?.hard ?? {}).map((q) => typeof q)).toEqual(["string", "string", "string", "string", "string"]);
  });

  test("enum fields come back as one of the recovered values", async () => {
    const created = await kube.api(Service, { namespace: ns }).create({
      metadata: { name: "s" },
      spec: { type: "NodePort", ports: [{ port: 80, protocol: "UDP" }], sessionAffinity: "ClientIP", externalTrafficPolicy: "Local" },
    });
    // The server fills the enum fields we left out (ipFamilyPolicy, internalTrafficPolicy) with known values.
    expect(created.spec?.type).toBe("NodePort");
    expect(created.spec?.ports?.[0]?.protocol).toBe("UDP");
    expect(created.spec?.sessionAffinity).toBe("ClientIP");
    expect(["SingleStack", "PreferDualStack", "RequireDualStack"]).toContain(created.spec?.ipFamilyPolicy);
    expect(["Cluster", "Local"]).toContain(created.spec?.internalTrafficPolicy);
    expect(created.spec?.externalTrafficPolicy).toBe("Local");
  });

  test("a CRD schema written with the JSONSchemaProps unions is stored as written; preserve-unknown-fields takes any JSON", async () => {
    const spec: JSONSchemaProps = {
      type: "object",
      properties: {
        tags: { type: "array", items: { type: "string" } },
        limits: { type: "object", additionalProperties: { type: "integer" } },
        anything: { "x-kubernetes-preserve-unknown-fields": true },
        mode: { type: "string", enum: ["a", "b"], default: "a" },
      },
    };
    await kube.api(CustomResourceDefinition).create({
      metadata: { name: `things.${group}` },
      spec: {
        group,
        names: { kind: "Thing", plural: "things", singular: "thing", listKind: "ThingList" },
        scope: "Namespaced",
        versions: [{ name: "v1", served: true, storage: true, schema: { openAPIV3Schema: { type: "object", properties: { spec } } } }],
      },
    });
    const established = await kube.wait(CustomResourceDefinition, `things.${group}`, crdEstablished(), { timeoutMs: 60_000 });
    expect(established?.spec.versions[0]?.schema?.openAPIV3Schema?.properties?.spec).toEqual(spec);
    const things = kube.api(dynamicResource({ group, version: "v1", kind: "Thing", plural: "things", namespaced: true }), { namespace: ns });
    for (const [name, anything] of [["list", [1, "two", { three: null }]], ["scalar", "text"], ["number", 4.5], ["object", { deep: { a: [true] } }]] as const) {
      const made = await things.create({ apiVersion: `${group}/v1`, kind: "Thing", metadata: { name }, spec: { anything, tags: ["x"], limits: { cpu: 3 } } });
      expect(made.spec).toEqual({ anything, tags: ["x"], limits: { cpu: 3 }, mode: "a" });
    }
  });
});
