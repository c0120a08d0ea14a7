import { describe, expect, it } from "vitest";
import { ConfigMap } from "../../../generated/k8s/core/v1/index.ts";
import { Deployment } from "../../../generated/k8s/apps/v1/index.ts";
import { api } from "../../../src/api/client.ts";
import { ApiError, ValidationError } from "../../../src/base/errors.ts";
import { applyStatus, findCondition, isConditionTrue, setCondition, type Condition } from "../../../src/controller/conditions.ts";
import { finalizer } from "../../../src/controller/finalizer.ts";
import { FakeCluster } from "./fake-cluster.ts";

const CM = "/api/v1/configmaps";
const NAME = "example.com/cleanup";

function setup(finalizers?: string[]) {
  const cluster = new FakeCluster();
  cluster.seed(CM, { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "a", namespace: "ns", ...(finalizers && { finalizers }) } });
  const client = api(cluster, ConfigMap, { namespace: "ns" });
  const current = () => cluster.get(CM, "ns", "a") as ConfigMap | undefined;
  return { cluster, client, current };
}

describe("finalizer()", () => {
  it("adds the finalizer before the first apply, with a JSON patch conditional on the list as read", async () => {
    const { cluster, client, current } = setup();
    const calls: string[] = [];
    const result = await finalizer(client, NAME, current()!, {
      apply: (o) => (calls.push(`apply ${o.metadata?.finalizers?.join(",")}`), "applied"),
      cleanup: () => (calls.push("cleanup"), "cleaned"),
    });
    expect(result).toBe("applied");
    expect(calls).toEqual([`apply ${NAME}`]);
    expect(current()!.metadata?.finalizers).toEqual([NAME]);
    const patch = cluster.requests.find((r) => r.method === "PATCH")!;
    expect(patch.contentType).toBe("application/json-patch+json");
    expect(patch.body).toEqual([
      { op: "test", path: "/metadata/finalizers", value: null },
      { op: "add", path: "/metadata/finalizers", value: [NAME] },
    ]);
    // Already there: apply only, no write.
    await finalizer(client, NAME, current()!, { apply: () => calls.push("apply again"), cleanup: () => 0 });
    expect(cluster.requests.filter((r) => r.method === "PATCH")).toHaveLength(1);
  });

  it("appends to others' finalizers without clobbering them, and fails if the list changed meanwhile", async () => {
    const { client, current, cluster } = setup(["other.io/keep"]);
    const stale = current()!;
    await finalizer(client, NAME, stale, { apply: () => undefined, cleanup: () => undefined });
    expect(current()!.metadata?.finalizers).toEqual(["other.io/keep", NAME]);
    expect(cluster.requests.at(-1)!.body).toEqual([
      { op: "test", path: "/metadata/finalizers", value: ["other.io/keep"] },
      { op: "add", path: "/metadata/finalizers/-", value: NAME },
    ]);
    // A stale read (the list has changed since): the test op fails, nothing is written, the caller retries.
    const second = setup(["x.io/a"]);
    const old = second.current()!;
    await second.cluster.send({ method: "PATCH", path: "/api/v1/namespaces/ns/configmaps/a", headers: { "Content-Type": "application/merge-patch+json" }, body: '{"metadata":{"finalizers":["x.io/a","y.io/b"]}}' });
    await expect(finalizer(second.client, NAME, old, { apply: () => undefined, cleanup: () => undefined })).rejects.toBeInstanceOf(ApiError);
    expect(second.current()!.metadata?.finalizers).toEqual(["x.io/a", "y.io/b"]);
  });

  it("on deletion runs cleanup, then removes only its own finalizer; a failed cleanup keeps it", async () => {
    const { client, current, cluster } = setup(["other.io/keep", NAME]);
    await cluster.send({ method: "DELETE", path: "/api/v1/namespaces/ns/configmaps/a" });
    expect(current()!.metadata?.deletionTimestamp).toBeDefined();
    await expect(
      finalizer(client, NAME, current()!, {
        apply: () => "no",
        cleanup: () => {
          throw new Error("external system down");
        },
      }),
    ).rejects.toThrow("external system down");
    expect(current()!.metadata?.finalizers).toEqual(["other.io/keep", NAME]);
    const order: string[] = [];
    const result = await finalizer(client, NAME, current()!, {
      apply: () => "no",
      cleanup: (o) => (order.push(`cleanup sees ${o.metadata?.finalizers?.length} finalizers`), "cleaned"),
    });
    expect(result).toBe("cleaned");
    expect(order).toEqual(["cleanup sees 2 finalizers"]);
    expect(current()!.metadata?.finalizers).toEqual(["other.io/keep"]);
    expect(cluster.requests.at(-1)!.body).toEqual([
      { op: "test", path: "/metadata/finalizers/1", value: NAME },
      { op: "remove", path: "/metadata/finalizers/1" },
    ]);
    // Ours gone already: nothing to do.
    expect(await finalizer(client, NAME, current()!, { apply: () => "no", cleanup: () => "again" })).toBeUndefined();
    // The last finalizer gone: the server deletes the object.
    await cluster.send({ method: "PATCH", path: "/api/v1/namespaces/ns/configmaps/a", headers: { "Content-Type": "application/merge-patch+json" }, body: '{"metadata":{"finalizers":null}}' });
    expect(current()).toBeUndefined();
  });

  it("refuses names that are not qualified finalizer names", async () => {
    const { client, current } = setup();
    await expect(finalizer(client, "cleanup", current()!, { apply: () => 0, cleanup: () => 0 })).rejects.toBeInstanceOf(ValidationError);
  });
});

describe("conditions", () => {
  const t0 = new Date(Date.UTC(2026, 0, 1, 0, 0, 0, 500));
  const t1 = new Date(Date.UTC(2026, 0, 1, 0, 5, 0));

  it("moves lastTransitionTime only when the status changes; updates reason, message and observedGeneration", () => {
    const a = setCondition(undefined, { type: "Ready", status: "False", reason: "Waiting", message: "no source", observedGeneration: 1 }, t0);
    expect(a).toEqual([{ type: "Ready", status: "False", observedGeneration: 1, lastTransitionTime: "2026-01-01T00:00:00Z", reason: "Waiting", message: "no source" }]);
    const b = setCondition(a, { type: "Ready", status: "False", reason: "StillWaiting", observedGeneration: 2 }, t1);
    expect(b[0]).toMatchObject({ reason: "StillWaiting", message: "", observedGeneration: 2, lastTransitionTime: "2026-01-01T00:00:00Z" });
    const c = setCondition(b, { type: "Ready", status: "True", reason: "Mirrored", observedGeneration: 2 }, t1);
    expect(c[0]!.lastTransitionTime).toBe("2026-01-01T00:05:00Z");
    const d = setCondition(c, { type: "Degraded", status: "False", reason: "AllGood" }, t1);
    expect(d.map((x) => x.type)).toEqual(["Ready", "Degraded"]);
    expect(a).toHaveLength(1);
    expect(isConditionTrue(d, "Ready")).toBe(true);
    expect(isConditionTrue(d, "Degraded")).toBe(false);
    expect(findCondition(d, "Missing")).toBeUndefined();
  });

  it("rejects reasons, types and statuses the API would reject", () => {
    expect(() => setCondition([], { type: "Ready", status: "True", reason: "has space" })).toThrow(ValidationError);
    expect(() => setCondition([], { type: "", status: "True", reason: "Ok" })).toThrow(ValidationError);
    expect(() => setCondition([], { type: "Ready", status: "Yes" as "True", reason: "Ok" })).toThrow(ValidationError);
    const c: Condition[] = setCondition([], { type: "example.com/Synced", status: "Unknown", reason: "A_b:c,D" });
    expect(c[0]!.type).toBe("example.com/Synced");
  });

  it("applyStatus sends a forced server-side apply to the status subresource as its own field manager", async () => {
    const cluster = new FakeCluster();
    cluster.seed("/apis/apps/v1/deployments", { apiVersion: "apps/v1", kind: "Deployment", metadata: { name: "web", namespace: "ns" }, spec: { replicas: 1 } });
    const deployments = api(cluster, Deployment, { namespace: "ns" });
    const web = (await deployments.get("web"))!;
    const conditions = setCondition(undefined, { type: "Available", status: "True", reason: "Ready" }, t0);
    await applyStatus(deployments, web, { observedGeneration: 1, conditions: conditions as never }, { fieldManager: "my-controller" });
    const sent = cluster.requests.at(-1)!;
    expect(sent.method).toBe("PATCH");
    expect(sent.path).toBe("/apis/apps/v1/namespaces/ns/deployments/web/status");
    expect(sent.contentType).toBe("application/apply-patch+yaml");
    expect(sent.query).toMatchObject({ fieldManager: "my-controller", force: true });
    expect(sent.body).toEqual({ apiVersion: "apps/v1", kind: "Deployment", metadata: { name: "web", namespace: "ns" }, status: { observedGeneration: 1, conditions } });
    expect(cluster.get("/apis/apps/v1/deployments", "ns", "web")!.spec).toEqual({ replicas: 1 });
  });
});
