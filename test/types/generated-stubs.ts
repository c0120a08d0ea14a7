/**
 * Type-level tests of the generated one-line stubs (`appsV1(conn).deployments("prod")`) and of
 * the resource values' narrowed verbs and `custom` flag. Checked by `npm run typecheck`; every
 * @ts-expect-error must hit an error or tsc fails.
 */
import { api } from "../../src/api/index.ts";
import type { AllNamespacesClient, ResourceClient } from "../../src/api/client-types.ts";
import type { ResourceType, Verb } from "../../src/base/resource.ts";
import type { Connection } from "../../src/connection/types.ts";
import { appsV1, Deployment } from "../../generated/k8s/apps/v1/index.ts";
import { authenticationV1, TokenReview } from "../../generated/k8s/authentication/v1/index.ts";
import { certificatesV1 } from "../../generated/k8s/certificates/v1/index.ts";
import { Binding, ComponentStatus, coreV1, Namespace, Pod } from "../../generated/k8s/core/v1/index.ts";
import { GitRepository, sourceV1 } from "../../generated/flux/source/v1/index.ts";

type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
const assertType = <T extends true>(): T => true as T;

declare const conn: Connection;
const core = coreV1(conn);
const apps = appsV1(conn);

// A stub is exactly what the generic client gives for the same arguments.
assertType<Equal<ReturnType<typeof apps.deployments>, ResourceClient<Deployment, "scale" | "status", Verb>>>();
assertType<Equal<ReturnType<typeof apps.deployments.all>, AllNamespacesClient<Deployment, "scale" | "status", Verb>>>();
assertType<Equal<ReturnType<typeof core.namespaces>, ResourceClient<Namespace, "finalize" | "status", Exclude<Verb, "deletecollection">>>>();

export async function namespacedStubs(): Promise<void> {
  const web: Deployment = await apps.deployments("prod").get("web");
  await apps.deployments("prod").scale.set("web", 3);
  const logs: string = await core.pods("prod").logs("web-0", { container: "web" });
  void web;
  void logs;
  // @ts-expect-error a namespaced stub needs the namespace
  apps.deployments();
  // @ts-expect-error a namespace is a string
  apps.deployments(3);

  // Across namespaces: list and watch only.
  const all = apps.deployments.all();
  const items: Deployment[] = (await all.list()).items;
  void items;
  // @ts-expect-error get needs a namespace: use inNamespace
  await all.get("web");
  await all.inNamespace("prod").get("web");
}

export async function clusterScopedStubs(): Promise<void> {
  const ns: Namespace = await core.namespaces().get("default");
  void ns;
  // @ts-expect-error cluster-scoped kinds take no namespace
  core.namespaces("default");
  // @ts-expect-error cluster-scoped stubs have no across-namespaces form
  core.namespaces.all();
}

// Verbs are narrowed to what the kind serves, so missing verbs are missing methods.
assertType<Equal<typeof TokenReview, ResourceType<TokenReview, false, never, "create">>>();
assertType<Equal<(typeof Binding)["verbs"][number], "create">>();
assertType<Equal<(typeof ComponentStatus)["verbs"][number], "get" | "list">>();
// Kinds serving every verb keep the default (all verbs).
assertType<Equal<typeof Deployment, ResourceType<Deployment, true, "scale" | "status">>>();

export async function narrowedVerbs(): Promise<void> {
  const reviews = authenticationV1(conn).tokenReviews();
  const review: TokenReview = await reviews.create({ spec: { token: "x" } });
  void review;
  // @ts-expect-error TokenReview is create-only: no list
  await reviews.list();
  // @ts-expect-error TokenReview is create-only: no get
  await api(conn, TokenReview).get("x");

  const statuses = core.componentStatuses();
  await statuses.list();
  // @ts-expect-error componentstatuses are read-only
  await statuses.delete("etcd-0");

  // A create-only namespaced kind has no across-namespaces client.
  await core.bindings("prod").create({ metadata: { name: "web-0" }, target: { name: "node-1" } });
  // @ts-expect-error Binding cannot be listed across namespaces
  core.bindings.all();

  const approvals = certificatesV1(conn).certificateSigningRequests();
  await approvals.approval.approve("csr-1");
}

export async function fluxStubs(): Promise<void> {
  const repos = sourceV1(conn).gitRepositories("flux-system");
  await repos.status.patch("podinfo", { type: "merge", patch: { status: { observedGeneration: 2 } } });
  const all = await sourceV1(conn).gitRepositories.all().list();
  const first: GitRepository | undefined = all.items[0];
  void first;
}
