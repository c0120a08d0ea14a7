/**
 * FluxClient: the `flux` CLI's everyday operations as typed methods on one object —
 * reconcile, suspend, resume, wait for ready, status, tree, trace, export, stats, Git
 * credentials (read and write), events, and create-or-update of source + consumer pairs.
 */
import { api } from "../api/client.ts";
import type { CallOptions } from "../api/client-types.ts";
import type { Connection } from "../connection/types.ts";
import { isNotFound, ValidationError } from "../base/errors.ts";
import type { ResourceType } from "../base/resource.ts";
import type { ApplyParams } from "../request/patch.ts";
import type { WatcherEvent } from "../runtime/watcher-events.ts";
import { Secret } from "../../generated/k8s/core/v1/index.ts";
import type { Event } from "../../generated/k8s/events/v1/index.ts";
import type { HelmRelease } from "../../generated/flux/helm/v2/index.ts";
import type { Kustomization } from "../../generated/flux/kustomize/v1/index.ts";
import type { GitRepository, HelmRepository } from "../../generated/flux/source/v1/index.ts";
import { gitKustomizationConfigs, helmReleaseConfigs, type GitKustomizationPair, type HelmReleasePair } from "./apply-pairs.ts";
import { clientFor, type FluxContext } from "./context.ts";
import { listFluxEvents, watchFluxEvents, type FluxEventsOptions } from "./events.ts";
import { parseGitCredentials, readGitCredentials, type GitCredentials } from "./git-credentials.ts";
import { gitCredentialsSecret, type GitCredentialsSpec } from "./git-secret.ts";
import { exportFluxObject, type FluxManifest } from "./manifest-export.ts";
import { fluxStats, type FluxKindStats } from "./stats.ts";
import { traceObject, type FluxTrace, type TraceTarget } from "./trace.ts";
import {
  FLUX_RESOURCES,
  fluxRefOf,
  isReconcilableKind,
  type FluxKind,
  type FluxObject,
  type FluxObjectMap,
  type FluxObjectOf,
  type FluxTarget,
  type ReconcilableKind,
  type SuspendableKind,
} from "./kinds.ts";
import { reconcile, setSuspended, type ReconcileOptions, type ReconcileResult, type SuspendOptions } from "./reconcile.ts";
import { RequestClock } from "./reconcile-request.ts";
import { fluxTree, type FluxTree, type FluxTreeOptions } from "./source-tree.ts";
import { fluxStatus, type FluxStatus } from "./status-summary.ts";
import { waitForReady, type FluxWaitOptions } from "./wait-ready.ts";

/** The field managers a FluxClient writes with. */
export interface FluxClientOptions {
  /** Field manager for create-or-update applies and reconcile requests. Default "bun-k8s-flux". */
  fieldManager?: string;
  /** Field manager owning `spec.suspend`. Default `${fieldManager}-suspend`; must differ from fieldManager. */
  suspendFieldManager?: string;
}

/** How `resume` clears `spec.suspend` and then waits like a reconcile (`flux resume`). */
export interface ResumeOptions extends SuspendOptions, Omit<ReconcileOptions, "withSource" | "force" | "reset" | "signal" | "timeoutMs"> {}

export interface PairApplyOptions extends Omit<ApplyParams, "fieldManager">, CallOptions {}

/**
 * @example
 * const flux = new FluxClient(await KubeClient.load());
 * await flux.reconcile({ kind: "Kustomization", name: "apps", namespace: "flux-system" }, { withSource: true, wait: true });
 * console.log(await flux.status({ kind: "Kustomization", name: "apps", namespace: "flux-system" }));
 */
export class FluxClient {
  readonly #ctx: FluxContext;

  /** From a KubeClient (anything with a `connection`) or a Connection. */
  constructor(kube: Connection | { readonly connection: Connection }, options: FluxClientOptions = {}) {
    const conn = "connection" in kube ? kube.connection : kube;
    const fieldManager = options.fieldManager ?? "bun-k8s-flux";
    const suspendFieldManager = options.suspendFieldManager ?? `${fieldManager}-suspend`;
    if (suspendFieldManager === fieldManager) {
      throw new ValidationError("FluxClient: suspendFieldManager must differ from fieldManager (an apply of spec.suspend alone would remove the rest)");
    }
    this.#ctx = { conn, fieldManager, suspendFieldManager, requestClock: new RequestClock() };
  }

  get fieldManager(): string {
    return this.#ctx.fieldManager;
  }

  /** The object as the API serves it now. @example const hr = await flux.get({ kind: "HelmRelease", name: "podinfo", namespace: "apps" }); */
  async get<X extends FluxTarget>(target: X, options?: CallOptions): Promise<FluxObjectOf<X>> {
    const ref = fluxRefOf(target);
    return (await clientFor(this.#ctx, ref).get(ref.name, options)) as FluxObjectOf<X>;
  }

  /** Ready, reason, message, revision, suspended — for any Flux kind. @example (await flux.status(repo)).revision */
  async status(target: FluxTarget, options?: CallOptions): Promise<FluxStatus> {
    return fluxStatus(await this.get(target, options));
  }

  /**
   * `flux tree`: the object, its chain of sources and its dependencies, each with its status,
   * and what a Kustomization or HelmRelease applied (from status.inventory, or the stored Helm
   * release), nested Kustomizations and HelmReleases followed.
   * @example console.log(formatFluxTree(await flux.tree(ks)))
   */
  tree(target: FluxTarget, options?: FluxTreeOptions): Promise<FluxTree> {
    return fluxTree(this.#ctx, fluxRefOf(target), options);
  }

  /**
   * `flux trace`: from any object (a reference or the object itself) to the Kustomization or
   * HelmRelease whose ownership labels it carries, and on to its sources; `owner` is
   * undefined when Flux does not manage it.
   * @example console.log(formatFluxTrace(await flux.trace({ apiVersion: "apps/v1", kind: "Deployment", name: "web", namespace: "apps" })))
   */
  trace(target: TraceTarget): Promise<FluxTrace> {
    return traceObject(this.#ctx, target);
  }

  /** `flux export`: the object as a clean manifest (no status, no server-set metadata). @example formatFluxManifests([await flux.export(ks)]) */
  async export<K extends FluxKind>(target: FluxTarget<K>, options?: CallOptions): Promise<FluxManifest<K>> {
    const object = (await this.get(target, options)) as FluxObjectMap[K];
    return exportFluxObject<K>(object);
  }

  /** `flux export <kind> --all`: every object of a kind in a namespace (all namespaces when none), by name. @example await flux.exportAll("GitRepository", { namespace: "flux-system" }) */
  async exportAll<K extends FluxKind>(kind: K, options: { namespace?: string } & CallOptions = {}): Promise<FluxManifest<K>[]> {
    const { namespace, ...call } = options;
    return (await this.#list(kind, namespace, call)).map((o) => exportFluxObject<K>(o));
  }

  /**
   * `flux stats`: per kind, how many objects are running, ready, failing and suspended, in a
   * namespace or (none given) all of them. Kinds whose CRD the cluster lacks are left out.
   * @example console.log(formatFluxStats(await flux.stats({ namespace: "flux-system" })))
   */
  async stats(options: { namespace?: string; kinds?: readonly FluxKind[] } & CallOptions = {}): Promise<FluxKindStats[]> {
    const { namespace, kinds, ...call } = options;
    const wanted = kinds ?? (Object.keys(FLUX_RESOURCES) as FluxKind[]);
    const lists = await Promise.all(
      wanted.map(async (kind) => {
        try {
          return { kind, items: await this.#list(kind, namespace, call) };
        } catch (error) {
          if (isNotFound(error)) return undefined;
          throw error;
        }
      }),
    );
    const served = lists.filter((l) => l !== undefined);
    return fluxStats(served.flatMap((l) => l.items as FluxObject[]), served.map((l) => l.kind));
  }

  /** `flux reconcile`: request a reconciliation, optionally waiting for it. @example await flux.reconcile(ks, { wait: true }) */
  reconcile<X extends FluxTarget<ReconcilableKind>>(target: X, options?: ReconcileOptions): Promise<ReconcileResult<FluxObjectOf<X>>> {
    return reconcile<FluxObjectOf<X>>(this.#ctx, fluxRefOf(target), options);
  }

  /** `flux suspend`: spec.suspend=true by server-side apply. @example await flux.suspend(hr) */
  async suspend<X extends FluxTarget<SuspendableKind>>(target: X, options?: SuspendOptions): Promise<FluxObjectOf<X>> {
    return (await setSuspended(this.#ctx, fluxRefOf<SuspendableKind>(target), true, options)) as FluxObjectOf<X>;
  }

  /**
   * `flux resume`: spec.suspend=false by server-side apply, then a reconcile request (so it
   * runs now even if suspend was already false). `wait` waits for the handshake and readiness.
   * @example await flux.resume(hr, { wait: true, timeoutMs: 120_000 })
   */
  async resume<X extends FluxTarget<SuspendableKind>>(target: X, options: ResumeOptions = {}): Promise<ReconcileResult<FluxObjectOf<X>>> {
    const ref = fluxRefOf<SuspendableKind>(target);
    const object = (await setSuspended(this.#ctx, ref, false, options)) as FluxObjectOf<X>;
    if (!isReconcilableKind(ref.kind)) return { object, requestedAt: undefined, handled: false };
    // `force` here is the apply's; it must not reach reconcile, where it would force a Helm upgrade.
    const { force: _applyForce, ...reconcileOptions } = options;
    return reconcile<FluxObjectOf<X>>(this.#ctx, ref, reconcileOptions);
  }

  /**
   * Resolves with the object once Ready=True for its current generation; rejects early with
   * FluxNotReadyError (Stalled, or Ready=False), or with WaitTimeoutError.
   * @example const repo = await flux.waitForReady({ kind: "GitRepository", name: "podinfo", namespace: "flux-system" }, { timeoutMs: 60_000 });
   */
  waitForReady<X extends FluxTarget>(target: X, options?: FluxWaitOptions): Promise<FluxObjectOf<X>> {
    return waitForReady<FluxObjectOf<X>>(this.#ctx, fluxRefOf(target), options);
  }

  /**
   * The credentials in the Secret a GitRepository's spec.secretRef names, secrets redacted
   * when printed; undefined when it names none.
   * @example const creds = await flux.credentials(repo); creds?.basicAuth?.password?.reveal();
   */
  async credentials(target: FluxTarget<"GitRepository">, options?: CallOptions): Promise<GitCredentials | undefined> {
    const ref = fluxRefOf(target);
    const repository = "metadata" in target && target.spec ? target : await this.get(ref, options);
    const secretName = repository.spec?.secretRef?.name;
    if (!secretName) return undefined;
    const secret = await api(this.#ctx.conn, Secret, { namespace: ref.namespace }).get(secretName, options);
    return parseGitCredentials(secret, repository.spec?.url ?? "");
  }

  /**
   * `flux create secret git`: creates or updates, by server-side apply, the Secret a
   * GitRepository's secretRef names, with the keys the CLI writes (basic auth, bearer token,
   * or SSH with known_hosts; `ca.crt`). Resolves with what it wrote, secrets redacted.
   * @example await flux.applyGitCredentials({ name: "git-auth", namespace: "flux-system", basicAuth: { username: "git", password: token } })
   */
  async applyGitCredentials(spec: GitCredentialsSpec, options: PairApplyOptions = {}): Promise<GitCredentials> {
    const config = gitCredentialsSecret(spec);
    const secret = await api(this.#ctx.conn, Secret, { namespace: spec.namespace }).apply(config, {
      force: true,
      ...options,
      fieldManager: this.#ctx.fieldManager,
    });
    return readGitCredentials(secret, spec.ssh ? "ssh" : "https");
  }

  /** Events about the object, oldest first. @example for (const e of await flux.events(repo)) console.log(e.reason, e.note); */
  events(target: FluxTarget, options?: FluxEventsOptions & CallOptions): Promise<Event[]> {
    return listFluxEvents(this.#ctx.conn, target, options);
  }

  /** Events about the object as a watch (current ones, SYNCED, then new ones). @example for await (const c of flux.watchEvents(repo, { signal })) ... */
  watchEvents(target: FluxTarget, options?: FluxEventsOptions & { signal?: AbortSignal }): AsyncIterable<WatcherEvent<Event>> {
    return watchFluxEvents(this.#ctx.conn, target, options);
  }

  /**
   * Creates or updates a GitRepository and its Kustomization by server-side apply, source first.
   * @example await flux.applyGitRepositoryAndKustomization({ namespace: "flux-system", name: "podinfo", gitRepository: {...}, kustomization: {...} })
   */
  async applyGitRepositoryAndKustomization(
    pair: GitKustomizationPair,
    options: PairApplyOptions = {},
  ): Promise<{ gitRepository: GitRepository; kustomization: Kustomization }> {
    const configs = gitKustomizationConfigs(pair);
    const params = { ...options, fieldManager: this.#ctx.fieldManager };
    const ns = pair.namespace;
    const gitRepository = await clientFor(this.#ctx, { kind: "GitRepository", name: pair.name, namespace: ns }).apply(configs.gitRepository, params);
    const kustomization = await clientFor(this.#ctx, { kind: "Kustomization", name: configs.kustomization.metadata.name, namespace: ns }).apply(
      configs.kustomization,
      params,
    );
    return { gitRepository, kustomization };
  }

  /**
   * Creates or updates a HelmRepository and a HelmRelease of one of its charts by server-side apply, repository first.
   * @example await flux.applyHelmRepositoryAndRelease({ namespace: "apps", name: "podinfo", helmRepository: {...}, helmRelease: {...} })
   */
  async applyHelmRepositoryAndRelease(
    pair: HelmReleasePair,
    options: PairApplyOptions = {},
  ): Promise<{ helmRepository: HelmRepository; helmRelease: HelmRelease }> {
    const configs = helmReleaseConfigs(pair);
    const params = { ...options, fieldManager: this.#ctx.fieldManager };
    const ns = pair.namespace;
    const helmRepository = await clientFor(this.#ctx, { kind: "HelmRepository", name: configs.helmRepository.metadata.name, namespace: ns }).apply(
      configs.helmRepository,
      params,
    );
    const helmRelease = await clientFor(this.#ctx, { kind: "HelmRelease", name: pair.name, namespace: ns }).apply(configs.helmRelease, params);
    return { helmRepository, helmRelease };
  }

  async #list<K extends FluxKind>(kind: K, namespace: string | undefined, call: CallOptions): Promise<FluxObjectMap[K][]> {
    const resource = FLUX_RESOURCES[kind] as ResourceType<FluxObjectMap[K], true, string>;
    const client = namespace ? api(this.#ctx.conn, resource, { namespace }) : api(this.#ctx.conn, resource);
    return (await client.list(call)).items;
  }
}
