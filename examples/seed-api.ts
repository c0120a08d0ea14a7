/**
 * The seed's API, through the generated SDK's one-line stubs (`coreV1(conn).pods(ns)`, ...):
 * list namespaces; operate on secrets, services, deployments and pods; and get / list /
 * create / patch / delete a namespaced custom object (a Flux GitRepository). Everything
 * happens in a throwaway namespace that is deleted at the end.
 *
 *   KUBECONFIG=<admin kubeconfig> npx bun examples/seed-api.ts
 *
 * The cluster needs the Flux source-controller CRDs (the local control plane installs them);
 * no controller has to run. Secret values are never printed, only their keys.
 */
import { KubeClient, isNotFound, isStatus } from "../src/index.ts";
import { appsV1, type Deployment } from "../generated/k8s/apps/v1/index.ts";
import { coreV1 } from "../generated/k8s/core/v1/index.ts";
import { sourceV1 } from "../generated/flux/source/v1/index.ts";

const kube = await KubeClient.load();
const core = coreV1(kube.connection);
const apps = appsV1(kube.connection);
const source = sourceV1(kube.connection);
const say = (line: string) => console.log(line);
say(`runtime: ${process.versions.bun ? `Bun ${process.versions.bun}` : `Node ${process.versions.node}`}`);

const namespaces = await core.namespaces().list();
say(`namespaces: ${namespaces.items.map((n) => n.metadata?.name).join(", ")}`);

const ns = `seed-api-${Date.now().toString(36)}`;
const labels = { app: "web", "app.kubernetes.io/part-of": "seed-api" };
await core.namespaces().create({ metadata: { name: ns, labels: { "bun-k8s.example": "seed-api" } } });
say(`namespace ${ns}: created`);

try {
  // Secrets: create with stringData, read back (values arrive base64-encoded in data), merge-patch, list by label.
  const secrets = core.secrets(ns);
  await secrets.create({ metadata: { name: "db", labels }, type: "Opaque", stringData: { password: "not-printed" } });
  await secrets.patch("db", { type: "merge", patch: { stringData: { user: "app" } } });
  const secret = await secrets.get("db");
  say(`secret db: type ${secret.type}, keys ${Object.keys(secret.data ?? {}).sort().join(",")}`);
  say(`secrets labelled app=web: ${(await secrets.list({ labelSelector: { app: "web" } })).items.length}`);

  // Services: create (the API server allocates a cluster IP), strategic-merge a second port in.
  const services = core.services(ns);
  const created = await services.create({
    metadata: { name: "web", labels },
    spec: { selector: { app: "web" }, ports: [{ name: "http", port: 80, targetPort: "http" }] },
  });
  say(`service web: cluster IP ${created.spec?.clusterIP ? "allocated" : "missing"}`);
  const patched = await services.patch("web", {
    type: "strategic",
    patch: { spec: { ports: [{ name: "metrics", port: 9090, targetPort: 9090 }] } },
  });
  say(`service web: ports ${(patched.spec?.ports ?? []).map((p) => `${p.name}:${p.port}`).sort().join(",")}`);

  // Deployments: create, scale through the scale subresource, server-side apply a change, list.
  const deployments = apps.deployments(ns);
  const web: Deployment = {
    metadata: { name: "web", labels },
    spec: {
      replicas: 1,
      selector: { matchLabels: { app: "web" } },
      template: {
        metadata: { labels: { app: "web" } },
        spec: { containers: [{ name: "web", image: "nginx:1.27", ports: [{ name: "http", containerPort: 80 }] }] },
      },
    },
  };
  await deployments.create(web);
  const scale = await deployments.scale.set("web", 3);
  say(`deployment web: scale spec.replicas ${scale.spec?.replicas}`);
  const applied = await deployments.apply(
    { apiVersion: "apps/v1", kind: "Deployment", metadata: { name: "web", annotations: { "seed-api/owner": "platform" } } },
    { fieldManager: "seed-api" },
  );
  say(`deployment web: replicas ${applied.spec?.replicas}, annotation owner=${applied.metadata?.annotations?.["seed-api/owner"]}`);
  say(`deployments in ${ns}: ${(await deployments.list()).items.map((d) => d.metadata?.name).join(",")}`);

  // Pods: create one (whether a node runs it does not matter here), JSON-patch a label,
  // find it by label and field selector, list across namespaces, delete it.
  const pods = core.pods(ns);
  await pods.create({ metadata: { name: "debug", labels: { role: "debug" } }, spec: { containers: [{ name: "sh", image: "busybox:1.36" }] } });
  await pods.patch("debug", { type: "json", patch: [{ op: "add", path: "/metadata/labels/tier", value: "tools" }] });
  const found = await pods.list({ labelSelector: { role: "debug", tier: "tools" }, fieldSelector: { "metadata.name": "debug" } });
  const debugLabels = Object.entries(found.items[0]?.metadata?.labels ?? {}).map(([k, v]) => `${k}=${v}`);
  say(`pod debug: found by selectors ${found.items.length}, labels ${debugLabels.sort().join(",")}`);
  const everywhere = await core.pods.all().list({ labelSelector: { role: "debug" } });
  say(`pods labelled role=debug across namespaces, in ${ns}: ${everywhere.items.filter((p) => p.metadata?.namespace === ns).length}`);
  await pods.delete("debug", { gracePeriodSeconds: 0 });
  say(`pod debug: deleted, get gives ${(await pods.getOpt("debug")) === undefined ? "nothing" : "an object"}`);

  // A namespaced custom object: Flux GitRepository.
  const repos = source.gitRepositories(ns);
  await repos.create({
    apiVersion: "source.toolkit.fluxcd.io/v1",
    kind: "GitRepository",
    metadata: { name: "podinfo" },
    spec: { url: "https://github.com/stefanprodan/podinfo", interval: "5m", ref: { branch: "master" } },
  });
  const repo = await repos.get("podinfo");
  say(`gitrepository podinfo: url ${repo.spec?.url}, interval ${repo.spec?.interval}`);
  await repos.patch("podinfo", { type: "merge", patch: { spec: { interval: "1m", suspend: true } } });
  const listed = await repos.list();
  say(`gitrepositories in ${ns}: ${listed.items.map((r) => `${r.metadata?.name} interval=${r.spec?.interval} suspend=${r.spec?.suspend}`).join(",")}`);
  const gone = await repos.delete("podinfo");
  say(`gitrepository podinfo: deleted (${isStatus(gone) ? "status" : "object"}), get gives ${(await repos.getOpt("podinfo")) === undefined ? "nothing" : "an object"}`);

  await services.delete("web");
  await secrets.delete("db");
  await deployments.delete("web", { propagationPolicy: "Background" });
} finally {
  await core
    .namespaces()
    .delete(ns)
    .catch((e: unknown) => {
      if (!isNotFound(e)) throw e;
    });
  say(`namespace ${ns}: deleted`);
  kube.close();
}
