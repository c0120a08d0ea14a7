/**
 * What the control plane needs after /readyz before tests run: RBAC for the restricted
 * user, and the Flux CRDs. Uses the harness's own mini client, not the SDK under test.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import yaml from "js-yaml";
import { miniRequest, type MiniTls } from "../support/mini-client.ts";
import { materialise, readManifest } from "../../specs/materialise.ts";
import { sleep } from "./processes.ts";

async function call(server: string, tls: MiniTls, method: string, path: string, body?: unknown): Promise<string> {
  const res = await miniRequest(server + path, tls, {
    method,
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (res.status >= 300 && res.status !== 409) {
    throw new Error(`bootstrap ${method} ${path} failed: ${res.status} ${res.body.slice(0, 300)}`);
  }
  return res.body;
}

/** Creates `namespace` and lets `user` administer it, and nothing else. */
export async function grantNamespaceAdmin(server: string, tls: MiniTls, namespace: string, user: string) {
  await call(server, tls, "POST", "/api/v1/namespaces", { apiVersion: "v1", kind: "Namespace", metadata: { name: namespace } });
  await call(server, tls, "POST", `/apis/rbac.authorization.k8s.io/v1/namespaces/${namespace}/rolebindings`, {
    apiVersion: "rbac.authorization.k8s.io/v1",
    kind: "RoleBinding",
    metadata: { name: `${user}-admin` },
    roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: "admin" },
    subjects: [{ apiGroup: "rbac.authorization.k8s.io", kind: "User", name: user }],
  });
  // "admin" is an aggregated ClusterRole: its rules appear only once kube-controller-manager
  // has aggregated them, so wait until RBAC really admits the user.
  const deadline = Date.now() + 60_000;
  for (;;) {
    const review = await call(server, tls, "POST", "/apis/authorization.k8s.io/v1/subjectaccessreviews", {
      apiVersion: "authorization.k8s.io/v1",
      kind: "SubjectAccessReview",
      spec: { user, resourceAttributes: { namespace, verb: "list", resource: "configmaps" } },
    });
    if ((JSON.parse(review) as { status?: { allowed?: boolean } }).status?.allowed) return;
    if (Date.now() > deadline) throw new Error(`RBAC did not admit ${user} into ${namespace} within 60 s`);
    await sleep(200);
  }
}

/**
 * The Flux CRD files pinned in specs/manifest.json, verified against their sha256: from the
 * controllers' Go modules (materialised into specs/cache/) or, where the manifest says the
 * module could not be had, read in place from ../shared/specs/flux.
 */
export async function fluxCrdFiles(log: (line: string) => void = () => {}): Promise<{ files: string[]; origins: string[] }> {
  const inputs = await materialise(await readManifest(), { log });
  const files = inputs.fluxDirs.flatMap((d) => d.files.map((f) => join(d.dir, f)));
  const origins = inputs.fluxDirs.map((d) => `${d.controller}@${d.version} from ${d.dir.endsWith(join("shared", "specs", "flux")) ? "../shared" : "Go module"}`);
  return { files, origins };
}

interface Crd {
  kind?: string;
  metadata?: { name?: string };
  spec?: { group?: string; names?: { plural?: string }; versions?: { name: string; served?: boolean }[] };
}

/** Installs every CRD in `files` and waits until each is Established and served. */
export async function installCrds(server: string, tls: MiniTls, files: string[]): Promise<string[]> {
  const names: string[] = [];
  const listPaths: string[] = [];
  for (const file of files) {
    for (const doc of yaml.loadAll(readFileSync(file, "utf8")) as Crd[]) {
      if (doc?.kind !== "CustomResourceDefinition" || !doc.metadata?.name) continue;
      await call(server, tls, "POST", "/apis/apiextensions.k8s.io/v1/customresourcedefinitions", doc);
      names.push(doc.metadata.name);
      for (const v of doc.spec?.versions ?? []) {
        if (v.served !== false) listPaths.push(`/apis/${doc.spec?.group}/${v.name}/${doc.spec?.names?.plural}`);
      }
    }
  }
  const deadline = Date.now() + 60_000;
  for (const name of names) {
    for (;;) {
      const body = await call(server, tls, "GET", `/apis/apiextensions.k8s.io/v1/customresourcedefinitions/${name}`);
      const conditions = (JSON.parse(body).status?.conditions ?? []) as { type: string; status: string }[];
      if (conditions.some((c) => c.type === "Established" && c.status === "True")) break;
      if (Date.now() > deadline) throw new Error(`CRD ${name} not Established after 60 s`);
      await sleep(100);
    }
  }
  // Established is not yet serving: a new CRD's storage answers 429 for a moment.
  for (const path of listPaths) {
    while ((await miniRequest(server + path + "?limit=1", tls)).status !== 200) {
      if (Date.now() > deadline) throw new Error(`${path} not served 60 s after its CRD was created`);
      await sleep(100);
    }
  }
  return names;
}

/** Creates Node objects with `annotations` (kwok manages nodes it finds by annotation). */
export async function registerNodes(server: string, tls: MiniTls, names: string[], annotations: Record<string, string>): Promise<void> {
  for (const name of names) {
    await call(server, tls, "POST", "/api/v1/nodes", {
      apiVersion: "v1",
      kind: "Node",
      metadata: {
        name,
        annotations,
        labels: { "kubernetes.io/hostname": name, "kubernetes.io/os": "linux", "kubernetes.io/arch": "amd64", type: "kwok" },
      },
    });
  }
}

interface NodeStatus {
  spec?: { taints?: { key: string }[] };
  status?: { conditions?: { type: string; status: string }[] };
}

/**
 * Waits until every node is Ready and untainted: the API server taints a new node
 * not-ready, and kube-controller-manager lifts that once the node reports Ready.
 */
export async function waitForNodesReady(server: string, tls: MiniTls, names: string[], timeoutMs: number, diagnostics: () => string) {
  const deadline = Date.now() + timeoutMs;
  for (const name of names) {
    for (;;) {
      const node = JSON.parse(await call(server, tls, "GET", `/api/v1/nodes/${name}`)) as NodeStatus;
      const ready = node.status?.conditions?.some((c) => c.type === "Ready" && c.status === "True");
      if (ready && (node.spec?.taints ?? []).length === 0) break;
      if (Date.now() > deadline) throw new Error(`node ${name} not Ready and untainted after ${timeoutMs / 1000} s:\n${diagnostics()}`);
      await sleep(200);
    }
  }
}
