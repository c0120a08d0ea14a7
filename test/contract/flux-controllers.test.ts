/**
 * The real GitOps loop: the real source-, kustomize- and helm-controller (built from their
 * Go modules, started by the global setup) against objects the SDK's generic client writes,
 * with the loopback Git server (basic auth over HTTPS, signed by the test CA) and the
 * loopback Helm chart repository. Nothing here writes a status.
 */
import { readFileSync } from "node:fs";
import { gunzipSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, inject, test } from "vitest";
import { api } from "../../src/api/index.ts";
import { ConfigMap, Secret } from "../../generated/k8s/core/v1/index.ts";
import { GitRepository, HelmChart, HelmRepository } from "../../generated/flux/source/v1/index.ts";
import { Kustomization } from "../../generated/flux/kustomize/v1/index.ts";
import { HelmRelease } from "../../generated/flux/helm/v2/index.ts";
import { GitWorkspace } from "../flux/git-workspace.ts";
import { publishChart } from "../flux/helm-chart.ts";
import { REAL_FLUX_LABEL } from "../flux/launcher.ts";
import { connect, scratchNamespace } from "./api-connection.ts";

const cluster = inject("cluster");
const flux = cluster.flux;
const REQUESTED_AT = "reconcile.fluxcd.io/requestedAt";

interface FluxLike {
  metadata?: { generation?: number };
  status?: { observedGeneration?: number; conditions?: { type: string; status: string; reason: string; message: string; observedGeneration?: number }[] };
}

/**
 * The Ready condition, once the controller has reported on the current generation. (The
 * condition's own observedGeneration: status.observedGeneration stays -1 while a failing
 * reconcile is retried.)
 */
function readyOf(o: FluxLike | undefined): { status: string; reason: string; message: string } | undefined {
  const ready = o?.status?.conditions?.find((c) => c.type === "Ready");
  return ready && ready.observedGeneration === o?.metadata?.generation ? ready : undefined;
}

/** Ready=True, and the reconcile of the current generation finished (its results recorded). */
function isReady(o: FluxLike): boolean {
  return readyOf(o)?.status === "True" && o.status?.observedGeneration === o.metadata?.generation;
}

/** Polls `read` until `done` holds; returns the value and the seconds it took. */
async function pollUntil<T>(what: string, read: () => Promise<T>, done: (value: T) => boolean, timeoutMs = 45_000): Promise<{ value: T; seconds: number }> {
  const started = performance.now();
  let last: T | undefined;
  while (performance.now() - started < timeoutMs) {
    last = await read();
    if (done(last)) return { value: last, seconds: (performance.now() - started) / 1000 };
    await new Promise((r) => setTimeout(r, 100));
  }
  const status = (last as { status?: unknown } | undefined)?.status;
  throw new Error(`${what}: not reached in ${timeoutMs / 1000} s; last status ${JSON.stringify(status ?? last, null, 1)}`);
}

const timing = (label: string, seconds: number) => console.log(`[flux-timing] ${label}: ${seconds.toFixed(2)} s`);

const configMapYaml = (colour: string) => `apiVersion: v1
kind: ConfigMap
metadata:
  name: settings
data:
  colour: ${colour}
`;

describe.skipIf(!flux)("the real Flux controllers", () => {
  let conn: Awaited<ReturnType<typeof connect>>;
  let ns: string;
  let removeNamespace: () => Promise<void>;
  const workspaces: GitWorkspace[] = [];
  const labels = { ...REAL_FLUX_LABEL };

  beforeAll(async () => {
    conn = await connect();
    ({ name: ns, remove: removeNamespace } = await scratchNamespace(conn, "flux-real"));
  });
  afterAll(async () => {
    for (const w of workspaces) w.remove();
    // The controllers, still running, remove their finalizers as the namespace goes.
    await removeNamespace();
    conn.close();
  });

  const gitSecret = (name: string, password: string) =>
    api(conn, Secret, { namespace: ns }).create({
      metadata: { name },
      stringData: { username: flux!.git.username, password, "ca.crt": readFileSync(flux!.git.caFile, "utf8") },
    });

  describe("Git → GitRepository → Kustomization", () => {
    let repo: GitWorkspace;
    let firstCommit: string;

    test("a GitRepository with basic auth and a Kustomization apply a ConfigMap from the loopback Git server", async () => {
      repo = await GitWorkspace.create(flux!.git, `${ns}/app`);
      workspaces.push(repo);
      firstCommit = await repo.commitAndPush({ "deploy/settings.yaml": configMapYaml("blue") }, "first");
      await gitSecret("git-auth", flux!.git.password);

      const applied = performance.now();
      await api(conn, GitRepository, { namespace: ns }).create({
        metadata: { name: "app", labels },
        spec: { url: repo.url, interval: "10m", ref: { branch: "main" }, secretRef: { name: "git-auth" } },
      });
      await api(conn, Kustomization, { namespace: ns }).create({
        metadata: { name: "app", labels },
        spec: { interval: "10m", prune: true, path: "./deploy", targetNamespace: ns, sourceRef: { kind: "GitRepository", name: "app" } },
      });

      const source = await pollUntil("GitRepository app Ready", () => api(conn, GitRepository, { namespace: ns }).get("app"), (o) => isReady(o));
      expect(source.value.status?.artifact?.revision).toBe(`main@sha1:${firstCommit}`);
      expect(source.value.status?.artifact?.url).toMatch(new RegExp(`^${flux!.storageUrl}/gitrepository/${ns}/app/[0-9a-f]+\\.tar\\.gz$`));
      timing("GitRepository Ready after apply", source.seconds);

      const kustomization = await pollUntil("Kustomization app Ready", () => api(conn, Kustomization, { namespace: ns }).get("app"), (o) => isReady(o));
      timing("Kustomization Ready after apply", (performance.now() - applied) / 1000);
      expect(kustomization.value.status?.lastAppliedRevision).toBe(`main@sha1:${firstCommit}`);
      expect(kustomization.value.status?.inventory?.entries?.map((e) => e.id)).toEqual([`${ns}_settings__ConfigMap`]);

      const settings = await api(conn, ConfigMap, { namespace: ns }).get("settings");
      expect(settings.data).toEqual({ colour: "blue" });
      expect(settings.metadata?.labels?.["kustomize.toolkit.fluxcd.io/name"]).toBe("app");
      expect(settings.metadata?.labels?.["kustomize.toolkit.fluxcd.io/namespace"]).toBe(ns);
    });

    test("a pushed commit plus a reconcile request is applied, and the request is echoed", async () => {
      expect(firstCommit).toBeDefined();
      const pushed = performance.now();
      const second = await repo.commitAndPush({ "deploy/settings.yaml": configMapYaml("green") }, "second");
      expect(second).not.toBe(firstCommit);
      const token = new Date().toISOString();
      await api(conn, GitRepository, { namespace: ns }).patch("app", { type: "merge", patch: { metadata: { annotations: { [REQUESTED_AT]: token } } } });

      const source = await pollUntil(
        "GitRepository app at the new commit",
        () => api(conn, GitRepository, { namespace: ns }).get("app"),
        (o) => o.status?.artifact?.revision === `main@sha1:${second}`,
      );
      expect(source.value.status?.lastHandledReconcileAt).toBe(token);
      const applied = await pollUntil(
        "Kustomization app at the new commit",
        () => api(conn, Kustomization, { namespace: ns }).get("app"),
        (o) => o.status?.lastAppliedRevision === `main@sha1:${second}` && isReady(o),
      );
      timing("push + requestedAt → new revision applied", (performance.now() - pushed) / 1000);
      expect(applied.value.status?.lastAttemptedRevision).toBe(`main@sha1:${second}`);
      expect((await api(conn, ConfigMap, { namespace: ns }).get("settings")).data).toEqual({ colour: "green" });
    });

    test("a wrong password gives Ready=False from source-controller, with no password in the message", async () => {
      const wrong = `wrong-${flux!.git.password.slice(0, 6)}-password`;
      await gitSecret("bad-auth", wrong);
      await api(conn, GitRepository, { namespace: ns }).create({
        metadata: { name: "denied", labels },
        spec: { url: repo.url, interval: "10m", ref: { branch: "main" }, secretRef: { name: "bad-auth" } },
      });
      const denied = await pollUntil("GitRepository denied Ready=False", () => api(conn, GitRepository, { namespace: ns }).get("denied"), (o) => readyOf(o)?.status === "False");
      timing("wrong password → Ready=False", denied.seconds);
      const ready = readyOf(denied.value)!;
      expect(ready.reason).toBe("GitOperationFailed");
      expect(ready.message).toMatch(/authentication required/i);
      expect(denied.value.status?.artifact).toBeUndefined();
      for (const secret of [wrong, flux!.git.password]) expect(JSON.stringify(denied.value.status)).not.toContain(secret);
    });
  });

  describe("Helm chart repository → HelmRepository → HelmChart and HelmRelease", () => {
    /** A HelmRepository on the loopback chart repository, trusting its CA through certSecretRef. */
    const helmRepository = async (name: string) => {
      await api(conn, Secret, { namespace: ns }).create({ metadata: { name: `${name}-ca` }, stringData: { "ca.crt": readFileSync(flux!.helm.caFile, "utf8") } });
      await api(conn, HelmRepository, { namespace: ns }).create({
        metadata: { name, labels },
        spec: { url: flux!.helm.url, interval: "10m", certSecretRef: { name: `${name}-ca` } },
      });
    };

    test("the chart is packaged as an artifact; a new version is picked up after a reconcile", async () => {
      const chart = `web-${ns.slice(-5)}`;
      const templates = { "configmap.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ .Release.Name }}\ndata:\n  greeting: {{ .Values.greeting }}\n" };
      publishChart(flux!.helm.dir, { name: chart, version: "0.1.0", templates, values: { greeting: "hello" } });
      await helmRepository("charts");
      await api(conn, HelmChart, { namespace: ns }).create({
        metadata: { name: "web", labels },
        spec: { chart, version: "0.1.x", interval: "10m", sourceRef: { kind: "HelmRepository", name: "charts" } },
      });

      const repository = await pollUntil("HelmRepository Ready", () => api(conn, HelmRepository, { namespace: ns }).get("charts"), (o) => isReady(o));
      expect(repository.value.status?.artifact?.revision).toMatch(/^sha256:[0-9a-f]{64}$/);
      const first = await pollUntil("HelmChart Ready", () => api(conn, HelmChart, { namespace: ns }).get("web"), (o) => isReady(o));
      timing("HelmChart Ready after its HelmRepository", first.seconds);
      expect(first.value.status?.artifact?.revision).toBe("0.1.0");
      const archive = Buffer.from(await (await fetch(first.value.status!.artifact!.url)).arrayBuffer());
      const tar = gunzipSync(archive).toString("latin1");
      expect(tar).toContain(`${chart}/Chart.yaml`);
      expect(tar).toContain("version: 0.1.0");
      expect(tar).toContain("greeting: {{ .Values.greeting }}");

      publishChart(flux!.helm.dir, { name: chart, version: "0.1.1", templates, values: { greeting: "hello again" } });
      const token = new Date().toISOString();
      await api(conn, HelmRepository, { namespace: ns }).patch("charts", { type: "merge", patch: { metadata: { annotations: { [REQUESTED_AT]: token } } } });
      const next = await pollUntil("HelmChart at 0.1.1", () => api(conn, HelmChart, { namespace: ns }).get("web"), (o) => o.status?.artifact?.revision === "0.1.1" && isReady(o));
      expect((await api(conn, HelmRepository, { namespace: ns }).get("charts")).status?.lastHandledReconcileAt).toBe(token);
      const again = gunzipSync(Buffer.from(await (await fetch(next.value.status!.artifact!.url)).arrayBuffer())).toString("latin1");
      expect(again).toContain("version: 0.1.1");
      expect(again).toContain("greeting: hello again");
    });

    test("a HelmRelease is installed by the real helm-controller from the loopback chart repository", async () => {
      const chart = `app-${ns.slice(-5)}`;
      const templates = { "configmap.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ .Release.Name }}-settings\ndata:\n  greeting: {{ .Values.greeting | quote }}\n" };
      publishChart(flux!.helm.dir, { name: chart, version: "1.0.0", templates, values: { greeting: "default" } });
      await helmRepository("release-charts");
      await api(conn, HelmRelease, { namespace: ns }).create({
        metadata: { name: "greeter", labels },
        spec: {
          interval: "10m",
          // helm-controller makes this HelmChart; the label lets this suite's source-controller see it.
          chart: { metadata: { labels }, spec: { chart, version: "1.x", sourceRef: { kind: "HelmRepository", name: "release-charts" } } },
          values: { greeting: "from the HelmRelease" },
        },
      });
      const release = await pollUntil("HelmRelease greeter Ready", () => api(conn, HelmRelease, { namespace: ns }).get("greeter"), (o) => isReady(o));
      timing("HelmRelease Ready after apply", release.seconds);
      expect(readyOf(release.value)?.reason).toBe("InstallSucceeded");
      expect(release.value.status?.history?.[0]).toMatchObject({ chartName: chart, chartVersion: "1.0.0", status: "deployed" });
      expect(release.value.status?.helmChart).toBe(`${ns}/${ns}-greeter`);
      const settings = await api(conn, ConfigMap, { namespace: ns }).get("greeter-settings");
      expect(settings.data).toEqual({ greeting: "from the HelmRelease" });
      expect(settings.metadata?.labels?.["app.kubernetes.io/managed-by"]).toBe("Helm");
    });
  });
});
