/**
 * The real notification-controller: source-controller posts its events to it, and an Alert
 * with a generic-webhook Provider forwards the matching ones to a loopback receiver this file
 * starts, including the event of a reconcile the SDK requested. Objects are written with the
 * SDK (its Git credentials helper, the typed client, `reconcile`); nothing plays a controller.
 */
import { createServer, type IncomingMessage, type Server } from "node:http";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { api } from "../../src/api/index.ts";
import type { Connection } from "../../src/connection/types.ts";
import type { FluxClient } from "../../src/flux/flux-client.ts";
import type { FluxRef } from "../../src/flux/kinds.ts";
import { GitRepository } from "../../generated/flux/source/v1/index.ts";
import { Alert, Provider } from "../../generated/flux/notification/v1beta3/index.ts";
import { fluxInfo, labels, pollUntil, realFluxSuite, since, timing, type RealFluxSuite } from "./flux-real.ts";

/** What notification-controller's generic provider posts (the event as Flux records it). */
interface PostedEvent {
  involvedObject: { kind: string; name: string; namespace: string };
  severity: string;
  reason: string;
  message: string;
  metadata?: Record<string, string>;
}

let suite: RealFluxSuite;
let conn: Connection;
let ns: string;
let flux: FluxClient;
realFluxSuite("flux-alerts", (s) => ({ conn, ns, flux } = suite = s));

describe.skipIf(!fluxInfo)("the real notification-controller", () => {
  let receiver: Server;
  let receiverUrl: string;
  const received: PostedEvent[] = [];

  beforeAll(async () => {
    receiver = createServer((req, res) => {
      void readBody(req).then((body) => {
        received.push(JSON.parse(body) as PostedEvent);
        res.writeHead(200).end();
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, "127.0.0.1", resolve));
    const address = receiver.address();
    receiverUrl = `http://127.0.0.1:${typeof address === "object" && address ? address.port : 0}/hook`;
  });
  afterAll(() => {
    receiver?.close();
  });

  const newArtifact = (commit: string) => (events: PostedEvent[]) => events.find((e) => e.reason === "NewArtifact" && e.metadata?.["revision"] === `main@sha1:${commit}`);

  test("an Alert forwards source-controller's new-artifact events to a generic webhook, a requested reconcile's too", async () => {
    await api(conn, Provider, { namespace: ns }).create({ metadata: { name: "hook" }, spec: { type: "generic", address: receiverUrl } });
    await api(conn, Alert, { namespace: ns }).create({
      metadata: { name: "sources" },
      spec: { providerRef: { name: "hook" }, eventSeverity: "info", eventSources: [{ kind: "GitRepository", name: "*" }] },
    });

    const repo = await suite.repository("alerted");
    const first = await repo.commitAndPush({ "README.md": "alerts\n" }, "first");
    await suite.gitCredentials("git-auth");
    const source: FluxRef<"GitRepository"> = { kind: "GitRepository", name: "alerted", namespace: ns };
    await api(conn, GitRepository, { namespace: ns }).create({
      metadata: { name: "alerted", labels },
      spec: { url: repo.url, interval: "10m", ref: { branch: "main" }, secretRef: { name: "git-auth" } },
    });

    const event = newArtifact(first)(await pollUntil("the first NewArtifact posted", async () => received, (events) => newArtifact(first)(events) !== undefined));
    expect(event!.involvedObject).toMatchObject({ kind: "GitRepository", name: "alerted", namespace: ns });
    expect(event!.severity).toBe("info");
    expect(event!.message).toBe("stored artifact for commit 'first'");

    // A second commit: the 10-minute interval would not see it yet; the SDK's reconcile does.
    const second = await repo.commitAndPush({ "README.md": "alerts, again\n" }, "second");
    const requested = performance.now();
    const result = await flux.reconcile(source, { wait: true, timeoutMs: 60_000 });
    expect(result.object.status?.artifact?.revision).toBe(`main@sha1:${second}`);
    const delivered = newArtifact(second)(await pollUntil("the reconcile's NewArtifact posted", async () => received, (events) => newArtifact(second)(events) !== undefined));
    timing("reconcile requested → its event delivered by the Alert", since(requested));
    expect(delivered!.message).toBe("stored artifact for commit 'second'");
    expect(delivered!.involvedObject).toMatchObject({ kind: "GitRepository", name: "alerted", namespace: ns });
    expect(JSON.stringify(received)).not.toContain(suite.info.git.password);
  });
});

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    req.on("error", reject);
  });
}
