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
