/**
 * npm run controlplane:modules | controlplane:build | cluster:up | cluster:down | demo
 *
 *   modules  prepares the patched Go modules go.mod replaces into, then `go mod download`
 *            (run it before any go command in test/controlplane on a fresh clone)
 *   build    builds (or finds cached) control-plane binaries and prints the timing
 *   up       starts a control plane that outlives this command and prints its kubeconfigs
 *            (with the Flux controllers when built or BUN_K8S_FLUX=1; BUN_K8S_FLUX=0: without)
 *   down     stops the control plane `up` started and removes its files
 *   demo     starts a control plane, runs examples/demo.ts against it on Bun, stops it
 *   hold     starts a control plane tied to this process, prints {dir, pids} as JSON, and waits
 *            (the contract suite kills it to prove nothing is left behind)
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { buildControlPlane, moduleDir, repoRoot } from "./build.ts";
import { startFluxFor } from "../flux/launcher.ts";
import { ControlPlane, STOP_ORDER } from "./launcher.ts";
import { preparePatchedModules } from "./patched-modules.ts";
import { stopPid } from "./processes.ts";

const stateFile = join(repoRoot, ".cache", "cluster", "state.json");
const log = (line: string) => console.log(`[controlplane] ${line}`);

async function up(): Promise<void> {
  if (existsSync(stateFile)) {
    console.error(`a control plane is already up (${stateFile}); run npm run cluster:down first`);
    process.exit(1);
  }
  const cp = await ControlPlane.start({ detach: true, log });
  const flux = await startFluxFor(cp.info, { detach: true, log }).catch(async (error: unknown) => {
    await cp.stop();
    throw error;
  });
  cp.info.flux = flux?.info;
  mkdirSync(join(repoRoot, ".cache", "cluster"), { recursive: true });
  writeFileSync(stateFile, JSON.stringify({ dir: cp.info.dir, pids: cp.pids(), fluxPids: flux?.pids(), info: cp.info }, null, 2));
  console.log(`\nkube-apiserver ${cp.info.expectedVersion} at ${cp.info.server}`);
  console.log("kubeconfigs:");
  for (const [name, path] of Object.entries(cp.info.kubeconfigs)) console.log(`  ${name.padEnd(11)} ${path}`);
  console.log(`RSS: ${rssLine(cp.memory())}`);
  if (cp.info.nodes) console.log(`nodes: ${cp.info.nodes.names.join(", ")}; pods' exec folders and logs under ${cp.info.nodes.podsDir}`);
  if (flux) {
    const f = flux.info;
    console.log(`Flux controllers: ${Object.entries(f.versions).map(([k, v]) => `${k} ${v}`).join(", ")}`);
    console.log(`  RSS         ${rssLine(flux.memory())}`);
    console.log(`  Git server  ${f.git.url}/<path>.git (user ${f.git.username}, password in ${stateFile}, CA ${f.git.caFile})`);
    console.log(`  Helm repo   ${f.helm.url} (files in ${f.helm.dir})`);
  }
  console.log(`\ntry: KUBECONFIG=${cp.info.kubeconfigs.admin} ${cp.info.kubectl} get namespaces`);
  console.log("stop: npm run cluster:down");
}

async function down(): Promise<void> {
  if (!existsSync(stateFile)) {
    console.log("no control plane is up");
    return;
  }
  const state = JSON.parse(readFileSync(stateFile, "utf8")) as { dir: string; pids: Record<string, number>; fluxPids?: Record<string, number> };
  for (const pid of Object.values(state.fluxPids ?? {})) await stopPid(pid);
  for (const name of STOP_ORDER) {
    const pid = state.pids[name];
    if (pid) await stopPid(pid);
  }
  rmSync(state.dir, { recursive: true, force: true });
  rmSync(stateFile, { force: true });
  console.log("control plane stopped");
}

async function demo(): Promise<void> {
  const cp = await ControlPlane.start({ log });
  // The demo's GitOps loop runs against these controllers (they reconcile everything here).
  const flux = await startFluxFor(cp.info, { log }).catch(async (error: unknown) => {
    await cp.stop();
    throw error;
  });
  if (flux) {
    log(`Flux controllers ready (${Object.entries(flux.info.versions).map(([k, v]) => `${k} ${v}`).join(", ")}), Git server ${flux.info.git.url}`);
    log(`RSS: ${rssLine({ ...cp.memory(), ...flux.memory() })}`);
  }
  const stopAll = async () => {
    if (flux) log(`Flux RSS after the demo: ${rssLine(flux.memory())}`);
    await flux?.stop();
    await cp.stop();
  };
  const stop = () => void stopAll().then(() => process.exit(130));
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
  let status = 1;
  try {
    const bun = join(repoRoot, "node_modules", ".bin", "bun");
    const result = spawnSync(bun, [join(repoRoot, "examples", "demo.ts")], {
      stdio: "inherit",
      env: {
        ...process.env,
        KUBECONFIG: cp.info.kubeconfigs.admin,
        ...(flux ? { BUN_K8S_DEMO_GIT: JSON.stringify(flux.info.git) } : {}),
      },
    });
    status = result.status ?? 1;
  } finally {
    await stopAll();
  }
  process.exit(status);
}

/** "name 12 MiB, ..." for the resident memory of the processes we started. */
function rssLine(memory: Record<string, number>): string {
  return Object.entries(memory).map(([name, bytes]) => `${name} ${(bytes / 1048576).toFixed(0)} MiB`).join(", ");
}

const command = process.argv[2];
if (command === "modules") {
  preparePatchedModules(moduleDir, repoRoot, log);
  const download = spawnSync("go", ["mod", "download"], { cwd: moduleDir, stdio: "inherit" });
  process.exit(download.status ?? 1);
} else if (command === "build") {
  const result = buildControlPlane(log);
  const groups = Object.fromEntries(Object.entries(result.groupSeconds).map(([k, v]) => [k, Number(v.toFixed(1))]));
  console.log(JSON.stringify({ version: result.version, built: result.built, seconds: Number(result.seconds.toFixed(1)), groups }));
} else if (command === "up") await up();
else if (command === "down") await down();
else if (command === "demo") await demo();
else if (command === "hold") {
  const cp = await ControlPlane.start({ installFluxCrds: false });
  console.log(JSON.stringify({ dir: cp.info.dir, pids: cp.pids() }));
  setInterval(() => {}, 60_000);
}
else {
  console.error("usage: cli.ts modules|build|up|down|demo|hold");
  process.exit(2);
}
