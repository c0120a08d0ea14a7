/**
 * The little the runtime needs to know about an object: its identity and version.
 * Generated resource types satisfy this structurally.
 */
export interface KubeObjectMeta {
  name?: string;
  namespace?: string;
  uid?: string;
  resourceVersion?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}

export interface KubeObject {
  apiVersion?: string;
  kind?: string;
  metadata?: KubeObjectMeta;
}

/**
 * The cache key of an object: "namespace/name", or "name" for cluster-scoped objects
 * (the same convention as client-go's MetaNamespaceKeyFunc).
 *
 * @example objectKey({ metadata: { namespace: "prod", name: "web" } }) // "prod/web"
 */
export function objectKey(object: KubeObject): string {
  const name = object.metadata?.name ?? "";
  const namespace = object.metadata?.namespace;
  return namespace ? `${namespace}/${name}` : name;
}

/** The resourceVersion of an object, if it has one. */
export function resourceVersionOf(object: KubeObject): string | undefined {
  const rv = object.metadata?.resourceVersion;
  return rv === "" ? undefined : rv;
}
