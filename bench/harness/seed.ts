/**
 * Bench namespaces and their ConfigMaps, created before the cases and removed after. Uses
 * the harness's own tiny HTTPS client (test/support/mini-client.ts), not the SDK under test,
 * so a bug in src/ cannot skew the fixture.
 */
import { miniRequest, type MiniTls } from "../../test/support/mini-client.ts";

export interface SeedTarget {
  server: string;
  tls: MiniTls;
}

async function call(t: SeedTarget, method: string, path: string, body?: unknown): Promise<{ status: number; body: string }> {
  return miniRequest(t.server + path, t.tls, {
    method,
    ...(body !== undefined && { body: JSON.stringify(body) }),
    timeoutMs: 60_000,
  });
}

export async function ensureNamespace(t: SeedTarget, name: string): Promise<void> {
  const res = await call(t, "POST", "/api/v1/namespaces", { apiVersion: "v1", kind: "Namespace", metadata: { name } });
  if (res.status !== 201 && res.status !== 409) throw new Error(`create namespace ${name}: HTTP ${res.status} ${res.body.slice(0, 300)}`);
}

/** A ConfigMap of about 1 KiB as stored (data, labels, managedFields), like a small app config. */
export function benchConfigMap(name: string, index: number): unknown {
  return {
    apiVersion: "v1",
    kind: "ConfigMap",
    metadata: { name, labels: { "app.kubernetes.io/part-of": "bun-k8s-bench", index: String(index) } },
    data: {
      "settings.yaml": `replicas: ${index % 7}\nlogLevel: info\nfeature: ${"abcdefghij".repeat(24)}\n`,
      owner: "platform-team",
    },
  };
}

/**
 * Creates `count` bench ConfigMaps named `${prefix}-<i>` (32 creates in flight; existing ones
 * are kept) and resolves with the namespace's total ConfigMap count, which includes the
 * kube-root-ca.crt that the controller manager publishes into every namespace: the cases
 * expect exactly that many items.
 */
export async function seedConfigMaps(t: SeedTarget, namespace: string, prefix: string, count: number): Promise<number> {
  let next = 0;
  const lane = async () => {
    while (next < count) {
      const i = next++;
      const res = await call(t, "POST", `/api/v1/namespaces/${namespace}/configmaps`, benchConfigMap(`${prefix}-${i}`, i));
      if (res.status !== 201 && res.status !== 409) throw new Error(`seed ${namespace}/${prefix}-${i}: HTTP ${res.status} ${res.body.slice(0, 300)}`);
    }
  };
  await Promise.all(Array.from({ length: 32 }, lane));
  const deadline = Date.now() + 30_000;
  for (;;) {
    const names = await configMapNames(t, namespace);
    const seeded = names.filter((n) => n.startsWith(`${prefix}-`)).length;
    if (seeded < count) throw new Error(`namespace ${namespace} holds ${seeded} bench ConfigMaps after seeding, expected ${count}`);
    if (names.includes("kube-root-ca.crt") || Date.now() > deadline) return names.length;
    await new Promise((r) => setTimeout(r, 250));
  }
}

async function configMapNames(t: SeedTarget, namespace: string): Promise<string[]> {
  const res = await call(t, "GET", `/api/v1/namespaces/${namespace}/configmaps`);
  if (res.status !== 200) throw new Error(`list ${namespace}/configmaps: HTTP ${res.status}`);
  return (JSON.parse(res.body) as { items: { metadata: { name: string } }[] }).items.map((i) => i.metadata.name);
}

export async function deleteNamespace(t: SeedTarget, name: string): Promise<void> {
  const res = await call(t, "DELETE", `/api/v1/namespaces/${name}`);
  if (res.status !== 200 && res.status !== 202 && res.status !== 404) throw new Error(`delete namespace ${name}: HTTP ${res.status}`);
}

/** Resolves true once every namespace is gone, false when `timeoutMs` passed first. */
export async function waitNamespacesGone(t: SeedTarget, names: string[], timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const statuses = await Promise.all(names.map((n) => call(t, "GET", `/api/v1/namespaces/${n}`).then((r) => r.status)));
    if (statuses.every((s) => s === 404)) return true;
    await new Promise((r) => setTimeout(r, 500));
  }
  return false;
}
