/**
 * Type-level tests of the generic client against real generated kinds. Compiled by
 * `npx tsc -p tsconfig.json --noEmit`, never run. Each @ts-expect-error must stay an error.
 */
import { api, type ApplyConfiguration } from "../../src/index.ts";
import type { Connection } from "../../src/connection/types.ts";
import { Deployment, StatefulSet } from "../../generated/k8s/apps/v1/index.ts";
import { ConfigMap, Namespace, Node, Pod, ServiceAccount } from "../../generated/k8s/core/v1/index.ts";
import { CertificateSigningRequest } from "../../generated/k8s/certificates/v1/index.ts";
import { GitRepository } from "../../generated/flux/source/v1/index.ts";
import type { Status } from "../../src/base/errors.ts";

declare const conn: Connection;

export async function namespacedKinds(): Promise<void> {
  const deployments = api(conn, Deployment, { namespace: "prod" });

  // get is typed as the generated object; spec.template is required there.
  const web: Deployment = await deployments.get("web");
  const replicas: number | undefined = web.spec?.replicas;
  const maybe: Deployment | undefined = await deployments.getOpt("web");
  void replicas;
  void maybe;

  const list = await deployments.list({ labelSelector: { app: "web" }, limit: 500 });
  const first: Deployment | undefined = list.items[0];
  void first;
  for await (const page of deployments.pages({ limit: 500 })) void page.items.length;
  for await (const d of deployments.items()) void d.metadata?.name;

  await deployments.patch("web", { type: "merge", patch: { spec: { replicas: 2 } } });
  await deployments.patch("web", { type: "json", patch: [{ op: "replace", path: "/spec/replicas", value: 2 }] });
  await deployments.patch("web", { type: "merge", patch: { metadata: { labels: null } } });
  // @ts-expect-error a merge patch keeps field types: replicas is a number
  await deployments.patch("web", { type: "merge", patch: { spec: { replicas: "two" } } });
  // @ts-expect-error unknown patch type
  await deployments.patch("web", { type: "yaml", patch: {} });

  const deleted: Deployment | Status = await deployments.delete("web", { propagationPolicy: "Foreground" });
  void deleted;
  // @ts-expect-error propagationPolicy is a closed set
  await deployments.delete("web", { propagationPolicy: "Cascade" });
  await deployments.deleteCollection({ labelSelector: "x=y" });

  for await (const ev of deployments.watch({ resourceVersion: "1" })) {
    if (ev.type !== "BOOKMARK") void (ev.object satisfies Deployment);
  }

  await deployments.status.get("web");
  await deployments.status.patch("web", { type: "merge", patch: { status: { replicas: 1 } } });
  const scale = await deployments.scale.get("web");
  void scale.spec?.replicas;
  await deployments.scale.set("web", 3);
}

export async function createNeedsRequiredFields(): Promise<void> {
  const deployments = api(conn, Deployment, { namespace: "prod" });
  // A Deployment's spec requires selector and template (as the OpenAPI spec says).
  // @ts-expect-error missing spec.template
  await deployments.create({ metadata: { name: "web" }, spec: { selector: {} } });
  await deployments.create({ metadata: { name: "web" }, spec: { selector: {}, template: {} } });
}

export async function applyConfigurations(): Promise<void> {
  const deployments = api(conn, Deployment, { namespace: "prod" });
  await deployments.apply(
    { apiVersion: "apps/v1", kind: "Deployment", metadata: { name: "web" }, spec: { replicas: 3 } },
    { fieldManager: "me", force: true },
  );
  // Deep partial: a spec without the required selector/template is a fine apply configuration.
  const partial: ApplyConfiguration<Deployment> = {
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: { name: "web", labels: { a: "b" } },
    spec: { template: { spec: { containers: [{ image: "nginx:2" }] } } },
  };
  await deployments.apply(partial, { fieldManager: "me" });

  // @ts-expect-error wrong kind: a StatefulSet configuration through the Deployment client
  await deployments.apply({ apiVersion: "apps/v1", kind: "StatefulSet", metadata: { name: "web" } }, { fieldManager: "me" });
  const sts: ApplyConfiguration<StatefulSet> = { apiVersion: "apps/v1", kind: "StatefulSet", metadata: { name: "db" } };
  // @ts-expect-error wrong kind via a typed value
  await deployments.apply(sts, { fieldManager: "me" });
  // @ts-expect-error wrong apiVersion
  await deployments.apply({ apiVersion: "apps/v1beta1", kind: "Deployment", metadata: { name: "web" } }, { fieldManager: "me" });
  // @ts-expect-error missing apiVersion
  await deployments.apply({ kind: "Deployment", metadata: { name: "web" } }, { fieldManager: "me" });
  // @ts-expect-error missing kind
  await deployments.apply({ apiVersion: "apps/v1", metadata: { name: "web" } }, { fieldManager: "me" });
  // @ts-expect-error missing metadata.name
  await deployments.apply({ apiVersion: "apps/v1", kind: "Deployment", metadata: { labels: {} } }, { fieldManager: "me" });
  // @ts-expect-error missing metadata altogether
  await deployments.apply({ apiVersion: "apps/v1", kind: "Deployment" }, { fieldManager: "me" });
  // @ts-expect-error fieldManager is required for apply
  await deployments.apply({ apiVersion: "apps/v1", kind: "Deployment", metadata: { name: "web" } }, {});
  // @ts-expect-error unknown field in an apply configuration
  await deployments.apply({ apiVersion: "apps/v1", kind: "Deployment", metadata: { name: "web" }, spec: { replica: 3 } }, { fieldManager: "me" });

  const repos = api(conn, GitRepository, { namespace: "flux-system" });
  await repos.apply(
    { apiVersion: "source.toolkit.fluxcd.io/v1", kind: "GitRepository", metadata: { name: "podinfo" }, spec: { interval: "1m" } },
    { fieldManager: "flux-test" },
  );
  // @ts-expect-error a Flux kind keeps its own apiVersion literal
  await repos.apply({ apiVersion: "source.toolkit.fluxcd.io/v1beta2", kind: "GitRepository", metadata: { name: "p" } }, { fieldManager: "x" });
  await repos.status.apply(
    { apiVersion: "source.toolkit.fluxcd.io/v1", kind: "GitRepository", metadata: { name: "podinfo" }, status: {} },
    { fieldManager: "flux-test" },
  );
}

export async function scopes(): Promise<void> {
  const namespaces = api(conn, Namespace);
  await namespaces.get("prod");
  // @ts-expect-error cluster-scoped kinds take no namespace
  api(conn, Namespace, { namespace: "prod" });
  // @ts-expect-error cluster-scoped kinds take no namespace (Node)
  api(conn, Node, { namespace: "default" });

  // A namespaced kind without a namespace lists and watches across all namespaces...
  const allPods = api(conn, Pod);
  await allPods.list({ fieldSelector: { "spec.nodeName": "n1" } });
  for await (const ev of allPods.watch()) void ev.type;
  // @ts-expect-error ...but single-object verbs need a namespace
  await allPods.get("p");
  // @ts-expect-error ...and so does create
  await allPods.create({ metadata: { name: "p" } });
  await allPods.inNamespace("default").get("p");
}

export async function subresources(): Promise<void> {
  const configMaps = api(conn, ConfigMap, { namespace: "default" });
  // @ts-expect-error ConfigMap has no scale subresource
  await configMaps.scale.get("c");
  // @ts-expect-error ConfigMap has no status subresource
  await configMaps.status.get("c");
  // @ts-expect-error logs are a pods/log subresource
  await configMaps.logs("c");

  const pods = api(conn, Pod, { namespace: "default" });
  const text: string = await pods.logs("p", { container: "app", tailLines: 10 });
  void text;
  for await (const line of pods.logStream("p", { follow: true })) void (line satisfies string);
  await pods.evict("p", { gracePeriodSeconds: 0 });
  await pods.bind("p", { name: "node-1" });
  await pods.ephemeralContainers.get("p");
  await pods.resize.patch("p", { type: "strategic", patch: { spec: { containers: [{ name: "app" }] } } });
  // @ts-expect-error pods have no scale subresource
  await pods.scale.get("p");
  // @ts-expect-error createToken is a serviceaccounts/token subresource
  await pods.createToken("p");

  const sas = api(conn, ServiceAccount, { namespace: "default" });
  const token = await sas.createToken("builder", { audiences: ["vault"], expirationSeconds: 3600 });
  void (token.status?.token satisfies string | undefined);

  const csrs = api(conn, CertificateSigningRequest);
  await csrs.approval.approve("csr-1", { reason: "Test" });
  // @ts-expect-error approval is a CSR subresource
  await pods.approval.approve("p");
}
