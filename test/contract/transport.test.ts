/**
 * The connection layer against the real kube-apiserver: client certificates and tokens on
 * the transport this runtime picks (Bun's fetch on Bun, HTTP/2 on Node), TLS verification,
 * impersonation headers, the 401 re-authentication path, Status errors, and a watch stream.
 * Auth providers here are tiny static ones, so this file does not depend on src/config.
 */
import { afterAll, describe, expect, inject, test } from "vitest";
import { createConnection } from "../../src/connection/connection.ts";
import type { AuthProvider, Credentials, ResolvedConfig } from "../../src/config/types.ts";
import { ApiError, TlsError, isAbortError, isForbidden, isNotFound, isUnauthorized } from "../../src/base/errors.ts";
import type { Connection } from "../../src/connection/types.ts";
import { readKubeconfigMaterial, type KubeconfigMaterial } from "../support/kubeconfig-material.ts";

const cluster = inject("cluster");
const admin = readKubeconfigMaterial(cluster.kubeconfigs.admin);
const tokenUser = readKubeconfigMaterial(cluster.kubeconfigs.token);
const opened: Connection[] = [];

afterAll(() => {
  for (const c of opened) c.close();
});

class StaticAuth implements AuthProvider {
  readonly description = "static test credentials";
  invalidations = 0;
  private readonly sequence: Credentials[];

  constructor(sequence: Credentials[]) {
    this.sequence = sequence;
  }
  async credentials(): Promise<Credentials> {
    return this.sequence[Math.min(this.invalidations, this.sequence.length - 1)] ?? { headers: {} };
  }
  async invalidate(): Promise<boolean> {
    this.invalidations++;
    return this.invalidations < this.sequence.length;
  }
}

function credentialsOf(m: KubeconfigMaterial): Credentials {
  return {
    headers: m.token ? { Authorization: `Bearer ${m.token}` } : {},
    ...(m.tls.cert && m.tls.key && { clientCertificate: { cert: m.tls.cert, key: m.tls.key } }),
  };
}

function connect(m: KubeconfigMaterial, extra: Partial<ResolvedConfig> = {}, auth?: AuthProvider): Connection {
  const conn = createConnection({
    contextName: "contract",
    clusterName: "contract",
    userName: "contract",
    server: m.server,
    namespace: "default",
    tls: { ca: m.tls.ca, rejectUnauthorized: true },
    disableCompression: false,
    auth: auth ?? new StaticAuth([credentialsOf(m)]),
    ...extra,
  });
  opened.push(conn);
  return conn;
}

async function json<T>(p: Promise<{ text(): Promise<string> }>): Promise<T> {
  return JSON.parse(await (await p).text()) as T;
}

async function rejection(p: Promise<unknown>): Promise<Error> {
  const e = await p.then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(Error);
  return e as Error;
}

interface Review {
  status: { userInfo: { username: string; groups?: string[]; extra?: Record<string, string[]> } };
}
const whoAmI = (conn: Connection) =>
  json<Review>(
    conn.send({
      method: "POST",
      path: "/apis/authentication.k8s.io/v1/selfsubjectreviews",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ apiVersion: "authentication.k8s.io/v1", kind: "SelfSubjectReview" }),
    }),
  );

describe(`connection against ${cluster.mode} cluster`, () => {
  test("GET /version with the admin's client certificate", async () => {
    const version = await json<{ gitVersion: string }>(connect(admin).send({ method: "GET", path: "/version" }));
    expect(version.gitVersion).toMatch(/^v1\.\d+\.\d+/);
    if (cluster.expectedVersion) expect(version.gitVersion).toBe(cluster.expectedVersion);
  });

  test("64 concurrent GETs on one connection", async () => {
    const conn = connect(admin);
    const lists = await Promise.all(
      Array.from({ length: 64 }, () => json<{ kind: string }>(conn.send({ method: "GET", path: "/api/v1/namespaces", query: { limit: 5 } }))),
    );
    expect(lists.every((l) => l.kind === "NamespaceList")).toBe(true);
  });

  test("the server sees the certificate's user, and a bearer token's", async () => {
    if (cluster.mode === "local") {
      expect((await whoAmI(connect(admin))).status.userInfo.groups).toContain("system:masters");
      expect((await whoAmI(connect(tokenUser))).status.userInfo.username).toBe("token-user");
    } else {
      expect((await whoAmI(connect(tokenUser))).status.userInfo.username).toMatch(/bun-k8s-token-user$/);
    }
  });

  test("impersonation: user, one header per group (commas kept), escaped extra keys", async () => {
    const review = await whoAmI(
      connect(admin, {
        impersonate: { user: "jane", groups: ["team-a", "team-b, with comma"], extra: { "example.com/reason": ["on call", "ticket-42"] } },
      }),
    );
    expect(review.status.userInfo.username).toBe("jane");
    expect(review.status.userInfo.groups).toEqual(expect.arrayContaining(["team-a", "team-b, with comma"]));
    expect(review.status.userInfo.extra?.["example.com/reason"]).toEqual(["on call", "ticket-42"]);
  });

  test("404 is an ApiError with the server's Status and the site", async () => {
    const e = await rejection(connect(admin).send({ method: "GET", path: "/api/v1/namespaces/default/configmaps/does-not-exist" }));
    expect(isNotFound(e)).toBe(true);
    const api = e as ApiError;
    expect(api.status).toMatchObject({ kind: "Status", reason: "NotFound", details: { name: "does-not-exist", kind: "configmaps" } });
    expect(api.message).toContain("context contract");
    expect(api.message).toContain("/api/v1/namespaces/default/configmaps/does-not-exist");
  });

  test("403 for the restricted user outside its namespace", async () => {
    const restricted = readKubeconfigMaterial(cluster.kubeconfigs.restricted);
    const e = await rejection(connect(restricted).send({ method: "GET", path: "/api/v1/namespaces/default/configmaps" }));
    expect(isForbidden(e)).toBe(true);
  });

  test("401: credentials are invalidated and the request retried once with fresh ones", async () => {
    if (!tokenUser.token) throw new Error("the token kubeconfig has no token");
    const auth = new StaticAuth([{ headers: { Authorization: "Bearer not-a-valid-token" } }, credentialsOf(tokenUser)]);
    const res = await connect(tokenUser, {}, auth).send({ method: "GET", path: "/api/v1/namespaces/kube-system" });
    expect(res.status).toBe(200);
    expect(auth.invalidations).toBe(1);

    const hopeless = new StaticAuth([{ headers: { Authorization: "Bearer not-a-valid-token" } }]);
    const e = await rejection(connect(tokenUser, {}, hopeless).send({ method: "GET", path: "/api/v1/namespaces" }));
    expect(isUnauthorized(e)).toBe(true);
    expect(e.message).not.toContain("not-a-valid-token");
  });

  test("TLS: verification against the cluster CA, tls-server-name, unknown CA", async () => {
    if (cluster.serverNameAlias) {
      const aliased = connect(admin, { tls: { ca: admin.tls.ca, rejectUnauthorized: true, serverName: cluster.serverNameAlias } });
      expect((await aliased.send({ method: "GET", path: "/version" })).status).toBe(200);
    }
    const wrongName = connect(admin, { tls: { ca: admin.tls.ca, rejectUnauthorized: true, serverName: "not-on-the-cert.invalid" } });
    const e = await rejection(wrongName.send({ method: "GET", path: "/version" }));
    expect(e).toBeInstanceOf(TlsError);
    expect((e as TlsError).code).toBe("ERR_TLS_CERT_ALTNAME_INVALID");

    const systemTrust = connect(admin, { tls: { rejectUnauthorized: true } });
    const unknown = await rejection(systemTrust.send({ method: "GET", path: "/version" }));
    expect(unknown).toBeInstanceOf(TlsError);
  });

  test("a watch streams events and stops on abort", async () => {
    const conn = connect(admin);
    const ns = "default";
    const name = `transport-watch-${Date.now().toString(36)}`;
    const ac = new AbortController();
    const res = await conn.send(
      { method: "GET", path: `/api/v1/namespaces/${ns}/configmaps`, query: { watch: true, fieldSelector: `metadata.name=${name}` } },
      { stream: true, signal: ac.signal },
    );
    expect(res.status).toBe(200);
    await conn.send({
      method: "POST",
      path: `/api/v1/namespaces/${ns}/configmaps`,
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ apiVersion: "v1", kind: "ConfigMap", metadata: { name }, data: { a: "1" } }),
    }).then((r) => r.text());
    let buffered = "";
    const events: { type: string; object: { metadata: { name: string } } }[] = [];
    const ended = await rejection(
      (async () => {
        for await (const chunk of res.stream()) {
          buffered += new TextDecoder().decode(chunk);
          const lines = buffered.split("\n");
          buffered = lines.pop() ?? "";
          for (const line of lines) if (line.trim()) events.push(JSON.parse(line) as (typeof events)[number]);
          if (events.length > 0) ac.abort();
        }
      })(),
    );
    expect(isAbortError(ended)).toBe(true);
    expect(events[0]).toMatchObject({ type: "ADDED", object: { metadata: { name } } });
    await conn.send({ method: "DELETE", path: `/api/v1/namespaces/${ns}/configmaps/${name}` }).then((r) => r.text());
  });
});
