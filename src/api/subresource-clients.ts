/**
 * Subresource accessors of the generic client: status, ephemeralcontainers and resize
 * (whose body is the object itself), scale (autoscaling/v1 Scale) and CSR approval.
 * Each verb is a request builder call plus one send.
 */
import * as rq from "../request/index.ts";
import { ValidationError } from "../base/errors.ts";
import type { Connection } from "../connection/types.ts";
import type { KubeRequest, SendOptions } from "../request/types.ts";
import type { ResourceType } from "../base/resource.ts";
import type { Writable } from "../base/value-types.ts";
import type { ApplyConfiguration, ApplyParams, Patch, PatchParams, WriteParams } from "../request/index.ts";
import type { ApprovalClient, CallOptions, ScaleClient, SubresourceClient } from "./client-types.ts";
import type { ObjectMetaLike } from "../base/object.ts";
import type { Scale } from "./subresource-bodies.ts";
import { readJson } from "./decode.ts";

/**
 * Separates how a call is sent (signal, timeout) from the API parameters.
 *
 * @example splitCall({ limit: 5, signal }) // { params: { limit: 5 }, send: { signal } }
 */
export function splitCall<P extends object>(options: (P & CallOptions) | undefined): { params: P | undefined; send: SendOptions } {
  if (options === undefined) return { params: undefined, send: {} };
  const { signal, timeoutMs, maxResponseBytes, ...params } = options;
  const send: SendOptions = {};
  if (signal !== undefined) send.signal = signal;
  if (timeoutMs !== undefined) send.timeoutMs = timeoutMs;
  if (maxResponseBytes !== undefined) send.maxResponseBytes = maxResponseBytes;
  return { params: params as P, send };
}

/** What subresource accessors need from their parent client. */
export interface ClientContext {
  readonly connection: Connection;
  readonly resource: ResourceType;
  readonly namespace: string | undefined;
}

export async function sendJson<R>(ctx: ClientContext, request: KubeRequest, send: SendOptions): Promise<R> {
  const response = await ctx.connection.send(request, send);
  return readJson<R>(response, ctx.connection, request);
}

function nameFrom(object: unknown, action: string): string {
  const name = (object as { metadata?: ObjectMetaLike } | null)?.metadata?.name;
  if (typeof name !== "string" || name === "") {
    throw new ValidationError(`${action}: the object has no metadata.name`);
  }
  return name;
}

/** status, ephemeralcontainers, resize: GET/PUT/PATCH (and apply) with the object's own type. */
export class ObjectSubresource<T> implements SubresourceClient<T> {
  private readonly ctx: ClientContext;
  private readonly subresource: string;

  constructor(ctx: ClientContext, subresource: string) {
    this.ctx = ctx;
    this.subresource = subresource;
  }

  async get(name: string, options?: CallOptions): Promise<T> {
    const { send } = splitCall(options);
    const { resource, namespace } = this.ctx;
    return sendJson<T>(this.ctx, rq.subresourceGetRequest(resource, namespace, name, this.subresource), send);
  }

  async replace(object: Writable<T>, options?: WriteParams & CallOptions): Promise<T> {
    const { params, send } = splitCall(options);
    const { resource, namespace } = this.ctx;
    const name = nameFrom(object, `replace ${rq.describeResource(resource)}/${this.subresource}`);
    return sendJson<T>(this.ctx, rq.subresourceReplaceRequest(resource, namespace, name, this.subresource, object, params), send);
  }

  async patch(name: string, patch: Patch<T>, options?: PatchParams & CallOptions): Promise<T> {
    const { params, send } = splitCall(options);
    const { resource, namespace } = this.ctx;
    return sendJson<T>(this.ctx, rq.patchRequest(resource, namespace, { name, subresource: this.subresource }, patch as Patch, params), send);
  }

  async apply(config: ApplyConfiguration<T>, options: ApplyParams & CallOptions): Promise<T> {
    const { params, send } = splitCall(options);
    const { resource, namespace } = this.ctx;
    return sendJson<T>(this.ctx, rq.applyRequest(resource, namespace, config, params as ApplyParams, this.subresource), send);
  }
}

const SCALE_BODY = { apiVersion: "autoscaling/v1", kind: "Scale" } as const;

export class ScaleSubresource implements ScaleClient {
  private readonly ctx: ClientContext;

  constructor(ctx: ClientContext) {
    this.ctx = ctx;
  }

  async get(name: string, options?: CallOptions): Promise<Scale> {
    const { send } = splitCall(options);
    return sendJson<Scale>(this.ctx, rq.subresourceGetRequest(this.ctx.resource, this.ctx.namespace, name, "scale"), send);
  }

  async replace(name: string, scale: Scale, options?: WriteParams & CallOptions): Promise<Scale> {
    const { params, send } = splitCall(options);
    const { resource, namespace } = this.ctx;
    return sendJson<Scale>(this.ctx, rq.subresourceReplaceRequest(resource, namespace, name, "scale", scale, params, SCALE_BODY), send);
  }

  async patch(name: string, patch: Exclude<Patch<Scale>, { type: "apply" }>, options?: PatchParams & CallOptions): Promise<Scale> {
    const { params, send } = splitCall(options);
    const { resource, namespace } = this.ctx;
    const target = { name, subresource: "scale", ...SCALE_BODY };
    return sendJson<Scale>(this.ctx, rq.patchRequest(resource, namespace, target, patch as Patch, params), send);
  }

  async set(name: string, replicas: number, options?: WriteParams & CallOptions): Promise<Scale> {
    return this.patch(name, { type: "merge", patch: { spec: { replicas } } }, options);
  }
}

interface Condition {
  type: string;
  status: string;
  reason?: string;
  message?: string;
  lastUpdateTime?: string;
}

/** certificatesigningrequests/approval, plus approve/deny that read, add a condition and PUT. */
export class ApprovalSubresource<T> implements ApprovalClient<T> {
  private readonly inner: ObjectSubresource<T>;
  private readonly ctx: ClientContext;

  constructor(ctx: ClientContext) {
    this.ctx = ctx;
    this.inner = new ObjectSubresource<T>(ctx, "approval");
  }

  get(name: string, options?: CallOptions): Promise<T> {
    return this.inner.get(name, options);
  }
  replace(object: Writable<T>, options?: WriteParams & CallOptions): Promise<T> {
    return this.inner.replace(object, options);
  }
  patch(name: string, patch: Patch<T>, options?: PatchParams & CallOptions): Promise<T> {
    return this.inner.patch(name, patch, options);
  }

  approve(name: string, options?: { reason?: string; message?: string } & WriteParams & CallOptions): Promise<T> {
    return this.decide(name, "Approved", options);
  }
  deny(name: string, options?: { reason?: string; message?: string } & WriteParams & CallOptions): Promise<T> {
    return this.decide(name, "Denied", options);
  }

  private async decide(
    name: string,
    type: "Approved" | "Denied",
    options: ({ reason?: string; message?: string } & WriteParams & CallOptions) | undefined,
  ): Promise<T> {
    const { reason, message, ...rest } = options ?? {};
    const { send } = splitCall(rest);
    const { resource, namespace } = this.ctx;
    const csr = await sendJson<{ status?: { conditions?: Condition[] } }>(this.ctx, rq.getRequest(resource, namespace, name), send);
    const condition: Condition = {
      type,
      status: "True",
      reason: reason ?? (type === "Approved" ? "BunK8sApprove" : "BunK8sDeny"),
      message: message ?? `${type} through bun-k8s`,
      lastUpdateTime: new Date().toISOString().replace(/\.\d{3}Z$/, "Z"),
    };
    // Replace a condition of the same type rather than adding a duplicate the server rejects.
    const others = (csr.status?.conditions ?? []).filter((c) => c.type !== type);
    const updated = { ...csr, status: { ...csr.status, conditions: [...others, condition] } };
    return this.inner.replace(updated as Writable<T>, rest);
  }
}
