import { describe, expect, it } from "vitest";
import { listOpenApiDocuments, loadFromCluster } from "../../../codegen/cluster-loader.ts";
import { loadOpenApiDocuments } from "../../../codegen/openapi-loader.ts";
import { coreDocument, widgetsDocument } from "./openapi-fixtures.ts";

/** Serves the fixture documents the way kube-apiserver lays out /openapi/v3, and records every path asked for. */
function fakeServer(): { fetchJson: (path: string) => Promise<unknown>; asked: string[] } {
  const asked: string[] = [];
  const documents: Record<string, unknown> = {
    "/openapi/v3/api/v1?hash=AAA": coreDocument,
    "/openapi/v3/apis/widgets.example.k8s.io/v1?hash=BBB": widgetsDocument,
  };
  const root = {
    paths: {
      "apis/widgets.example.k8s.io/v1": { serverRelativeURL: "/openapi/v3/apis/widgets.example.k8s.io/v1?hash=BBB" },
      "api/v1": { serverRelativeURL: "/openapi/v3/api/v1?hash=AAA" },
      "apis/widgets.example.k8s.io": { serverRelativeURL: "/openapi/v3/apis/widgets.example.k8s.io?hash=CCC" },
      version: { serverRelativeURL: "/openapi/v3/version?hash=DDD" },
      ".well-known/openid-configuration": { serverRelativeURL: "/openapi/v3/.well-known/openid-configuration?hash=EEE" },
    },
  };
  return {
    asked,
    fetchJson: async (path) => {
      asked.push(path);
      if (path === "/openapi/v3") return root;
      const doc = documents[path];
      if (doc === undefined) throw new Error(`unexpected fetch of ${path}`);
      return doc;
    },
  };
}

describe("loadFromCluster", () => {
  it("lists only group/version documents, sorted, with their server-relative URLs", async () => {
    expect(await listOpenApiDocuments(fakeServer().fetchJson)).toEqual([
      { key: "api/v1", url: "/openapi/v3/api/v1?hash=AAA" },
      { key: "apis/widgets.example.k8s.io/v1", url: "/openapi/v3/apis/widgets.example.k8s.io/v1?hash=BBB" },
    ]);
  });

  it.each([1, 4])("builds the same model as the documents loaded from files (concurrency %i)", async (concurrency) => {
    const server = fakeServer();
    const fromCluster = await loadFromCluster(server.fetchJson, { concurrency });
    const fromFiles = loadOpenApiDocuments([
      { name: "api/v1", document: coreDocument },
      { name: "apis/widgets.example.k8s.io/v1", document: widgetsDocument },
    ]);
    expect(fromCluster).toEqual(fromFiles);
    expect([...server.asked].sort()).toEqual([
      "/openapi/v3",
      "/openapi/v3/api/v1?hash=AAA",
      "/openapi/v3/apis/widgets.example.k8s.io/v1?hash=BBB",
    ]);
  });

  it("says what is wrong when /openapi/v3 is not a Kubernetes index", async () => {
    await expect(loadFromCluster(async () => ({ swagger: "2.0" }))).rejects.toThrow(/\/openapi\/v3 has no paths/);
  });
});
