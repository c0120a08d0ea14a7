/**
 * A resource type as the generated resource table describes it. The type parameters are
 * phantoms: they carry the object type and its apply configuration to the generic client,
 * so `kube.api(Deployment)` is typed without any per-resource method bodies.
 */
export type Verb =
  | "get"
  | "list"
  | "watch"
  | "create"
  | "update"
  | "patch"
  | "delete"
  | "deletecollection";

/**
 * A kind as the API serves it: group, version, plural, scope, verbs and subresources. The generated modules export one per kind (`Deployment`, `GitRepository`, ...); `api()` and `KubeClient.api` turn it into a typed client.
 */
export interface ResourceType<
  TObject = unknown,
  TNamespaced extends boolean = boolean,
  TSubresource extends string = string,
  TVerb extends Verb = Verb,
> {
  /** "" for the core group. */
  readonly group: string;
  readonly version: string;
  readonly kind: string;
  readonly listKind: string;
  /** URL segment, e.g. "deployments". */
  readonly plural: string;
  readonly namespaced: TNamespaced;
  /**
   * The verbs the API serves. When the generator narrows `TVerb` (e.g. `"create"` for
   * TokenReview), the client offers only those methods at compile time too.
   */
  readonly verbs: readonly TVerb[];
  /** e.g. ["status", "scale"]; pods also list "log", "eviction", "binding", ... */
  readonly subresources: readonly TSubresource[];
  /**
   * Served from a CustomResourceDefinition or an aggregated API server rather than a
   * compiled-in Go type. Such servers reject strategic merge patches. Absent: inferred
   * from the group (see `isBuiltInGroup` in src/request/patch.ts).
   */
  readonly custom?: boolean;
  /** Phantom: never set at run time. */
  readonly __object?: TObject;
}

/** "apps/v1" or "v1" for the core group. */
export function apiVersionOf(r: Pick<ResourceType, "group" | "version">): string {
  return r.group === "" ? r.version : `${r.group}/${r.version}`;
}
