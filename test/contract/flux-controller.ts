/**
 * No Flux controller runs against the contract cluster, so the Flux tests play one: they
 * write `status` through the status subresource, as source-controller and friends do.
 * `FakeFluxController` answers reconcile requests (the requestedAt → lastHandledReconcileAt
 * handshake) for chosen kinds in one namespace, and records the order it handled them in.
 * `fluxSuite` is the connection, scratch namespace and FluxClient every Flux file starts with.
 */
import { afterAll, beforeAll } from "vitest";
import { api } from "../../src/api/client.ts";
import type { ResourceType } from "../../src/base/resource.ts";
import type { Connection } from "../../src/connection/types.ts";
import { FluxClient } from "../../src/flux/flux-client.ts";
import { FLUX_RESOURCES, type FluxKind, type FluxObject, type FluxRef } from "../../src/flux/kinds.ts";
import type { FluxCondition } from "../../src/flux/readiness.ts";
import { RECONCILE_REQUEST_ANNOTATION } from "../../src/flux/reconcile-request.ts";
import { informer, type Informer } from "../../src/runtime/informer.ts";
import { connect, scratchNamespace } from "./api-connection.ts";

export function condition(type: string, status: FluxCondition["status"], reason: string, message = "", observedGeneration?: number): FluxCondition {
  return {
    type,
    status,
    reason,
    message,
    lastTransitionTime: new Date().toISOString().replace(/\.\d+Z$/, "Z"),
    ...(observedGeneration !== undefined ? { observedGeneration } : {}),
  };
}

/** Merge-patches the status subresource of a Flux object. */
export async function writeStatus(conn: Connection, ref: FluxRef, status: Record<string, unknown>): Promise<FluxObject> {
  const client = api(conn, FLUX_RESOURCES[ref.kind] as ResourceType<FluxObject, true, string>, { namespace: ref.namespace });
  return client.status.patch(ref.name, { type: "merge", patch: { status } as never });
}

/** Reads the object's generation and reports Ready=True for it, as a successful reconcile would. */
export async function markReady(conn: Connection, ref: FluxRef, extra: Record<string, unknown> = {}): Promise<FluxObject> {
  const client = api(conn, FLUX_RESOURCES[ref.kind] as ResourceType<FluxObject, true, string>, { namespace: ref.namespace });
  const generation = (await client.get(ref.name)).metadata?.generation ?? 1;
  return writeStatus(conn, ref, {
    observedGeneration: generation,
    conditions: [condition("Ready", "True", "Succeeded", "reconciliation succeeded", generation)],
    ...extra,
  });
}

export interface HandledRequest {
  ref: string;
  token: string;
  /** When the fake handled it (ms since the epoch). */
  at: number;
}

/** What the fake reports for a handled request; the default is Ready=True for the current generation. */
export type Outcome = (object: FluxObject) => Record<string, unknown>;

export class FakeFluxController {
  readonly handled: HandledRequest[] = [];
  /** Status writes that failed; tests assert it stays empty. */
  readonly errors: unknown[] = [];
  private readonly informers: Informer<FluxObject>[] = [];
  private readonly inFlight = new Set<string>();

  private readonly outcome: Outcome;
  private readonly only: ReadonlySet<string> | undefined;

  private readonly conn: Connection;
  private readonly namespace: string;

  /** `only`: handle just these names (other objects in the namespace are left alone). */
  constructor(conn: Connection, namespace: string, kinds: readonly FluxKind[], options: { outcome?: Outcome; only?: readonly string[] } = {}) {
    this.conn = conn;
    this.namespace = namespace;
    this.outcome =
      options.outcome ??
      ((o) => ({
        observedGeneration: o.metadata?.generation,
        conditions: [condition("Ready", "True", "Succeeded", "reconciliation succeeded", o.metadata?.generation)],
      }));
    this.only = options.only ? new Set(options.only) : undefined;
    for (const kind of kinds) {
      const inf = informer(api(conn, FLUX_RESOURCES[kind] as ResourceType<FluxObject, true, string>, { namespace }));
      const check = (o: FluxObject): void => void this.maybeHandle(kind, o).catch((e: unknown) => this.errors.push(e));
      inf.on("add", check);
      inf.on("update", check);
      this.informers.push(inf);
    }
  }

  async waitForSync(): Promise<void> {
    await Promise.all(this.informers.map((i) => i.waitForSync({ timeoutMs: 20_000 })));
  }

  stop(): void {
    for (const inf of this.informers) inf.stop();
  }

  private async maybeHandle(kind: FluxKind, object: FluxObject): Promise<void> {
    const token = object.metadata?.annotations?.[RECONCILE_REQUEST_ANNOTATION];
    const handled = (object as { status?: { lastHandledReconcileAt?: string } }).status?.lastHandledReconcileAt;
    const name = object.metadata?.name ?? "";
    const key = `${kind}/${name}/${token}`;
    if (this.only && !this.only.has(name)) return;
    if (!token || token === handled || this.inFlight.has(key)) return;
    this.inFlight.add(key);
    this.handled.push({ ref: `${kind}/${name}`, token, at: Date.now() });
    await writeStatus(this.conn, { kind, name, namespace: this.namespace }, { ...this.outcome(object), lastHandledReconcileAt: token });
  }
}

export interface FluxSuite {
  conn: Connection;
  ns: string;
  flux: FluxClient;
}

/**
 * An admin connection, a scratch namespace named after `prefix` and a FluxClient, made before
 * the file's tests (and handed to `ready`) and removed after them.
 */
export function fluxSuite(prefix: string, ready: (suite: FluxSuite) => void): void {
  let conn: Connection | undefined;
  let removeNamespace: (() => Promise<void>) | undefined;
  beforeAll(async () => {
    conn = await connect();
    const scratch = await scratchNamespace(conn, prefix);
    removeNamespace = scratch.remove;
    ready({ conn, ns: scratch.name, flux: new FluxClient(conn, { fieldManager: "flux-contract" }) });
  });
  afterAll(async () => {
    await removeNamespace?.();
    conn?.close();
  });
}
