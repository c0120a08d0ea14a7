import { inspect } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AuthError } from "../../../src/base/errors.ts";
import { ExecAuth } from "../../../src/config/auth/exec-credential.ts";
import { credential, execBench, failure, V1, V1BETA1, type ExecBench, type Scenario } from "./fixtures/exec-plugin.ts";
import { CERT_PEM } from "./fixtures/temp-files.ts";

const SECRET = "stdout-SECRET-token-value";

let bench: ExecBench;
beforeAll(() => {
  bench = execBench();
});
afterAll(() => bench.t.remove());
const scenario = (...args: Parameters<ExecBench["scenario"]>): Scenario => bench.scenario(...args);

describe("ExecAuth: failures", () => {
  it("missing executable → AuthError with the installHint", async () => {
    const auth = new ExecAuth({
      exec: { command: "bun-k8s-no-such-plugin", apiVersion: V1, interactiveMode: "Never", installHint: "Install it with: brew install no-such-plugin" },
      userName: "u",
      env: { env: { PATH: bench.t.dir }, now: Date.now, isTerminal: () => false },
    });
    const e = await failure(auth.credentials());
    expect(e).toBeInstanceOf(AuthError);
    expect(e.message).toContain('exec plugin "bun-k8s-no-such-plugin" of user "u": executable not found');
    expect(e.message).toContain("Install it with: brew install no-such-plugin");
    expect(e.message).toContain("client-go-credential-plugins");
  });

  it("a file that is not executable", async () => {
    const file = bench.t.write("not-exec", "#!/bin/sh\necho hi\n", 0o644);
    const auth = new ExecAuth({ exec: { command: file, apiVersion: V1, interactiveMode: "Never" }, userName: "u", env: { env: {}, now: Date.now, isTerminal: () => false } });
    expect((await failure(auth.credentials())).message).toMatch(/is not executable/);
  });

  it("non-zero exit → exit code and the plugin's stderr, never its stdout", async () => {
    // Through the inherited environment: values of the kubeconfig's exec env are secrets.
    const s = scenario(credential(V1, { token: SECRET }), {}, { env: { EXIT: "3", STDERR: "error: credentials expired, run login" } });
    const e = await failure(s.auth.credentials());
    expect(e).toBeInstanceOf(AuthError);
    expect(e.message).toContain("failed with exit code 3");
    expect(e.message).toContain("error: credentials expired, run login");
    expect(e.message).not.toContain(SECRET);
  });

  it("stderr that echoes the exec env values and the token it printed is scrubbed", async () => {
    const envSecret = "env-SECRET-value-42";
    const s = scenario(
      credential(V1, { token: SECRET }),
      { env: [{ name: "API_KEY", value: envSecret }] },
      { env: { EXIT: "1", STDERR: `debug: API_KEY=${envSecret} token=${SECRET} expired` } },
    );
    const e = await failure(s.auth.credentials());
    expect(e).toBeInstanceOf(AuthError);
    expect(e.message).toMatch(/its stderr:\ndebug: API_KEY=REDACTED token=REDACTED expired/);
    for (const text of [e.message, e.stack ?? "", String(e), JSON.stringify(e), inspect(e, { depth: 5 })]) {
      expect(text).not.toContain(envSecret);
      expect(text).not.toContain(SECRET);
    }
  });

  it("a plugin killed by a signal", async () => {
    const script = bench.t.script("bin/killed", "kill -9 $$");
    const auth = new ExecAuth({ exec: { command: script, apiVersion: V1, interactiveMode: "Never" }, userName: "u", env: { env: {}, now: Date.now, isTerminal: () => false } });
    expect((await failure(auth.credentials())).message).toMatch(/was killed by SIGKILL/);
  });

  const bad: [string, string, RegExp][] = [
    ["output that is not JSON", `token: ${SECRET}`, /did not print an ExecCredential as JSON/],
    ["the other apiVersion", credential(V1BETA1, { token: SECRET }), /is configured for client.authentication.k8s.io\/v1 but returned "client.authentication.k8s.io\/v1beta1"/],
    ["another kind", JSON.stringify({ apiVersion: V1, kind: "Secret", status: { token: SECRET } }), /kind other than ExecCredential/],
    ["no status", JSON.stringify({ apiVersion: V1, kind: "ExecCredential", spec: { token: SECRET } }), /returned no status/],
    ["an empty status", credential(V1, {}), /neither a token nor a client certificate/],
    ["a certificate without key", credential(V1, { clientCertificateData: CERT_PEM, token: SECRET }), /only one of clientCertificateData and clientKeyData/],
    ["a bad expirationTimestamp", credential(V1, { token: SECRET, expirationTimestamp: "tomorrow" }), /expirationTimestamp that is not an RFC 3339 time/],
    ["a token that is not a string", credential(V1, { token: 12345 }), /status.token that is not a string/],
  ];
  it.each(bad)("rejects %s without quoting stdout", async (_name, response, message) => {
    const s = scenario(response);
    const e = await failure(s.auth.credentials());
    expect(e).toBeInstanceOf(AuthError);
    expect(e.message).toMatch(message);
    expect(e.message).not.toContain(SECRET);
  });

  it("a failed run is not cached: the next call runs the plugin again", async () => {
    const s = scenario("not json");
    await failure(s.auth.credentials());
    await failure(s.auth.credentials());
    expect(s.runs()).toBe(2);
  });
});
