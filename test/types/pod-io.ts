/**
 * Type-level tests of pod I/O, the proxy helper and the wait conditions against real
 * generated kinds. Compiled by `npx tsc -p tsconfig.json --noEmit`, never run. Each
 * @ts-expect-error must stay an error.
 */
import { api, waitCondition, deleted, deploymentComplete, jobComplete, podReady, type HttpResponse, type KubeClient } from "../../src/index.ts";
import { attach, copyToPod, exec, ExecError, listenPortForward, openExec, openPortForward, type ExecOutput } from "../../src/pod-io/index.ts";
import type { Connection } from "../../src/connection/types.ts";
import { Deployment } from "../../generated/k8s/apps/v1/index.ts";
import { Job } from "../../generated/k8s/batch/v1/index.ts";
import { ConfigMap, Namespace, Node, Pod, Service } from "../../generated/k8s/core/v1/index.ts";

declare const conn: Connection;
declare const kube: KubeClient;

export async function podIo(): Promise<void> {
  const pods = api(conn, Pod, { namespace: "default" });
  const text: ExecOutput<string> = await exec(pods, "web", ["ls"]);
  const bytes: ExecOutput<Uint8Array> = await exec(pods, "web", ["cat", "f"], { output: "bytes" });
  void text;
  void bytes;
  const proc = await openExec(pods, "web", ["sh"], { stdin: true, tty: true });
  await proc.resize({ width: 80, height: 24 });
  await attach(pods, "web");
  await openPortForward(pods, "web", 8080);
  await listenPortForward(pods, "web", [8080, { remote: 9090, local: 19090 }]);
  await copyToPod(pods, "web", "./dir", "/tmp/dir");
  try {
    await exec(pods, "web", ["false"]);
  } catch (e) {
    if (e instanceof ExecError) {
      const code: number | undefined = e.exitCode;
      void code;
    }
  }

  const deployments = api(conn, Deployment, { namespace: "default" });
  // @ts-expect-error Deployments serve no exec subresource
  await exec(deployments, "web", ["ls"]);
  // @ts-expect-error ...nor portforward
  await openPortForward(deployments, "web", 80);
  const configMaps = api(conn, ConfigMap, { namespace: "default" });
  // @ts-expect-error ...and ConfigMaps no attach
  await attach(configMaps, "x");
  // @ts-expect-error the command is an array of arguments, not a string
  await exec(pods, "web", "ls -l");
}

export async function proxyHelpers(): Promise<void> {
  const viaPod: HttpResponse = await api(conn, Pod, { namespace: "default" }).proxy("web", { port: 8080, path: "/healthz" });
  const viaService: HttpResponse = await api(conn, Service, { namespace: "default" }).proxy("web", { port: "http" });
  const viaNode: HttpResponse = await api(conn, Node).proxy("node-1", { path: "/metrics" });
  void viaPod;
  void viaService;
  void viaNode;
  // @ts-expect-error ConfigMaps serve no proxy subresource
  await api(conn, ConfigMap, { namespace: "default" }).proxy("x");
}

export async function waits(): Promise<void> {
  const web: Deployment | undefined = await kube.wait(Deployment, "web", deploymentComplete(), { namespace: "prod", timeoutMs: 1000 });
  const job: Job | undefined = await kube.wait(Job, "migrate", jobComplete(), { namespace: "prod" });
  await kube.wait(Namespace, "scratch", deleted("uid-1"));
  void web;
  void job;
  const inf = kube.informer(Deployment, { namespace: "prod" });
  const ready: Deployment = await inf.waitFor("web", deploymentComplete());
  void ready;
  // The stock conditions read a slice of the object, so every field is optional and any kind
  // fits them; one written over a whole generated kind is held to it.
  const pod: Pod | undefined = await kube.wait(Pod, "solo", podReady(), { namespace: "prod" });
  void pod;
  const running = waitCondition("it to run", (p: Pod | undefined) => p?.status?.phase === "Running");
  await kube.wait(Pod, "solo", running, { namespace: "prod" });
  // @ts-expect-error a condition over Pods does not fit a Deployment
  await kube.wait(Deployment, "web", running, { namespace: "prod" });
}
