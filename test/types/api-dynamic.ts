/**
 * Type-level tests: the dynamic client, and verbs narrowed by the ResourceType's
 * fourth phantom (a hand-declared create-only TokenReview, since the generator does not
 * narrow verbs yet). Compiled by tsc, never run.
 */
import { api, discoverResource, dynamicResource, type DynamicObject } from "../../src/index.ts";
import type { Connection } from "../../src/connection/types.ts";
import { TokenReview } from "./api-fixtures.ts";

declare const conn: Connection;

export async function handDescribed(): Promise<void> {
  const Widgets = dynamicResource({ group: "example.com", version: "v1", plural: "widgets", namespaced: true, kind: "Widget", subresources: ["status"] });
  const widgets = api(conn, Widgets, { namespace: "default" });
  const w: DynamicObject = await widgets.get("w1");
  void w.metadata?.name;
  void (w.spec satisfies unknown);
  await widgets.status.get("w1");
  // @ts-expect-error only the subresources named in the spec are offered
  await widgets.scale.get("w1");
  await widgets.apply({ apiVersion: "example.com/v1", kind: "Widget", metadata: { name: "w1" }, spec: { size: 3 } }, { fieldManager: "me" });
  // @ts-expect-error even an open object needs metadata.name to apply
  await widgets.apply({ apiVersion: "example.com/v1", kind: "Widget", metadata: {} }, { fieldManager: "me" });

  const Clusterwide = dynamicResource({ group: "example.com", version: "v1", plural: "gizmos", namespaced: false });
  await api(conn, Clusterwide).list();
  // @ts-expect-error a cluster-scoped dynamic resource takes no namespace
  api(conn, Clusterwide, { namespace: "default" });
}

export async function discovered(): Promise<void> {
  const GitRepository = await discoverResource(conn, { kind: "GitRepository" });
  // Scope is only known at run time: a namespace is accepted (and checked when sent).
  const repos = api(conn, GitRepository, { namespace: "flux-system" });
  const all = await repos.list();
  void (all.items satisfies DynamicObject[]);
  await repos.status.get("podinfo");
}

export async function narrowedVerbs(): Promise<void> {
  const reviews = api(conn, TokenReview);
  await reviews.create({ spec: { token: "t" } });
  // @ts-expect-error TokenReview only serves create
  await reviews.list();
  // @ts-expect-error TokenReview only serves create
  await reviews.get("x");
  // @ts-expect-error TokenReview only serves create
  await reviews.delete("x");
}
