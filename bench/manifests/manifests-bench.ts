/**
 * What bun-k8s/manifests costs, on one runtime, against a running cluster (KUBECONFIG):
 *   - parse and print: the pinned Flux CRDs (a ~1 MB release bundle) and a 500-object file;
 *   - apply N objects (created), apply them again (unchanged), change half (configured);
 *   - diff the batch (dry-run apply + managed-fields ownership per object);
 *   - prune half the batch through an ApplySet;
 *   - kubectl (built with the control plane) doing the same apply and diff, for scale.
 * Prints one JSON object. Run both runtimes with bench/manifests/run.sh.
 */
import { execFileSync } from "node:child_process";
import { readdirSync, readFileSync, writeFileSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { KubeClient } from "../../src/index.ts";
import { applyManifests, diffManifests, dumpManifests, parseManifests } from "../../src/manifests/index.ts";
import { Namespace } from "../../generated/k8s/core/v1/index.ts";

const N = Number(process.env.BENCH_OBJECTS ?? 200);
const kubectl = process.env.KUBECTL ?? "kubectl";
const fluxDir = process.env.FLUX_CRDS ?? "";
const runtime = typeof (globalThis as { Bun?: unknown }).Bun !== "undefined" ? "bun" : "node";

function time<T>(fn: () => T): { ms: number; value: T } {
  const started = performance.now();
  const value = fn();
  return { ms: performance.now() - started, value };
}

async function timeAsync<T>(fn: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const started = performance.now();
  const value = await fn();
  return { ms: performance.now() - started, value };
}

function median(samples: number[]): number {
  const s = [...samples].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] as number;
}

function batch(ns: string, generation: number): string {
  const docs: string[] = [];
  for (let i = 0; i < N; i++) {
    const changed = i % 2 === 0 ? generation : 0;
    if (i % 4 === 0) {
      docs.push(`apiVersion: apps/v1
kind: Deployment
metadata: { name: app-${i}, namespace: ${ns}, labels: { app: app-${i} } }
spec:
  replicas: ${1 + changed}
  selector: { matchLabels: { app: app-${i} } }
  template:
    metadata: { labels: { app: app-${i} } }
    spec: { containers: [{ name: c, image: "nginx:1.27", resources: { limits: { cpu: 100m, memory: 64Mi } } }] }`);
    } else {
      docs.push(`apiVersion: v1
kind: ConfigMap
metadata: { name: cm-${i}, namespace: ${ns} }
data: { index: "${i}", generation: "${changed}", text: "${"lorem ipsum ".repeat(8)}" }`);
    }
  }
  return docs.join("\n---\n");
}

const kube = await KubeClient.load();
const ns = `bench-manifests-${runtime}-${Date.now().toString(36)}`;
await kube.api(Namespace).create({ metadata: { name: ns } });
const result: Record<string, number | string> = { runtime, objects: N };
try {
  // Parse and print.
  const flux = fluxDir ? readdirSync(fluxDir).filter((f) => f.endsWith(".yaml")).map((f) => readFileSync(join(fluxDir, f), "utf8")).join("\n---\n") : "";
  if (flux) {
    const parse = [...Array(5)].map(() => time(() => parseManifests(flux)));
    const objects = parse[0]?.value ?? [];
    const dump = [...Array(5)].map(() => time(() => dumpManifests(objects)));
    result.fluxBundleKiB = Math.round(Buffer.byteLength(flux) / 1024);
    result.parseFluxBundleMs = median(parse.map((p) => p.ms));
    result.dumpFluxBundleMs = median(dump.map((d) => d.ms));
  }
  const text = batch(ns, 0);
  result.parseBatchMs = median([...Array(5)].map(() => time(() => parseManifests(text)).ms));

  // Apply, re-apply, change, diff, prune.
  const applySet = { parent: { name: "bench" }, tooling: "kubectl/v1.37.2" };
  const options = { fieldManager: "bench", namespace: ns, applySet, concurrency: 8 };
  const created = await timeAsync(() => applyManifests(kube, parseManifests(text), options));
  result.applyCreatedMs = created.ms;
  const again = await timeAsync(() => applyManifests(kube, parseManifests(text), options));
  result.applyUnchangedMs = again.ms;
  result.unchanged = again.value.applied.filter((a) => a.action === "unchanged").length;
  const changedText = batch(ns, 1);
  const diff = await timeAsync(() => diffManifests(kube, parseManifests(changedText), options));
  result.diffMs = diff.ms;
  result.diffUpdates = diff.value.objects.filter((o) => o.action === "update").length;
  const changed = await timeAsync(() => applyManifests(kube, parseManifests(changedText), options));
  result.applyChangedMs = changed.ms;
  result.configured = changed.value.applied.filter((a) => a.action === "configured").length;
  const half = parseManifests(changedText).slice(0, N / 2);
  const pruned = await timeAsync(() => applyManifests(kube, half, options));
  result.applyPruneHalfMs = pruned.ms;
  result.pruned = pruned.value.pruned.length;

  // kubectl on the same work, for scale (one process per command, as a GitOps job would run it).
  if (runtime === "bun") {
    const dir = mkdtempSync(join(tmpdir(), "bench-manifests-"));
    const file = join(dir, "batch.yaml");
    const kns = `${ns}-kubectl`;
    await kube.api(Namespace).create({ metadata: { name: kns } });
    writeFileSync(file, batch(kns, 0));
    result.kubectlApplyCreatedMs = time(() => execFileSync(kubectl, ["apply", "--server-side", "--field-manager=bench", "-f", file], { stdio: "pipe" })).ms;
    writeFileSync(file, batch(kns, 1));
    // kubectl diff exits 1 when there are differences.
    result.kubectlDiffMs = time(() => {
      try {
        execFileSync(kubectl, ["diff", "--server-side", "--field-manager=bench", "-f", file], { stdio: "pipe" });
      } catch {
        // differences found
      }
    }).ms;
    await kube.api(Namespace).delete(kns);
  }
} finally {
  await kube.api(Namespace).delete(ns).catch(() => undefined);
  kube.close();
}
for (const [k, v] of Object.entries(result)) if (typeof v === "number" && !Number.isInteger(v)) result[k] = Math.round(v * 10) / 10;
console.log(JSON.stringify(result));
