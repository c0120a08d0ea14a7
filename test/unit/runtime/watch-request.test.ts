import { describe, expect, it } from "vitest";
import { ValidationError } from "../../../src/errors.ts";
import { buildListRequest, buildWatchRequest } from "../../../src/runtime/watch-request.ts";

const path = "/api/v1/namespaces/ns/configmaps";

describe("buildWatchRequest", () => {
  it.each([
    { name: "bare watch", query: {}, expected: { watch: true } },
    {
      name: "resume with bookmarks",
      query: { resourceVersion: "42", allowWatchBookmarks: true, timeoutSeconds: 290 },
      expected: { watch: true, resourceVersion: "42", allowWatchBookmarks: true, timeoutSeconds: 290 },
    },
    {
      name: "streaming list",
      query: { sendInitialEvents: true, resourceVersionMatch: "NotOlderThan" as const, allowWatchBookmarks: true },
      expected: { watch: true, sendInitialEvents: true, resourceVersionMatch: "NotOlderThan", allowWatchBookmarks: true },
    },
    {
      name: "selectors",
      query: { labelSelector: "app=web", fieldSelector: "metadata.name=x" },
      expected: { watch: true, labelSelector: "app=web", fieldSelector: "metadata.name=x" },
    },
  ])("$name", ({ query, expected }) => {
    expect(buildWatchRequest(path, query)).toEqual({
      method: "GET",
      path,
      query: expected,
      headers: { accept: "application/json" },
    });
  });

  it.each([
    { name: "sendInitialEvents without NotOlderThan", query: { sendInitialEvents: true } },
    { name: "resourceVersionMatch without sendInitialEvents", query: { resourceVersionMatch: "NotOlderThan" as const } },
    { name: "negative timeout", query: { timeoutSeconds: -1 } },
    { name: "fractional timeout", query: { timeoutSeconds: 1.5 } },
  ])("rejects $name", ({ query }) => {
    expect(() => buildWatchRequest(path, query)).toThrow(ValidationError);
  });

  it.each(["api/v1/pods", "/api/v1/pods?watch=1"])("rejects the path %s", (bad) => {
    expect(() => buildWatchRequest(bad)).toThrow(ValidationError);
  });
});

describe("buildListRequest", () => {
  it.each([
    { name: "everything", query: {}, expected: {} },
    { name: "first page", query: { limit: 500 }, expected: { limit: 500 } },
    { name: "next page", query: { limit: 500, continueToken: "abc" }, expected: { limit: 500, continue: "abc" } },
    { name: "limit 0 means no limit", query: { limit: 0 }, expected: {} },
    {
      name: "exact version",
      query: { resourceVersion: "7", resourceVersionMatch: "Exact" as const },
      expected: { resourceVersion: "7", resourceVersionMatch: "Exact" },
    },
  ])("$name", ({ query, expected }) => {
    expect(buildListRequest(path, query).query).toEqual(expected);
  });

  it.each([
    { name: "negative limit", query: { limit: -5 } },
    { name: "match without version", query: { resourceVersionMatch: "Exact" as const } },
    { name: "match with continue", query: { resourceVersion: "1", resourceVersionMatch: "NotOlderThan" as const, continueToken: "x" } },
  ])("rejects $name", ({ query }) => {
    expect(() => buildListRequest(path, query)).toThrow(ValidationError);
  });
});
