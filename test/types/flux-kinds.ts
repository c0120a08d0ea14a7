/**
 * Type-level tests of the Flux toolkit's kind table: a target maps to its object type, and
 * operations a kind does not support do not compile. Checked by `npm run typecheck`.
 */
import type { Connection } from "../../src/connection/types.ts";
import { FluxClient, type FluxObjectOf, type FluxRef } from "../../src/flux/index.ts";
import type { HelmRelease } from "../../generated/flux/helm/v2/index.ts";
import type { Alert } from "../../generated/flux/notification/v1beta3/index.ts";
import type { GitRepository } from "../../generated/flux/source/v1/index.ts";

type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
const assertType = <T extends true>(): T => true as T;

assertType<Equal<FluxObjectOf<FluxRef<"GitRepository">>, GitRepository>>();
assertType<Equal<FluxObjectOf<HelmRelease>, HelmRelease>>();

declare const conn: Connection;
const flux = new FluxClient(conn);
declare const alert: Alert;

export async function unsupportedOperations(): Promise<void> {
  // @ts-expect-error Alerts have no reconciler
  await flux.reconcile(alert);
  // @ts-expect-error ExternalArtifact cannot be suspended
  await flux.suspend({ kind: "ExternalArtifact", name: "a", namespace: "n" });
  // @ts-expect-error credentials are read for GitRepositories only
  await flux.credentials({ kind: "OCIRepository", name: "a", namespace: "n" });
  // @ts-expect-error not a Flux kind
  await flux.status({ kind: "Deployment", name: "a", namespace: "n" });
  const release: HelmRelease = await flux.waitForReady({ kind: "HelmRelease", name: "a", namespace: "n" });
  // @ts-expect-error waitForReady of a HelmRelease gives a HelmRelease, not a GitRepository
  const repo: GitRepository = await flux.waitForReady({ kind: "HelmRelease", name: "a", namespace: "n" });
  void release;
  void repo;
}

export async function operationsOfTheCli(): Promise<void> {
  // export keeps the kind: a Kustomization's manifest has a Kustomization's spec.
  const manifest = await flux.export({ kind: "Kustomization", name: "a", namespace: "n" });
  assertType<Equal<typeof manifest.kind, "Kustomization">>();
  const path: string | undefined = manifest.spec?.path;
  // @ts-expect-error a Kustomization's spec has no url
  void manifest.spec?.url;
  const sources = await flux.exportAll("GitRepository", { namespace: "n" });
  const url: string | undefined = sources[0]?.spec?.url;
  // @ts-expect-error not a Flux kind
  await flux.exportAll("Deployment");
  // Git credentials: exactly one way to authenticate.
  await flux.applyGitCredentials({ name: "a", namespace: "n", bearerToken: "t" });
  // @ts-expect-error basic auth and a bearer token together
  await flux.applyGitCredentials({ name: "a", namespace: "n", bearerToken: "t", basicAuth: { username: "u", password: "p" } });
  // @ts-expect-error SSH needs known_hosts
  await flux.applyGitCredentials({ name: "a", namespace: "n", ssh: { identity: "k" } });
  // trace takes any object or a reference with an apiVersion.
  const traced = await flux.trace({ apiVersion: "apps/v1", kind: "Deployment", name: "web", namespace: "n" });
  const owner: string | undefined = traced.owner?.ref.kind;
  void path;
  void url;
  void owner;
}
