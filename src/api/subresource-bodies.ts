/**
 * Bodies of the subresources whose type is not the resource's own: the scale subresource's
 * autoscaling/v1 Scale and the serviceaccounts/token TokenRequest.
 */
import type { ObjectMetaLike } from "../base/object.ts";

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
