/**
 * The real notification-controller: source-controller posts its events to it, and an Alert
 * with a generic-webhook Provider forwards the matching ones to a loopback receiver this file
 * starts. Objects are written with the SDK's generic client; nothing plays a controller.
 */
import { readFileSync } from "node:fs";
import { createServer, type IncomingMessage, type Server } from "node:http";
import { afterAll, beforeAll, describe, expect, inject, test } from "vitest";
import { api } from "../../src/api/index.ts";
import { Secret } from "../../generated/k8s/core/v1/index.ts";
import { GitRepository } from "../../generated/flux/source/v1/index.ts";
import { Alert, Provider } from "../../generated/flux/notification/v1beta3/index.ts";
import { GitWorkspace } from "../flux/git-workspace.ts";
import { REAL_FLUX_LABEL } from "../flux/launcher.ts";
import { connect, scratchNamespace } from "./api-connection.ts";

const flux = inject("cluster").flux;

/** What notification-controller's generic provider posts (the event as Flux records it). */
interface PostedEvent {
  involvedObject: { kind: string; name: string; namespace: string };
  severity: string;
  reason: string;
  message: string;
  metadata?: Record<string, string>;
}

describe.skipIf(!flux)("the real notification-controller", () => {
  let conn: Awaited<ReturnType<typeof connect>>;
  let ns: string;
  let removeNamespace: () => Promise<void>;
  let receiver: Server;
  let receiverUrl: string;
  const received: PostedEvent[] = [];
  let repo: GitWorkspace | undefined;

  beforeAll(async () => {
    conn = await connect();
    ({ name: ns, remove: removeNamespace } = await scratchNamespace(conn, "flux-alerts"));
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
  afterAll(async () => {
    repo?.remove();
    receiver?.close();
    await removeNamespace();
    conn.close();
  });

  test("an Alert forwards source-controller's new-artifact event to a generic webhook", async () => {
    await api(conn, Provider, { namespace: ns }).create({ metadata: { name: "hook" }, spec: { type: "generic", address: receiverUrl } });
    await api(conn, Alert, { namespace: ns }).create({
      metadata: { name: "sources" },
      spec: { providerRef: { name: "hook" }, eventSeverity: "info", eventSources: [{ kind: "GitRepository", name: "*" }] },
    });

    repo = await GitWorkspace.create(flux!.git, `${ns}/alerted`);
    const commit = await repo.commitAndPush({ "README.md": "alerts\n" }, "first");
    await api(conn, Secret, { namespace: ns }).create({
      metadata: { name: "git-auth" },
      stringData: { username: flux!.git.username, password: flux!.git.password, "ca.crt": readFileSync(flux!.git.caFile, "utf8") },
    });
    await api(conn, GitRepository, { namespace: ns }).create({
      metadata: { name: "alerted", labels: { ...REAL_FLUX_LABEL } },
      spec: { url: repo.url, interval: "10m", ref: { branch: "main" }, secretRef: { name: "git-auth" } },
    });

    const deadline = Date.now() + 45_000;
    while (!received.some((e) => e.reason === "NewArtifact") && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    const event = received.find((e) => e.reason === "NewArtifact");
    expect(event, `events received: ${JSON.stringify(received)}`).toBeDefined();
    expect(event!.involvedObject).toMatchObject({ kind: "GitRepository", name: "alerted", namespace: ns });
    expect(event!.severity).toBe("info");
    expect(event!.message).toBe("stored artifact for commit 'first'");
    expect(event!.metadata?.["revision"]).toBe(`main@sha1:${commit}`);
    expect(JSON.stringify(received)).not.toContain(flux!.git.password);
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
