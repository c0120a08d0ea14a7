/**
 * No secret in any error or printed object. Known secrets are planted where a broken or
 * hostile party echoes them back (an exec plugin's stderr, a server's Status, an OIDC
 * issuer's error, a proxy's refusal, a TLS failure, an undecodable body, a watch ERROR
 * event) and searched for in the message, stack, String(), util.inspect, console.dir and
 * JSON of the error the child got; a loaded kubeconfig is printed the same ways.
 */
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { runChild, runtime } from "./child-runner.ts";
import { b64, expectNoSecrets, failed, hostileBench, oidcUser, printTable, record, secret, type Bench } from "./hostile-fixtures.ts";
import { headersThenStall, json, startHostileServer, type HostileServer, type Request } from "./hostile-server.ts";
import { createServer as createNetServer, type Socket } from "node:net";

let bench: Bench;
let server: HostileServer;
let issuer: HostileServer;

beforeAll(async () => {
  bench = hostileBench();
  server = await startHostileServer(bench.pki);
  issuer = await startHostileServer(bench.pki, "http1");
});
afterAll(async () => {
  printTable();
  await Promise.all([server.close(), issuer.close()]);
  bench.remove();
});

/** The base64 lines of a PEM body, any of which would betray it. */
const pemLines = (pem: string): string[] => pem.split("\n").filter((l) => l.length >= 32 && !l.startsWith("-----"));

const jwt = (claims: object, signature: string): string =>
  [{ alg: "RS256" }, claims].map((part) => Buffer.from(JSON.stringify(part)).toString("base64url")).join(".") + `.${signature}`;

describe("planted secrets never reach an error", () => {
  test("an exec plugin's stderr that echoes its token and its env values", async () => {
    const token = secret("exec-token");
    const envValue = secret("exec-env");
    const credential = JSON.stringify({ apiVersion: "client.authentication.k8s.io/v1", kind: "ExecCredential", status: { token } });
    const command = bench.script("echoing-plugin", `echo '${credential}'\necho "login failed: token=${token} API_KEY=$API_KEY" >&2\nexit 1\n`);
    const kubeconfig = bench.kubeconfig("exec-stderr", server.url, {
      exec: { apiVersion: "client.authentication.k8s.io/v1", command, interactiveMode: "Never", env: [{ name: "API_KEY", value: envValue }] },
    });
    const run = await runChild({ op: "get", kubeconfig });
    record("secret in exec plugin stderr", run);
    const error = failed(run);
    expect(error.name).toBe("AuthError");
    expect(error.message).toMatch(/failed with exit code 1; its stderr:\nlogin failed: token=REDACTED API_KEY=REDACTED/);
    expectNoSecrets(error.printed, [token, envValue]);
  });

  test("a Status whose message and causes quote the bearer token", async () => {
    const token = secret("bearer");
    server.handle = (req, res) =>
      json(res, 403, {
        kind: "Status",
        apiVersion: "v1",
        status: "Failure",
        reason: "Forbidden",
        code: 403,
        message: `forbidden: request carried Authorization: ${req.headers.authorization}`,
        details: { causes: [{ message: `token ${String(req.headers.authorization).slice(7)} is not allowed` }] },
      });
    const run = await runChild({ op: "get", kubeconfig: bench.kubeconfig("status", server.url, { token }) });
    record("secret in a Status message", run);
    const error = failed(run);
    expect(error.name).toBe("ApiError");
    expect(error.message).toMatch(/^403 Forbidden: forbidden: request carried Authorization: REDACTED/);
    expectNoSecrets(error.printed, [token]);
  });

  test("a watch ERROR event whose Status quotes the bearer token", async () => {
    const token = secret("watch-bearer");
    server.handle = (req, res) => {
      headersThenStall(res);
      res.write(`${JSON.stringify({ type: "ERROR", object: { kind: "Status", code: 500, reason: "InternalError", message: `broke on ${req.headers.authorization}` } })}\n`);
    };
    const run = await runChild({ op: "watch", kubeconfig: bench.kubeconfig("watch-error", server.url, { token }) });
    record("secret in a watch ERROR event", run);
    const error = failed(run);
    expect(error.name).toBe("ApiError");
    expectNoSecrets(error.printed, [token]);
  });

  test("an undecodable body holding a secret", async () => {
    const token = secret("body");
    const bodySecret = secret("data");
    server.handle = (_req, res) => {
      res.writeHead(200, { "content-type": "application/json" });
      res.end(`{"kind":"Secret","data":{"password":"${bodySecret}"`);
    };
    const run = await runChild({ op: "get", kubeconfig: bench.kubeconfig("decode", server.url, { token }) });
    record("secret in an undecodable body", run);
    const error = failed(run);
    expect(error.name).toBe("DecodeError");
    expectNoSecrets(error.printed, [token, bodySecret]);
  });

  test("an OIDC issuer that refuses the refresh, echoing the Basic header and the refresh token", async () => {
    const clientSecret = secret("client-secret");
    const refreshToken = secret("refresh");
    const idToken = jwt({ exp: Math.floor(Date.now() / 1000) - 60, sub: "me" }, secret("sig"));
    issuer.handle = (req: Request, res) => {
      if (req.url === "/.well-known/openid-configuration") return json(res, 200, { issuer: issuer.url, token_endpoint: `${issuer.url}/token` });
      let form = "";
      req.on("data", (c: Buffer) => (form += c.toString()));
      req.on("end", () => json(res, 400, { error: "invalid_client", error_description: `got ${req.headers.authorization} with ${form}` }));
    };
    const kubeconfig = bench.kubeconfig("oidc", server.url, oidcUser(bench, issuer.url, { clientSecret, refreshToken, idToken }));
    const run = await runChild({ op: "get", kubeconfig });
    record("secrets in an OIDC refresh failure", run);
    const error = failed(run);
    expect(error.name).toBe("AuthError");
    expect(error.message).toMatch(/refused the refresh token \(HTTP 400, invalid_client: got Basic REDACTED with grant_type=refresh_token&refresh_token=REDACTED\)/);
    expectNoSecrets(error.printed, [clientSecret, refreshToken, idToken, b64(`kube:${clientSecret}`)]);
  });

  test("a TLS failure with a client key in use", async () => {
    const kubeconfig = bench.kubeconfig(
      "tls",
      server.url,
      { "client-certificate-data": b64(bench.pki.alice.cert), "client-key-data": b64(bench.pki.alice.key) },
      { "certificate-authority-data": b64(bench.pki.otherCa) },
    );
    const run = await runChild({ op: "get", kubeconfig });
    record("key material in a TLS failure", run);
    const error = failed(run);
    expect(error.name).toBe("TlsError");
    expectNoSecrets(error.printed, [...pemLines(bench.pki.alice.key), b64(bench.pki.alice.key)]);
  });

  test("a proxy that refuses CONNECT, echoing the Proxy-Authorization it got", async () => {
    const password = secret("proxy-pw");
    const token = secret("tok");
    const sockets = new Set<Socket>();
    const proxy = createNetServer((socket) => {
      sockets.add(socket);
      socket.on("error", () => {});
      socket.once("data", (head: Buffer) => {
        const auth = /Proxy-Authorization: (.*)\r\n/i.exec(head.toString())?.[1] ?? "none";
        socket.end(`HTTP/1.1 407 ${auth}\r\n\r\n`);
      });
    });
    await new Promise<void>((resolve) => proxy.listen(0, "127.0.0.1", resolve));
    try {
      const port = (proxy.address() as { port: number }).port;
      const kubeconfig = bench.kubeconfig("proxy", server.url, { token }, { "certificate-authority-data": b64(bench.pki.ca), "proxy-url": `http://alice:${password}@127.0.0.1:${port}` });
      const run = await runChild({ op: "get", kubeconfig, client: { retry: false } });
      record("proxy password in a refused CONNECT", run);
      const error = failed(run);
      expect(error.name).toBe("TransportError");
      // Node's transport quotes the proxy's status line (scrubbed); Bun's fetch reports the tunnel failure itself;
      // Deno's says only that the proxy wants credentials.
      const expected = {
        node: /refused CONNECT to 127\.0\.0\.1:\d+: HTTP\/1\.1 407 REDACTED/,
        bun: /ERR_PROXY_TUNNEL/,
        deno: /^proxy http:\/\/127\.0\.0\.1:\d+ refused CONNECT to 127\.0\.0\.1:\d+: 407 Proxy Authentication Required/,
      };
      expect(error.message).toMatch(expected[runtime]);
      expectNoSecrets(error.printed, [password, token, b64(`alice:${password}`)]);
    } finally {
      for (const s of sockets) s.destroy();
      proxy.close();
    }
  });
});

describe("a loaded kubeconfig prints without secrets", () => {
  test("console.dir, util.inspect, String and JSON of loadKubeconfig() and of its config", async () => {
    const planted = {
      token: secret("tok"),
      key: bench.pki.bob.key,
      envValue: secret("env"),
      refreshToken: secret("rt"),
      clientSecret: secret("cs"),
      idToken: secret("idt"),
      proxyPassword: secret("pw"),
    };
    const doc = {
      apiVersion: "v1",
      kind: "Config",
      "current-context": "a",
      clusters: [{ name: "c", cluster: { server: server.url, "proxy-url": `http://bob:${planted.proxyPassword}@proxy:3128` } }],
      users: [
        { name: "token", user: { token: planted.token, "client-certificate-data": b64(bench.pki.bob.cert), "client-key-data": b64(planted.key) } },
        { name: "exec", user: { exec: { apiVersion: "client.authentication.k8s.io/v1", command: "x", env: [{ name: "K", value: planted.envValue }] } } },
        {
          name: "oidc",
          user: {
            "auth-provider": {
              name: "oidc",
              config: { "idp-issuer-url": "https://idp", "client-id": "k", "client-secret": planted.clientSecret, "refresh-token": planted.refreshToken, "id-token": planted.idToken },
            },
          },
        },
      ],
      contexts: [{ name: "a", context: { cluster: "c", user: "token" } }],
    };
    const kubeconfig = bench.t.write("printed.kubeconfig", JSON.stringify(doc));
    const run = await runChild({ op: "print-kubeconfig", kubeconfig });
    record("printing a loaded kubeconfig", run, run.result?.ok ? "nothing secret printed" : undefined);
    expect(run.result?.ok).toBe(true);
    const value = run.result!.value as { printed: Record<string, string>; configPrinted: Record<string, string> };
    const secrets = [planted.token, ...pemLines(planted.key), b64(planted.key), planted.envValue, planted.refreshToken, planted.clientSecret, planted.idToken, planted.proxyPassword];
    for (const printed of [value.printed, value.configPrinted]) {
      expect(printed.dir).toContain("users");
      expectNoSecrets(printed, secrets);
    }
  });
});
