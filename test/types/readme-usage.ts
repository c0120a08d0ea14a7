/**
 * The README's "Using it" snippets, type-checked so that the README cannot drift from the
 * API. Never executed: `npm run typecheck` compiles it.
 */
import { KubeClient, isNotFound } from "../../src/index.ts";
import { ConfigMap, Namespace, Pod } from "../../generated/k8s/core/v1/index.ts";
import { Deployment } from "../../generated/k8s/apps/v1/index.ts";
import { GitRepository } from "../../generated/flux/source/v1/index.ts";

export async function readmeUsage(signal: AbortSignal): Promise<void> {
  const kube = await KubeClient.load({ context: "staging" });
  const configMaps = kube.api(ConfigMap, { namespace: kube.namespace });

  await configMaps.create({ metadata: { name: "settings" }, data: { colour: "blue" } });
  await configMaps.patch("settings", { type: "merge", patch: { data: { size: "large" } } });
  await configMaps.patch("settings", { type: "json", patch: [{ op: "remove", path: "/data/size" }] });
  await configMaps.apply(
    { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "settings" }, data: { a: "1" } },
    { fieldManager: "me", force: true },
  );
  const maybe: ConfigMap | undefined = await configMaps.getOpt("missing");
  void maybe;
  await configMaps.delete("settings", { propagationPolicy: "Foreground" });

  await kube.api(Namespace).list({ labelSelector: "team=web" });
  const allPods = kube.api(Pod);
  for await (const page of allPods.pages({ limit: 500 })) console.log(page.items.length);

  await kube.api(Deployment, { namespace: "prod" }).scale.set("web", 5);
  for await (const line of kube.api(Pod, { namespace: "prod" }).logStream("web-0", { follow: true })) console.log(line);

  try {
    await configMaps.get("x");
  } catch (e) {
    if (isNotFound(e)) console.log(e.status.reason);
  }

  for await (const ev of configMaps.watch({ allowWatchBookmarks: true, signal })) {
    if (ev.type !== "BOOKMARK") console.log(ev.type, ev.object.metadata?.name);
  }
  for await (const ev of kube.watcher(ConfigMap, { namespace: "prod", labelSelector: "app=web" })) {
    if (ev.type === "SYNCED") console.log(`in sync: ${ev.size} objects via ${ev.mode}`);
  }
  const deployments = kube.informer(Deployment, { namespace: "prod" });
  deployments.on("update", (d) => console.log("changed", d.metadata?.name));
  await deployments.waitForSync();
  await deployments.waitFor("web", (d) => d.status?.availableReplicas === d.spec?.replicas, { timeoutMs: 120_000 });
  const polled = kube.watcher(ConfigMap, { namespace: "prod", mode: "poll", pollIntervalMs: 10_000 });
  void polled;

  const web = await kube.api(Deployment, { namespace: "prod" }).get("web");
  console.log(web.spec?.template.spec?.containers.length);
  await kube.api(Deployment, { namespace: "prod" }).apply(
    { apiVersion: "apps/v1", kind: "Deployment", metadata: { name: "web" }, spec: { replicas: 3 } },
    { fieldManager: "deployer" },
  );
  for await (const repo of kube.api(GitRepository, { namespace: "flux-system" }).items({ limit: 500 })) {
    console.log(repo.metadata?.name, repo.status?.artifact?.revision);
  }
}
