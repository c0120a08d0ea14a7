import { describe, expect, it } from "vitest";
import { api, isStatus } from "../../../src/index.ts";
import { DecodeError, ValidationError, ApiError } from "../../../src/base/errors.ts";
import { requestTarget } from "../../../src/request/index.ts";
import { ConfigMap, Deployment, Namespace, Pod, TokenReview } from "../../types/api-fixtures.ts";
import { json, RecordingConnection } from "./recording-connection.ts";

const enc = (s: string) => new TextEncoder().encode(s);

describe("generic client: sending and decoding", () => {
  it("get sends the built request and returns the decoded object", async () => {
    const conn = new RecordingConnection([json({ kind: "Deployment", metadata: { name: "web" } })]);
    const web = await api(conn, Deployment, { namespace: "prod" }).get("web");
    expect(web.metadata?.name).toBe("web");
    expect(conn.sent.map((s) => `${s.request.method} ${requestTarget(s.request)}`)).toEqual([
      "GET /apis/apps/v1/namespaces/prod/deployments/web",
    ]);
  });

  it("passes signal and timeout as send options, never as query parameters", async () => {
    const conn = new RecordingConnection([json({ metadata: {}, items: [] })]);
    const signal = new AbortController().signal;
    await api(conn, ConfigMap, { namespace: "default" }).list({ limit: 5, signal, timeoutMs: 1234 });
    expect(conn.sent[0]!.options).toEqual({ signal, timeoutMs: 1234 });
    expect(requestTarget(conn.sent[0]!.request)).toBe("/api/v1/namespaces/default/configmaps?limit=5");
  });

  it("getOpt resolves undefined on 404 and rethrows anything else", async () => {
    const conn = new RecordingConnection([
      { error: { kind: "Status", code: 404, reason: "NotFound", message: "not found" } },
      { error: { kind: "Status", code: 403, reason: "Forbidden", message: "no" } },
    ]);
    const cms = api(conn, ConfigMap, { namespace: "default" });
    await expect(cms.getOpt("missing")).resolves.toBeUndefined();
    await expect(cms.getOpt("secret")).rejects.toBeInstanceOf(ApiError);
  });

  it("reports a malformed body as DecodeError without quoting it", async () => {
    const conn = new RecordingConnection([{ body: '{"data":{"password":"hunter2"' }]);
    const error = await api(conn, ConfigMap, { namespace: "default" }).get("c").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DecodeError);
    expect((error as Error).message).toMatch(/not valid JSON .*GET \/api\/v1\/namespaces\/default\/configmaps\/c/);
    expect((error as Error).message).not.toContain("hunter2");
    expect((error as Error).cause).toBeUndefined();
  });

  it.each([
    ["null", "JSON null"],
    ["[1]", "a JSON array"],
    ['"x"', "a JSON string"],
    ["42", "a JSON number"],
  ])("get() of a body that is %s is a DecodeError, never returned as the object", async (body, described) => {
    const conn = new RecordingConnection([{ body }]);
    const error = await api(conn, ConfigMap, { namespace: "default" }).get("c").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DecodeError);
    expect((error as Error).message).toMatch(new RegExp(`response body is ${described}, expected a JSON object`));
  });

  it("passes maxResponseBytes as a send option", async () => {
    const conn = new RecordingConnection([json({ metadata: {}, items: [] })]);
    await api(conn, ConfigMap, { namespace: "default" }).list({ maxResponseBytes: 4096 });
    expect(conn.sent[0]!.options).toEqual({ maxResponseBytes: 4096 });
    expect(requestTarget(conn.sent[0]!.request)).toBe("/api/v1/namespaces/default/configmaps");
  });

  it("reports an empty body and a list without items as DecodeError", async () => {
    const conn = new RecordingConnection([{ body: "" }, json({ kind: "Status" })]);
    const cms = api(conn, ConfigMap, { namespace: "default" });
    await expect(cms.get("c")).rejects.toThrow(/empty/);
    await expect(cms.list()).rejects.toThrow(/no "items" array/);
  });

  it("fills in apiVersion and kind on list items, keeping what is there", async () => {
    const conn = new RecordingConnection([
      json({ kind: "DeploymentList", apiVersion: "apps/v1", metadata: {}, items: [{ metadata: { name: "a" } }, { kind: "Deployment", apiVersion: "apps/v1", metadata: { name: "b" } }] }),
    ]);
    const list = await api(conn, Deployment).list();
    expect(list.items).toEqual([
      { metadata: { name: "a" }, apiVersion: "apps/v1", kind: "Deployment" },
      { kind: "Deployment", apiVersion: "apps/v1", metadata: { name: "b" } },
    ]);
  });

  it("pages follow continue tokens and drop resourceVersion(Match) after the first page", async () => {
    const page = (names: string[], cont?: string) => json({ metadata: { continue: cont }, items: names.map((name) => ({ metadata: { name } })) });
    const conn = new RecordingConnection([page(["a", "b"], "t1"), page(["c", "d"], "t2"), page(["e"])]);
    const names: string[] = [];
    for await (const cm of api(conn, ConfigMap, { namespace: "default" }).items({ limit: 2, resourceVersion: "0", resourceVersionMatch: "NotOlderThan", labelSelector: "x=y" })) {
      names.push(cm.metadata!.name!);
    }
    expect(names).toEqual(["a", "b", "c", "d", "e"]);
    expect(conn.sent.map((s) => requestTarget(s.request))).toEqual([
      "/api/v1/namespaces/default/configmaps?labelSelector=x%3Dy&limit=2&resourceVersion=0&resourceVersionMatch=NotOlderThan",
      "/api/v1/namespaces/default/configmaps?labelSelector=x%3Dy&limit=2&continue=t1",
      "/api/v1/namespaces/default/configmaps?labelSelector=x%3Dy&limit=2&continue=t2",
    ]);
  });

  it("returns a delete's Status or object as it comes", async () => {
    const conn = new RecordingConnection([json({ kind: "Status", status: "Success" }), json({ kind: "Pod", metadata: { name: "p" } })]);
    const pods = api(conn, Pod, { namespace: "default" });
    expect(isStatus(await pods.delete("a"))).toBe(true);
    expect(isStatus(await pods.delete("p", { gracePeriodSeconds: 30 }))).toBe(false);
  });
});

describe("generic client: rules checked before sending", () => {
  const rejectsUnsent = async (conn: RecordingConnection, call: () => Promise<unknown>, message: RegExp) => {
    await expect(call()).rejects.toThrow(ValidationError);
    await expect(call()).rejects.toThrow(message);
    expect(conn.sent).toEqual([]);
  };

  it("refuses verbs the kind does not serve", async () => {
    const conn = new RecordingConnection();
    const reviews = api(conn, TokenReview) as unknown as { list(): Promise<unknown> };
    await rejectsUnsent(conn, () => reviews.list(), /does not serve "list"/);
  });

  it("refuses subresources the kind does not have", async () => {
    const conn = new RecordingConnection();
    const cms = api(conn, ConfigMap, { namespace: "default" }) as unknown as { scale: { get(n: string): Promise<unknown> } };
    await rejectsUnsent(conn, () => cms.scale.get("c"), /no "scale" subresource/);
  });

  it("refuses single-object verbs on an all-namespaces client", async () => {
    const conn = new RecordingConnection();
    const pods = api(conn, Pod) as unknown as { get(n: string): Promise<unknown> };
    await rejectsUnsent(conn, () => pods.get("p"), /Pod is namespaced; give a namespace/);
  });

  it("refuses a namespace on a cluster-scoped kind given through a cast", async () => {
    const conn = new RecordingConnection();
    const namespaces = api(conn, Namespace, { namespace: "x" } as never);
    await rejectsUnsent(conn, () => namespaces.get("prod"), /cluster-scoped/);
  });

  it("refuses to apply an object of another kind, and without a field manager", async () => {
    const conn = new RecordingConnection();
    const deployments = api(conn, Deployment, { namespace: "prod" });
    const sts = { apiVersion: "apps/v1", kind: "StatefulSet", metadata: { name: "db" } } as never;
    await rejectsUnsent(conn, () => deployments.apply(sts, { fieldManager: "me" }), /kind is "StatefulSet", expected "Deployment"/);
    const cfg = { apiVersion: "apps/v1" as const, kind: "Deployment" as const, metadata: { name: "web" } };
    await rejectsUnsent(conn, () => deployments.apply(cfg, {} as never), /requires a fieldManager/);
  });
});

describe("generic client: pod logs", () => {
  it("logs returns the text", async () => {
    const conn = new RecordingConnection([{ body: "one\ntwo\n" }]);
    expect(await api(conn, Pod, { namespace: "default" }).logs("p", { tailLines: 2 })).toBe("one\ntwo\n");
    expect(conn.sent[0]!.request.headers).toEqual({ Accept: "text/plain, */*" });
  });

  it("logStream splits lines across chunks and multi-byte characters, keeps a last partial line", async () => {
    const bytes = enc("first\r\nsecönd\nthird (no newline)");
    const split = bytes.indexOf(0xc3) + 1; // inside the two-byte "ö"
    const conn = new RecordingConnection([{ body: [bytes.slice(0, 3), bytes.slice(3, split), bytes.slice(split)] }]);
    const lines: string[] = [];
    for await (const line of api(conn, Pod, { namespace: "default" }).logStream("p", { follow: true })) lines.push(line);
    expect(lines).toEqual(["first", "secönd", "third (no newline)"]);
    // A followed log is a stream: the connection must not apply its request timeout.
    expect(conn.sent[0]!.options).toEqual({ stream: true });
    expect(requestTarget(conn.sent[0]!.request)).toBe("/api/v1/namespaces/default/pods/p/log?follow=true");
  });
});

describe("generic client: watch", () => {
  it("streams typed events from the built watch request", async () => {
    const lines = [
      { type: "ADDED", object: { kind: "ConfigMap", metadata: { name: "a", resourceVersion: "2" } } },
      { type: "BOOKMARK", object: { kind: "ConfigMap", metadata: { resourceVersion: "3" } } },
    ].map((e) => JSON.stringify(e) + "\n");
    const conn = new RecordingConnection([{ body: [enc(lines.join(""))] }]);
    const types: string[] = [];
    for await (const ev of api(conn, ConfigMap, { namespace: "default" }).watch({ resourceVersion: "1", allowWatchBookmarks: true })) {
      types.push(ev.type === "BOOKMARK" ? `BOOKMARK ${ev.object.metadata.resourceVersion}` : `${ev.type} ${ev.object.metadata?.name}`);
    }
    expect(types).toEqual(["ADDED a", "BOOKMARK 3"]);
    expect(requestTarget(conn.sent[0]!.request)).toBe("/api/v1/namespaces/default/configmaps?watch=true&resourceVersion=1&allowWatchBookmarks=true");
    expect(conn.sent[0]!.options).toMatchObject({ stream: true });
  });

  it("rejects a watch that breaks the API's option rules when iterated, sending nothing", async () => {
    const conn = new RecordingConnection();
    const iterate = async () => {
      for await (const _ of api(conn, ConfigMap, { namespace: "default" }).watch({ sendInitialEvents: true })) void _;
    };
    await expect(iterate()).rejects.toThrow(/requires resourceVersionMatch "NotOlderThan"/);
    expect(conn.sent).toEqual([]);
  });
});
