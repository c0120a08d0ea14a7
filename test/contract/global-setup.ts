/**
 * vitest globalSetup for the contract suite: starts the local control plane once per run
 * (or uses the cluster named by BUN_K8S_TEST_KUBECONFIG) and provides its ClusterInfo.
 */
import { createServer, type Server } from "node:http";
import type { TestProject } from "vitest/node";
import { ControlPlane } from "../controlplane/launcher.ts";
import { REAL_FLUX_SELECTOR, startFluxFor, type FluxControllers } from "../flux/launcher.ts";
import { prepareExternalCluster } from "../support/external-cluster.ts";

const runtime = "Bun" in globalThis ? "bun" : "Deno" in globalThis ? "deno" : "node";
const log = (line: string) => console.log(`[controlplane:${runtime}] ${line}`);

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const external = process.env.BUN_K8S_TEST_KUBECONFIG;
  if (external) {
    const { info, cleanup } = await prepareExternalCluster(external);
    log(`using the existing cluster at ${info.server} (BUN_K8S_TEST_KUBECONFIG)`);
    project.provide("cluster", info);
    return cleanup;
  }
  const cp = await ControlPlane.start({ log });
  let flux: FluxControllers | undefined;
  try {
    flux = await startFluxFor(cp.info, { log, watchLabelSelector: REAL_FLUX_SELECTOR });
  } catch (error) {
    await cp.stop();
    throw error;
  }
  cp.info.flux = flux?.info;
  const control = await startControlServer(cp);
  const address = control.address();
  cp.info.controlUrl = `http://127.0.0.1:${typeof address === "object" && address ? address.port : 0}`;
  const mib = (n: number) => `${(n / 1048576).toFixed(0)} MiB`;
  const memory = cp.memory();
  log(
    `${cp.info.expectedVersion}: build ${cp.timings.built ? `${cp.timings.buildSeconds.toFixed(1)} s` : "cached"}, ` +
      `start to /readyz ${cp.timings.startToReadySeconds.toFixed(1)} s, bootstrap ${cp.timings.bootstrapSeconds.toFixed(1)} s, ` +
      (cp.info.nodes ? `${cp.info.nodes.names.length} kwok nodes Ready ${cp.timings.nodesSeconds.toFixed(1)} s, ` : "no nodes, ") +
      `RSS ${Object.entries(memory).map(([k, v]) => `${k} ${mib(v)}`).join(", ")}`,
  );
  if (flux) {
    const f = flux.info;
    log(
      `Flux ${Object.entries(f.versions).map(([k, v]) => `${k} ${v}`).join(", ")}: ` +
        `${f.buildSeconds === undefined ? "cached" : `build ${f.buildSeconds.toFixed(1)} s`}, ready after ${f.startSeconds.toFixed(1)} s, ` +
        `RSS ${Object.entries(flux.memory()).map(([k, v]) => `${k} ${mib(v)}`).join(", ")}`,
    );
  }
  project.provide("cluster", cp.info);
  const stop = async () => {
    control.close();
    if (flux) log(`Flux RSS after the run: ${Object.entries(flux.memory()).map(([k, v]) => `${k} ${mib(v)}`).join(", ")}`);
    await flux?.stop();
    await cp.stop();
  };
  const onSignal = () => void stop().finally(() => process.exit(130));
  process.once("SIGINT", onSignal);
  process.once("SIGTERM", onSignal);
  return async () => {
    process.off("SIGINT", onSignal);
    process.off("SIGTERM", onSignal);
    await stop();
  };
}

/**
 * A loopback endpoint through which test files (in worker processes) ask this process,
 * which owns the control plane, to restart kube-apiserver.
 */
function startControlServer(cp: ControlPlane): Promise<Server> {
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    const reply = (status: number, body: unknown) => {
      res.writeHead(status, { "content-type": "application/json" });
      res.end(JSON.stringify(body));
    };
    const actions: Record<string, () => Promise<unknown>> = {
      "/apiserver/restart": () =>
        cp.restartApiserver({ etcdCompactionInterval: url.searchParams.get("etcdCompactionInterval") ?? undefined }),
      "/apiserver/stop": () => cp.stopApiserver(),
      "/apiserver/start": () => cp.resumeApiserver(),
      "/memory": async () => cp.memory(),
    };
    const action = actions[url.pathname];
    if (req.method !== "POST" || !action) return reply(404, { error: "unknown control action" });
    action().then(
      (result) => reply(200, { ok: true, result: result ?? null }),
      (error: unknown) => reply(500, { ok: false, error: String(error) }),
    );
  });
  return new Promise((resolve) => server.listen(0, "127.0.0.1", () => resolve(server)));
}
