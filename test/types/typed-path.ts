/**
 * Type-level tests of the one typed path from resource to watch: the facade and the runtime
 * take the typed client's own list/watch params, `discover` and the resource table feed
 * `kube.api` directly, table entries keep their verbs, and every Informer can be awaited.
 * Checked by `npm run typecheck`; every @ts-expect-error must hit an error.
 */
import {
  KubeClient,
  SharedInformerFactory,
  api,
  applyConfigurationOf,
  informer,
  poller,
  watcher,
  type DynamicObject,
  type Informer,
  type ResourceClient,
  type Watcher,
} from "../../src/index.ts";
import { resources } from "../../generated/k8s/resources.ts";
import { Deployment } from "../../generated/k8s/apps/v1/index.ts";
import { TokenReview } from "../../generated/k8s/authentication/v1/index.ts";
import { ConfigMap, Namespace, Pod } from "../../generated/k8s/core/v1/index.ts";

declare const kube: KubeClient;

export async function facadeTakesListParams(): Promise<void> {
  // Selectors as objects or strings, limit and timeouts, as list() takes them.
  const byObject: Watcher<Pod> = kube.watcher(Pod, { labelSelector: { app: "web" } });
  const byString = kube.watcher(Pod, { namespace: "prod", labelSelector: "app=web", fieldSelector: { "status.phase": "Running" }, limit: 100, timeoutSeconds: 60 });
  const bySelector = kube.watcher(Pod, { labelSelector: { matchExpressions: [{ key: "tier", operator: "In", values: ["a"] }] } });
  const polled = kube.watcher(ConfigMap, { namespace: "prod", mode: "poll", pollIntervalMs: 5_000, timeoutMs: 10_000 });
  const pods: Informer<Pod> = kube.informer(Pod, { namespace: "prod", labelSelector: { app: "web" } });
  const shared = kube.sharedInformer(Deployment, { fieldSelector: { "metadata.name": "web" } });
  const namespaces = kube.informer(Namespace, { labelSelector: { team: "a" } });
  void [byObject, byString, bySelector, polled, pods, shared, namespaces];

  // @ts-expect-error a selector is a string or an object, not a number
  kube.watcher(Pod, { labelSelector: 3 });
  // @ts-expect-error the page size is `limit`, as in list()
  kube.watcher(Pod, { pageSize: 100 });
  // @ts-expect-error the continue token is not a watcher option
  kube.informer(Pod, { continueToken: "x" });
  // @ts-expect-error a cluster-scoped kind takes no namespace
  kube.watcher(Namespace, { namespace: "prod" });
  // @ts-expect-error TokenReview serves neither list nor watch
  kube.watcher(TokenReview);
  // @ts-expect-error the informer's object type follows the resource
  const wrong: Informer<Deployment> = kube.informer(Pod);
  void wrong;
}

export async function runtimeTakesTypedClients(): Promise<void> {
  const client = api(kube.connection, Pod, { namespace: "prod" });
  const w: Watcher<Pod> = watcher(client, { labelSelector: { app: "web" }, limit: 50 });
  const i: Informer<Pod> = informer(api(kube.connection, Pod), { fieldSelector: "spec.nodeName=n1" });
  const p: Watcher<Pod> = poller(client, { pollIntervalMs: 1_000, labelSelector: { app: "web" } });
  const s: Informer<Pod> = new SharedInformerFactory().informer(client, { labelSelector: "app=web" });
  void [w, i, p, s];
  // @ts-expect-error the runtime takes a typed client, not a path
  watcher("/api/v1/pods");
  // @ts-expect-error nor a connection
  informer(kube.connection, {});
  // @ts-expect-error a client of a kind that cannot be listed is no ListWatchClient
  watcher(api(kube.connection, TokenReview));
}

export async function informersCanBeAwaited(): Promise<void> {
  const pods = kube.sharedInformer(Pod);
  pods.stop();
  const stopped: boolean = pods.stopped;
  await pods.done;
  void stopped;
}

export async function discoveredKindsGoStraightIn(manifest: DynamicObject): Promise<void> {
  const Widget = await kube.discover({ kind: "Widget", group: "example.com" });
  const widgets = kube.api(Widget, { namespace: "default" });
  const w: DynamicObject = await widgets.get("w1");
  await widgets.apply(applyConfigurationOf(Widget, manifest), { fieldManager: "deployer" });
  // @ts-expect-error an object read from YAML may lack apiVersion, kind or name: check it first
  await widgets.apply(manifest, { fieldManager: "deployer" });
  void kube.watcher(Widget, { namespace: "default", labelSelector: { app: "web" } });
  void w;
}

export async function tableEntriesAreExact(): Promise<void> {
  const deployments: ResourceClient<Deployment, "scale" | "status"> = kube.api(resources["apps/v1/Deployment"], { namespace: "prod" });
  await deployments.scale.set("web", 3);
  const configMaps = kube.api(resources["v1/ConfigMap"], { namespace: "prod" });
  // @ts-expect-error a ConfigMap from the table has no scale subresource
  void configMaps.scale;
  const reviews = kube.api(resources["authentication.k8s.io/v1/TokenReview"]);
  // @ts-expect-error a TokenReview from the table is create-only
  await reviews.list();
}
