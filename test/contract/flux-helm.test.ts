/**
 * Helm with the real source- and helm-controller, driven through the SDK: a HelmRepository on
 * the loopback chart repository and a HelmChart give a packaged chart (a new version after
 * `reconcile`), and a HelmRelease is installed; its tree (from status.inventory, and from the
 * release Helm stored), a trace from what it applied, and a reconcile with its sources.
 */
import { readFileSync } from "node:fs";
import { gunzipSync } from "node:zlib";
import { describe, expect, test } from "vitest";
import { api } from "../../src/api/index.ts";
import type { Connection } from "../../src/connection/types.ts";
import { appliedObjects } from "../../src/flux/applied-tree.ts";
import type { FluxClient } from "../../src/flux/flux-client.ts";
import { decodeHelmRelease, helmStorageSecretName } from "../../src/flux/helm-storage.ts";
import type { FluxRef } from "../../src/flux/kinds.ts";
import { RequestClock } from "../../src/flux/reconcile-request.ts";
import { ConfigMap, Secret } from "../../generated/k8s/core/v1/index.ts";
import { HelmChart, HelmRepository } from "../../generated/flux/source/v1/index.ts";
import { HelmRelease } from "../../generated/flux/helm/v2/index.ts";
import { publishChart } from "../flux/helm-chart.ts";
import { fluxInfo, labels, realFluxSuite, since, timing, type RealFluxSuite } from "./flux-real.ts";

let suite: RealFluxSuite;
let conn: Connection;
let ns: string;
let flux: FluxClient;
realFluxSuite("flux-helm", (s) => ({ conn, ns, flux } = suite = s));

/** A HelmRepository on the loopback chart repository, trusting its CA through certSecretRef. */
async function helmRepository(name: string): Promise<FluxRef<"HelmRepository">> {
  await api(conn, Secret, { namespace: ns }).create({ metadata: { name: `${name}-ca` }, stringData: { "ca.crt": readFileSync(suite.info.helm.caFile, "utf8") } });
  await api(conn, HelmRepository, { namespace: ns }).create({
    metadata: { name, labels },
    spec: { url: suite.info.helm.url, interval: "10m", certSecretRef: { name: `${name}-ca` } },
  });
  return { kind: "HelmRepository", name, namespace: ns };
}

const untar = async (url: string) => gunzipSync(Buffer.from(await (await fetch(url)).arrayBuffer())).toString("latin1");

describe.skipIf(!fluxInfo)("Helm with the real source- and helm-controller", () => {
  test("HelmRepository and HelmChart: the chart packaged as an artifact; a new version after reconcile", async () => {
    const chart = `web-${ns.slice(-5)}`;
    const templates = { "configmap.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ .Release.Name }}\ndata:\n  greeting: {{ .Values.greeting }}\n" };
    publishChart(suite.info.helm.dir, { name: chart, version: "0.1.0", templates, values: { greeting: "hello" } });
    const started = performance.now();
    const repositoryRef = await helmRepository("charts");
    await api(conn, HelmChart, { namespace: ns }).create({
      metadata: { name: "web", labels },
      spec: { chart, version: "0.1.x", interval: "10m", sourceRef: { kind: "HelmRepository", name: "charts" } },
    });

    // Ready=True alone comes a moment before the artifact; the SDK's wait resolves with it in place.
    const repository = await flux.waitForReady(repositoryRef, { timeoutMs: 60_000 });
    expect(repository.status?.artifact?.revision).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(repository.status?.observedGeneration).toBe(repository.metadata?.generation);
    const first = await flux.waitForReady({ kind: "HelmChart", name: "web", namespace: ns }, { timeoutMs: 60_000 });
    timing("HelmChart Ready after HelmRepository + HelmChart apply", since(started));
    expect(first.status?.artifact?.revision).toBe("0.1.0");
    const tar = await untar(first.status!.artifact!.url);
    expect(tar).toContain(`${chart}/Chart.yaml`);
    expect(tar).toContain("version: 0.1.0");

    publishChart(suite.info.helm.dir, { name: chart, version: "0.1.1", templates, values: { greeting: "hello again" } });
    const next = await flux.reconcile({ kind: "HelmChart", name: "web", namespace: ns }, { withSource: true, wait: true, timeoutMs: 60_000 });
    expect(next.source?.object.kind).toBe("HelmRepository");
    expect((next.source?.object as HelmRepository | undefined)?.status?.lastHandledReconcileAt).toBe(next.source?.requestedAt);
    expect(next.object.status?.artifact?.revision).toBe("0.1.1");
    const again = await untar(next.object.status!.artifact!.url);
    expect(again).toContain("version: 0.1.1");
    expect(again).toContain("greeting: hello again");
  });

  describe("a HelmRelease installed by helm-controller", () => {
    const release = (): FluxRef<"HelmRelease"> => ({ kind: "HelmRelease", name: "greeter", namespace: ns });

    test("installed from the loopback chart repository; waitForReady resolves", async () => {
      const chart = `app-${ns.slice(-5)}`;
      const templates = { "configmap.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ .Release.Name }}-settings\ndata:\n  greeting: {{ .Values.greeting | quote }}\n" };
      publishChart(suite.info.helm.dir, { name: chart, version: "1.0.0", templates, values: { greeting: "default" } });
      await helmRepository("release-charts");
      const started = performance.now();
      await api(conn, HelmRelease, { namespace: ns }).create({
        metadata: { name: "greeter", labels },
        spec: {
          interval: "10m",
          // helm-controller makes this HelmChart; the label lets this suite's source-controller see it.
          chart: { metadata: { labels }, spec: { chart, version: "1.x", sourceRef: { kind: "HelmRepository", name: "release-charts" } } },
          values: { greeting: "from the HelmRelease" },
        },
      });
      const installed = await flux.waitForReady(release(), { timeoutMs: 90_000 });
      timing("HelmRelease Ready after apply", since(started));
      expect(installed.status?.history?.[0]).toMatchObject({ chartName: chart, chartVersion: "1.0.0", status: "deployed" });
      expect(installed.status?.helmChart).toBe(`${ns}/${ns}-greeter`);
      expect((await flux.status(release())).revision).toBe("1.0.0");
      const settings = await api(conn, ConfigMap, { namespace: ns }).get("greeter-settings");
      expect(settings.data).toEqual({ greeting: "from the HelmRelease" });
      expect(settings.metadata?.labels?.["app.kubernetes.io/managed-by"]).toBe("Helm");
    });

    test("tree: the chart chain, and the applied objects from status.inventory and from Helm's storage alike", async () => {
      const tree = await flux.tree(release());
      expect(tree.source?.ref).toEqual({ kind: "HelmChart", name: `${ns}-greeter`, namespace: ns });
      expect(tree.source?.status).toMatchObject({ ready: true, revision: "1.0.0" });
      expect(tree.source?.source?.ref).toEqual({ kind: "HelmRepository", name: "release-charts", namespace: ns });
      expect(tree.source?.source?.status?.ready).toBe(true);
      const fromInventory = tree.applied?.map((a) => a.object);
      expect(fromInventory).toEqual([{ apiVersion: "v1", kind: "ConfigMap", name: "greeter-settings", namespace: ns }]);

      // The same objects out of the release helm-controller stored, for a HelmRelease without an inventory.
      const object = await flux.get(release());
      const latest = object.status!.history![0]!;
      const secret = await api(conn, Secret, { namespace: ns }).get(helmStorageSecretName(latest.name, latest.version));
      expect(decodeHelmRelease(secret)).toMatchObject({ name: "greeter", namespace: ns, version: 1, status: "deployed", chart: { version: "1.0.0" } });
      const withoutInventory = { ...object, status: { ...object.status, inventory: undefined } };
      const context = { conn, fieldManager: "flux-contract", suspendFieldManager: "flux-contract-suspend", requestClock: new RequestClock() };
      expect(await appliedObjects(context, withoutInventory)).toEqual(fromInventory);
    });

    test("trace: from the ConfigMap helm-controller applied to the HelmRelease, its HelmChart and HelmRepository", async () => {
      const settings = await api(conn, ConfigMap, { namespace: ns }).get("greeter-settings");
      const trace = await flux.trace(settings);
      expect(trace.object).toEqual({ apiVersion: "v1", kind: "ConfigMap", name: "greeter-settings", namespace: ns });
      expect(trace.owner?.ref).toEqual(release());
      expect(trace.owner?.status?.ready).toBe(true);
      expect(trace.owner?.source?.ref.kind).toBe("HelmChart");
      expect(trace.owner?.source?.source?.ref).toEqual({ kind: "HelmRepository", name: "release-charts", namespace: ns });
    });

    test("reconcile --with-source: HelmRepository, HelmChart, then the HelmRelease, each handled", async () => {
      const result = await flux.reconcile(release(), { withSource: true, wait: true, timeoutMs: 90_000 });
      expect(result.source?.object.kind).toBe("HelmChart");
      expect(result.source?.source?.object.kind).toBe("HelmRepository");
      for (const step of [result, result.source!, result.source!.source!]) {
        expect(step.handled).toBe(true);
        expect((step.object as { status?: { lastHandledReconcileAt?: string } }).status?.lastHandledReconcileAt).toBe(step.requestedAt);
      }
      // Each was asked only after the one it reads from had handled its request.
      expect(Date.parse(result.source!.requestedAt!)).toBeGreaterThanOrEqual(Date.parse(result.source!.source!.requestedAt!));
      expect(Date.parse(result.requestedAt!)).toBeGreaterThanOrEqual(Date.parse(result.source!.requestedAt!));
    });
  });
});
