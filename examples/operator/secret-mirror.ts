/**
 * The SecretMirror kind, described by hand: its type, its ResourceType for `api()` and the
 * controller, and its CustomResourceDefinition. A SecretMirror copies one Secret of its
 * namespace into every namespace whose labels match its selector.
 */
import type { ResourceType } from "../../src/index.ts";
import type { Condition } from "../../src/controller/index.ts";
import type { ObjectMeta } from "../../generated/k8s/meta/v1/index.ts";
import type { CustomResourceDefinition } from "../../generated/k8s/apiextensions/v1/index.ts";

export const GROUP = "mirror.bun-k8s.dev";
export const VERSION = "v1alpha1";

export interface SecretMirror {
  apiVersion?: "mirror.bun-k8s.dev/v1alpha1";
  kind?: "SecretMirror";
  metadata?: ObjectMeta;
  spec: {
    /** A Secret in the SecretMirror's own namespace. */
    secretName: string;
    /** Namespaces to copy into (never the SecretMirror's own). */
    namespaceSelector: { matchLabels?: Record<string, string> };
  };
  status?: {
    observedGeneration?: number;
    /** Namespaces that hold a current copy, sorted. */
    copies?: string[];
    conditions?: Condition[];
  };
}

export const SecretMirror: ResourceType<SecretMirror, true, "status"> = {
  group: GROUP,
  version: VERSION,
  kind: "SecretMirror",
  listKind: "SecretMirrorList",
  plural: "secretmirrors",
  namespaced: true,
  verbs: ["get", "list", "watch", "create", "update", "patch", "delete", "deletecollection"],
  subresources: ["status"],
  custom: true,
};

const condition = {
  type: "object",
  required: ["type", "status", "lastTransitionTime", "reason", "message"],
  properties: {
    type: { type: "string" },
    status: { type: "string", enum: ["True", "False", "Unknown"] },
    observedGeneration: { type: "integer", format: "int64" },
    lastTransitionTime: { type: "string", format: "date-time" },
    reason: { type: "string" },
    message: { type: "string" },
  },
};

/** The CRD to install (kubectl apply, or server-side apply through bun-k8s) before the operator runs. */
export const secretMirrorCrd: CustomResourceDefinition = {
  apiVersion: "apiextensions.k8s.io/v1",
  kind: "CustomResourceDefinition",
  metadata: { name: `secretmirrors.${GROUP}` },
  spec: {
    group: GROUP,
    names: { kind: "SecretMirror", listKind: "SecretMirrorList", plural: "secretmirrors", singular: "secretmirror" },
    scope: "Namespaced",
    versions: [
      {
        name: VERSION,
        served: true,
        storage: true,
        subresources: { status: {} },
        schema: {
          openAPIV3Schema: {
            type: "object",
            properties: {
              spec: {
                type: "object",
                required: ["secretName", "namespaceSelector"],
                properties: {
                  secretName: { type: "string", minLength: 1 },
                  namespaceSelector: {
                    type: "object",
                    properties: { matchLabels: { type: "object", additionalProperties: { type: "string" } } },
                  },
                },
              },
              status: {
                type: "object",
                properties: {
                  observedGeneration: { type: "integer", format: "int64" },
                  copies: { type: "array", items: { type: "string" } },
                  conditions: { type: "array", "x-kubernetes-list-type": "map", "x-kubernetes-list-map-keys": ["type"], items: condition },
                },
              },
            },
          },
        },
      },
    ],
  },
};
