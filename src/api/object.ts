/**
 * The object shapes the generic client needs regardless of kind: metadata, lists, watch
 * events, Status, and the few subresource bodies (Scale, Eviction, TokenRequest) that are
 * not the resource's own type. Generated kinds fit these structurally.
 */
import type { Status } from "../errors.ts";

/** The meta/v1 ObjectMeta fields the client reads; generated ObjectMeta is a superset. */
export interface ObjectMetaLike {
  name?: string;
  generateName?: string;
  namespace?: string;
  uid?: string;
  resourceVersion?: string;
  generation?: number;
  creationTimestamp?: string;
  deletionTimestamp?: string;
  labels?: { [key: string]: string };
  annotations?: { [key: string]: string };
  finalizers?: string[];
  ownerReferences?: { apiVersion: string; kind: string; name: string; uid: string; controller?: boolean; blockOwnerDeletion?: boolean }[];
  managedFields?: unknown[];
}

/**
 * An object of a kind unknown at compile time (the dynamic client's object type): the
 * identity fields are typed, everything else is open.
 */
export interface KubeObject {
  apiVersion?: string;
  kind?: string;
  metadata?: ObjectMetaLike;
  [field: string]: unknown;
}

/** meta/v1 ListMeta. */
export interface ListMeta {
  resourceVersion?: string;
  /** Token for the next page; empty or absent on the last page. */
  continue?: string;
  /** An estimate of the items left after this page (only with limit). */
  remainingItemCount?: number;
  selfLink?: string;
}

/** A list response (e.g. DeploymentList): items of T plus ListMeta. */
export interface KubeList<T> {
  apiVersion?: string;
  kind?: string;
  metadata: ListMeta;
  items: T[];
}

/**
 * Whether a response is a meta/v1 Status (e.g. what some deletes answer) rather than an object.
 *
 * @example const result = await pods.delete("p"); if (!isStatus(result)) console.log(result.metadata?.deletionTimestamp);
 */
export function isStatus(value: unknown): value is Status {
  return typeof value === "object" && value !== null && (value as { kind?: unknown }).kind === "Status";
}

/** autoscaling/v1 Scale: the scale subresource's body. */
export interface Scale {
  apiVersion?: string;
  kind?: string;
  metadata?: ObjectMetaLike;
  spec?: { replicas?: number };
  status?: { replicas: number; selector?: string };
}

/** authentication.k8s.io/v1 TokenRequest as the server returns it. */
export interface TokenRequest {
  apiVersion?: string;
  kind?: string;
  metadata?: ObjectMetaLike;
  spec: {
    audiences: string[];
    expirationSeconds?: number;
    boundObjectRef?: { kind?: string; apiVersion?: string; name?: string; uid?: string };
  };
  /** The token is a credential: keep it out of logs. */
  status?: { token: string; expirationTimestamp: string };
}
