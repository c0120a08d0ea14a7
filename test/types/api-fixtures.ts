/**
 * Small hand-declared kinds in the shape the generator emits (see notes/generated-shape.md),
 * for the request/API unit tests and the type-level tests, so they do not depend on
 * generated/ being built. Fields are a subset of the real ones; required ones match the spec.
 */
import type { ResourceType } from "../../src/base/resource.ts";

export interface ObjectMeta {
  name?: string;
  generateName?: string;
  namespace?: string;
  uid?: string;
  resourceVersion?: string;
  labels?: { [key: string]: string };
  annotations?: { [key: string]: string };
  finalizers?: string[];
}

export interface LabelSelector {
  matchLabels?: { [key: string]: string };
  matchExpressions?: { key: string; operator: string; values?: string[] }[];
}

export interface Container {
  name: string;
  image?: string;
  command?: string[];
}

export interface PodSpec {
  containers: Container[];
  nodeName?: string;
  restartPolicy?: string;
}

export interface Pod {
  apiVersion?: "v1";
  kind?: "Pod";
  metadata?: ObjectMeta;
  spec?: PodSpec;
  status?: { phase?: string; podIP?: string };
}
export const Pod: ResourceType<
  Pod,
  true,
  "attach" | "binding" | "ephemeralcontainers" | "eviction" | "exec" | "log" | "portforward" | "proxy" | "resize" | "status"
> = {
  group: "",
  version: "v1",
  kind: "Pod",
  listKind: "PodList",
  plural: "pods",
  namespaced: true,
  verbs: ["create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"],
  subresources: ["attach", "binding", "ephemeralcontainers", "eviction", "exec", "log", "portforward", "proxy", "resize", "status"],
};

export interface ConfigMap {
  apiVersion?: "v1";
  kind?: "ConfigMap";
  metadata?: ObjectMeta;
  data?: { [key: string]: string };
  immutable?: boolean;
}
export const ConfigMap: ResourceType<ConfigMap, true, never> = {
  group: "",
  version: "v1",
  kind: "ConfigMap",
  listKind: "ConfigMapList",
  plural: "configmaps",
  namespaced: true,
  verbs: ["create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"],
  subresources: [],
};

export interface Namespace {
  apiVersion?: "v1";
  kind?: "Namespace";
  metadata?: ObjectMeta;
  spec?: { finalizers?: string[] };
  status?: { phase?: string };
}
export const Namespace: ResourceType<Namespace, false, "finalize" | "status"> = {
  group: "",
  version: "v1",
  kind: "Namespace",
  listKind: "NamespaceList",
  plural: "namespaces",
  namespaced: false,
  verbs: ["create", "delete", "get", "list", "patch", "update", "watch"],
  subresources: ["finalize", "status"],
};

export interface ServiceAccount {
  apiVersion?: "v1";
  kind?: "ServiceAccount";
  metadata?: ObjectMeta;
  automountServiceAccountToken?: boolean;
}
export const ServiceAccount: ResourceType<ServiceAccount, true, "token"> = {
  group: "",
  version: "v1",
  kind: "ServiceAccount",
  listKind: "ServiceAccountList",
  plural: "serviceaccounts",
  namespaced: true,
  verbs: ["create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"],
  subresources: ["token"],
};

export interface Deployment {
  apiVersion?: "apps/v1";
  kind?: "Deployment";
  metadata?: ObjectMeta;
  spec?: {
    replicas?: number;
    selector: LabelSelector;
    template: { metadata?: ObjectMeta; spec?: PodSpec };
    paused?: boolean;
  };
  status?: { replicas?: number; readyReplicas?: number; observedGeneration?: number };
}
export const Deployment: ResourceType<Deployment, true, "scale" | "status"> = {
  group: "apps",
  version: "v1",
  kind: "Deployment",
  listKind: "DeploymentList",
  plural: "deployments",
  namespaced: true,
  verbs: ["create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"],
  subresources: ["scale", "status"],
};

export interface ClusterRole {
  apiVersion?: "rbac.authorization.k8s.io/v1";
  kind?: "ClusterRole";
  metadata?: ObjectMeta;
  rules?: { apiGroups?: string[]; resources?: string[]; verbs: string[] }[];
}
export const ClusterRole: ResourceType<ClusterRole, false, never> = {
  group: "rbac.authorization.k8s.io",
  version: "v1",
  kind: "ClusterRole",
  listKind: "ClusterRoleList",
  plural: "clusterroles",
  namespaced: false,
  verbs: ["create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"],
  subresources: [],
};

export interface CertificateSigningRequest {
  apiVersion?: "certificates.k8s.io/v1";
  kind?: "CertificateSigningRequest";
  metadata?: ObjectMeta;
  spec: { request: string; signerName: string; usages?: string[]; expirationSeconds?: number };
  status?: {
    certificate?: string;
    conditions?: { type: string; status: string; reason?: string; message?: string; lastUpdateTime?: string }[];
  };
}
export const CertificateSigningRequest: ResourceType<CertificateSigningRequest, false, "approval" | "status"> = {
  group: "certificates.k8s.io",
  version: "v1",
  kind: "CertificateSigningRequest",
  listKind: "CertificateSigningRequestList",
  plural: "certificatesigningrequests",
  namespaced: false,
  verbs: ["create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"],
  subresources: ["approval", "status"],
};

export interface TokenReview {
  apiVersion?: "authentication.k8s.io/v1";
  kind?: "TokenReview";
  metadata?: ObjectMeta;
  spec: { token?: string; audiences?: string[] };
  status?: { authenticated?: boolean };
}
export const TokenReview: ResourceType<TokenReview, false, never, "create"> = {
  group: "authentication.k8s.io",
  version: "v1",
  kind: "TokenReview",
  listKind: "TokenReviewList",
  plural: "tokenreviews",
  namespaced: false,
  verbs: ["create"],
  subresources: [],
};

/** A Flux CRD: namespaced, status subresource, no strategic merge. */
export interface GitRepository {
  apiVersion?: "source.toolkit.fluxcd.io/v1";
  kind?: "GitRepository";
  metadata?: ObjectMeta;
  spec?: { url: string; interval: string; ref?: { branch?: string; tag?: string }; suspend?: boolean };
  status?: { artifact?: { revision: string }; conditions?: { type: string; status: string }[] };
}
export const GitRepository: ResourceType<GitRepository, true, "status"> = {
  group: "source.toolkit.fluxcd.io",
  version: "v1",
  kind: "GitRepository",
  listKind: "GitRepositoryList",
  plural: "gitrepositories",
  namespaced: true,
  verbs: ["create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"],
  subresources: ["status"],
  custom: true,
};

/** A cluster-scoped CRD in a *.k8s.io group, with no `custom` flag: the group list must catch it. */
export interface GatewayClass {
  apiVersion?: "gateway.networking.k8s.io/v1";
  kind?: "GatewayClass";
  metadata?: ObjectMeta;
  spec?: { controllerName: string };
}
export const GatewayClass: ResourceType<GatewayClass, false, "status"> = {
  group: "gateway.networking.k8s.io",
  version: "v1",
  kind: "GatewayClass",
  listKind: "GatewayClassList",
  plural: "gatewayclasses",
  namespaced: false,
  verbs: ["create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"],
  subresources: ["status"],
};
