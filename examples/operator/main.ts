/**
 * The SecretMirror operator: a controller for SecretMirrors that also watches Namespaces and
 * Secrets, run only while this replica holds the Lease, recording Events, serving /metrics.
 * Run two replicas; one works, the other takes over within a lease duration if it dies.
 *
 *   KUBECONFIG=... npx bun examples/operator/main.ts
 *
 * Environment (all optional): OPERATOR_NAMESPACE (the Lease's, default "default"), IDENTITY
 * (default hostname-pid), LEASE_MS / RENEW_MS / RETRY_MS (default 15 000 / 10 000 / 2 000),
 * METRICS_PORT (serve OpenMetrics on 127.0.0.1), SECRET_MIRROR_AUDIT_LOG (append every change
 * as a JSON line). The CRD (secret-mirror.ts) must be installed first.
 */
import { appendFileSync } from "node:fs";
import { createServer } from "node:http";
import { hostname } from "node:os";
import { KubeClient, type PartialObjectMetadata } from "../../src/index.ts";
import { controller, eventRecorder, leaderElector } from "../../src/controller/index.ts";
import { Namespace, Secret } from "../../generated/k8s/core/v1/index.ts";
import { OWNER_LABEL, secretMirrorReconciler, type Change } from "./reconcile.ts";
import { SecretMirror } from "./secret-mirror.ts";

const env = process.env;
const identity = env.IDENTITY ?? `${hostname()}-${process.pid}`;
const kube = await KubeClient.load();
const events = eventRecorder(kube, { reportingController: "mirror.bun-k8s.dev/secret-mirror", reportingInstance: identity });
const log = (line: string) => console.log(`[${identity}] ${line}`);
const audit = (change: Change) => {
  log(`${change.op} ${change.target}`);
  if (env.SECRET_MIRROR_AUDIT_LOG) appendFileSync(env.SECRET_MIRROR_AUDIT_LOG, `${JSON.stringify({ at: Date.now(), identity, ...change })}\n`);
};

/** A Secret wakes the mirrors that copy it (same namespace, same name) and the one that owns it (a copy). */
const mirrorsOfSecret = (secret: PartialObjectMetadata, mirrors: { list(f: { namespace: string }): SecretMirror[] }) => {
  const owner = secret.metadata?.labels?.[OWNER_LABEL];
  const keys = owner ? [owner.replace(".", "/")] : [];
  for (const m of mirrors.list({ namespace: secret.metadata!.namespace! })) {
    if (m.spec.secretName === secret.metadata?.name) keys.push(`${m.metadata!.namespace}/${m.metadata!.name}`);
  }
  return keys;
};

const ctl = controller(kube, SecretMirror, secretMirrorReconciler({ kube, events, fieldManager: "secret-mirror", audit }), {
  concurrency: 2,
  onError: (error, key) => log(`error${key ? ` in ${key}` : ""}: ${error.message}`),
})
  // Any namespace's labels may change which mirrors apply: wake them all (there are few).
  .watches(Namespace, (_ns, mirrors) => mirrors.keys(), { metadataOnly: true })
  .watches(Secret, mirrorsOfSecret, { metadataOnly: true });

const stop = new AbortController();
for (const signal of ["SIGTERM", "SIGINT"] as const) process.once(signal, () => stop.abort());

const port = env.METRICS_PORT ? Number(env.METRICS_PORT) : undefined;
const metrics =
  port === undefined
    ? undefined
    : createServer((req, res) => {
        res.writeHead(req.url === "/metrics" ? 200 : 404, { "content-type": "application/openmetrics-text; version=1.0.0; charset=utf-8" });
        res.end(req.url === "/metrics" ? ctl.metrics() : "");
      }).listen(port, "127.0.0.1");

const elector = leaderElector(kube, {
  lease: { name: "secret-mirror", namespace: env.OPERATOR_NAMESPACE ?? "default" },
  identity,
  leaseDurationMs: Number(env.LEASE_MS ?? 15_000),
  renewDeadlineMs: Number(env.RENEW_MS ?? 10_000),
  retryPeriodMs: Number(env.RETRY_MS ?? 2_000),
  // No drain when leadership ends: in-flight reconciles abort at once, before anyone else may start.
  onStartedLeading: (signal) => {
    log("leading");
    return ctl.run(signal, { drainTimeoutMs: 0 });
  },
  onStoppedLeading: () => log("stopped leading"),
  onNewLeader: (leader) => log(`leader is ${leader}`),
});
log(`runtime ${process.versions.bun ? `Bun ${process.versions.bun}` : `Node ${process.versions.node}`}`);
await elector.run(stop.signal);
await events.close();
metrics?.close();
kube.close();
log("stopped");
