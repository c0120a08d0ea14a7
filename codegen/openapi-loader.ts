/**
 * Loads Kubernetes OpenAPI v3 group/version documents (`/openapi/v3/apis/apps/v1`, or the
 * `api/openapi-spec/v3/*.json` files of k8s.io/kubernetes) into the resource model.
 *
 * Kinds come from paths, not schemas: a kind is a resource only when some path serves it,
 * and its verbs are exactly the `x-kubernetes-action`s found there.
 */
import type { Verb } from "../src/base/resource.ts";
import { DecodeError } from "../src/base/errors.ts";
import {
  type ApiModel,
  compareStrings,
  type Gvk,
  type KindModel,
  type SchemaObject,
  type SubresourceModel,
  type SubresourceVerb,
  sortKinds,
} from "./model.ts";
import { type ParsedPath, parseResourcePath } from "./resource-path.ts";

const httpMethods = ["get", "put", "post", "patch", "delete"] as const;

// The OpenAPI x-kubernetes-action of an operation, as the RBAC verb it needs.
const VERB_OF_ACTION = new Map<string, Verb>([
  ["get", "get"],
  ["list", "list"],
  ["post", "create"],
  ["put", "update"],
  ["patch", "patch"],
  ["delete", "delete"],
  ["deletecollection", "deletecollection"],
]);

const SUBRESOURCE_VERB_OF_ACTION = new Map<string, SubresourceVerb>([
  ["get", "get"],
  ["post", "create"],
  ["put", "update"],
  ["patch", "patch"],
  ["delete", "delete"],
  ["connect", "connect"],
]);

function actionToVerb(action: string, parsed: ParsedPath): Verb | undefined {
  if (parsed.watchPath || action === "watch" || action === "watchlist") return "watch";
  return VERB_OF_ACTION.get(action);
}

function actionToSubresourceVerb(action: string): SubresourceVerb | undefined {
  return SUBRESOURCE_VERB_OF_ACTION.get(action);
}

function readGvk(value: unknown): Gvk | undefined {
  if (!value || typeof value !== "object") return undefined;
  const v = value as Record<string, unknown>;
  if (typeof v.version !== "string" || typeof v.kind !== "string") return undefined;
  return { group: typeof v.group === "string" ? v.group : "", version: v.version, kind: v.kind };
}

/** The GVKs a schema declares (`x-kubernetes-group-version-kind`). */
export function schemaGvks(schema: SchemaObject): Gvk[] {
  const raw = schema["x-kubernetes-group-version-kind"];
  const list = Array.isArray(raw) ? raw : raw === undefined ? [] : [raw];
  return list.map(readGvk).filter((g): g is Gvk => g !== undefined);
}

interface KindDraft {
  group: string;
  version: string;
  kind: string;
  plural: string;
  namespaced: boolean;
  verbs: Set<Verb>;
  subresources: Map<string, { verbs: Set<SubresourceVerb>; kind?: Gvk }>;
  /** Whether the kind's own patch accepts strategic merge; undefined until a patch is seen. */
  strategicMerge?: boolean;
}

const strategicMergeType = "application/strategic-merge-patch+json";

/** The request content types an operation accepts (`requestBody.content` keys). */
function requestContentTypes(op: Record<string, unknown>): string[] {
  const body = op.requestBody;
  const content = body && typeof body === "object" ? (body as { content?: unknown }).content : undefined;
  return content && typeof content === "object" ? Object.keys(content) : [];
}

/** Looks up a document's paths and schemas; rejects anything that is not an OpenAPI 3 object. */
interface DocumentParts {
  paths: Record<string, unknown>;
  schemas: Record<string, SchemaObject>;
  parameters: Record<string, unknown>;
}

function documentParts(doc: unknown, where: string): DocumentParts {
  if (!doc || typeof doc !== "object") throw new DecodeError(`${where}: not an OpenAPI document`);
  const d = doc as { paths?: unknown; components?: { schemas?: unknown; parameters?: unknown } };
  const record = (v: unknown) => (v && typeof v === "object" ? (v as Record<string, unknown>) : {});
  return {
    paths: record(d.paths),
    schemas: record(d.components?.schemas) as Record<string, SchemaObject>,
    parameters: record(d.components?.parameters),
  };
}

/** True when the operation (or its path item) declares a `watch` query parameter, inline or by $ref. */
function takesWatchParameter(op: Record<string, unknown>, item: Record<string, unknown>, shared: Record<string, unknown>): boolean {
  const params = [op.parameters, item.parameters].flatMap((p) => (Array.isArray(p) ? p : []));
  return params.some((p) => {
    let param = p as Record<string, unknown> | undefined;
    if (param && typeof param.$ref === "string") param = shared[param.$ref.slice(param.$ref.lastIndexOf("/") + 1)] as Record<string, unknown> | undefined;
    return param?.in === "query" && param.name === "watch";
  });
}

/**
 * Builds the model from OpenAPI v3 group/version documents. Schemas repeated across
 * documents (ObjectMeta, ...) are kept once.
 *
 * @example
 * const model = loadOpenApiDocuments([{ name: "apis__apps__v1_openapi.json", document: JSON.parse(text) }]);
 * model.kinds.find((k) => k.kind === "Deployment")?.verbs; // ["create", "delete", ...]
 */
export function loadOpenApiDocuments(docs: readonly { name: string; document: unknown }[]): ApiModel {
  const schemas = new Map<string, SchemaObject>();
  const drafts = new Map<string, KindDraft>();
  for (const { name, document } of docs) {
    const parts = documentParts(document, name);
    for (const schemaName of Object.keys(parts.schemas).sort(compareStrings)) {
      if (!schemas.has(schemaName)) schemas.set(schemaName, parts.schemas[schemaName] as SchemaObject);
    }
    // Built-in groups publish /watch/ paths; custom resources publish none in v3, and there a
    // list that takes ?watch is the watch. (Built-in lists take ?watch even where the server
    // refuses it, e.g. componentstatuses, so the parameter alone is not proof.)
    const inferWatch = !Object.keys(parts.paths).some((p) => parseResourcePath(p)?.watchPath);
    for (const [path, item] of Object.entries(parts.paths)) {
      const parsed = parseResourcePath(path);
      if (!parsed || !item || typeof item !== "object") continue;
      for (const method of httpMethods) {
        const op = (item as Record<string, unknown>)[method] as Record<string, unknown> | undefined;
        if (!op || typeof op["x-kubernetes-action"] !== "string") continue;
        const action = op["x-kubernetes-action"];
        const gvk = readGvk(op["x-kubernetes-group-version-kind"]);
        collectOperation(drafts, parsed, action, gvk);
        // Only a Go type can be strategically merged: the content types a kind's own patch
        // accepts tell a compiled-in kind from a CRD (or an aggregated server without it).
        if (action === "patch" && parsed.subresource === undefined) {
          const draft = drafts.get(draftKey(parsed)) as KindDraft;
          draft.strategicMerge = (draft.strategicMerge ?? false) || requestContentTypes(op).includes(strategicMergeType);
        }
        if (inferWatch && action === "list" && takesWatchParameter(op, item as Record<string, unknown>, parts.parameters)) {
          collectOperation(drafts, parsed, "watchlist", gvk);
        }
      }
    }
  }
  const schemaByGvk = indexSchemasByGvk(schemas);
  const kinds: KindModel[] = [];
  for (const d of drafts.values()) {
    if (d.kind === "") continue;
    const schema = schemaByGvk.get(`${d.group}/${d.version}/${d.kind}`);
    if (!schema) continue;
    const listSchema = schemaByGvk.get(`${d.group}/${d.version}/${d.kind}List`);
    const subresources: SubresourceModel[] = [...d.subresources.entries()]
      .sort(([a], [b]) => compareStrings(a, b))
      .map(([subName, s]) => ({
        name: subName,
        verbs: [...s.verbs].sort(compareStrings),
        ...(s.kind ? { kind: s.kind } : {}),
      }));
    kinds.push({
      group: d.group,
      version: d.version,
      kind: d.kind,
      listKind: `${d.kind}List`,
      plural: d.plural,
      namespaced: d.namespaced,
      verbs: [...d.verbs].sort(compareStrings),
      subresources,
      schema,
      ...(listSchema ? { listSchema } : {}),
      ...(d.strategicMerge === undefined ? {} : { custom: !d.strategicMerge }),
    });
  }
  return { kinds: sortKinds(kinds), schemas };
}

function draftKey(parsed: ParsedPath): string {
  return `${parsed.group}/${parsed.version}/${parsed.plural}`;
}

function collectOperation(drafts: Map<string, KindDraft>, parsed: ParsedPath, action: string, gvk: Gvk | undefined): void {
  const key = draftKey(parsed);
  let draft = drafts.get(key);
  if (!draft) {
    draft = {
      group: parsed.group,
      version: parsed.version,
      kind: "",
      plural: parsed.plural,
      namespaced: false,
      verbs: new Set(),
      subresources: new Map(),
    };
    drafts.set(key, draft);
  }
  if (parsed.namespaced) draft.namespaced = true;
  if (parsed.subresource !== undefined) {
    const verb = actionToSubresourceVerb(action);
    let sub = draft.subresources.get(parsed.subresource);
    if (!sub) {
      sub = { verbs: new Set() };
      draft.subresources.set(parsed.subresource, sub);
    }
    if (verb) sub.verbs.add(verb);
    if (gvk && !sub.kind) sub.kind = gvk;
    return;
  }
  // The kind of the resource itself is the GVK of its own (non-subresource) operations.
  if (gvk && draft.kind === "") draft.kind = gvk.kind;
  const verb = actionToVerb(action, parsed);
  if (verb) draft.verbs.add(verb);
}

/**
 * group/version/kind → schema name. A schema that lists many GVKs (DeleteOptions,
 * WatchEvent) describes no single kind, so it only wins when nothing more specific exists.
 */
function indexSchemasByGvk(schemas: ReadonlyMap<string, SchemaObject>): Map<string, string> {
  const exact = new Map<string, string>();
  const shared = new Map<string, string>();
  for (const [name, schema] of schemas) {
    const gvks = schemaGvks(schema);
    const target = gvks.length === 1 ? exact : shared;
    for (const g of gvks) {
      const key = `${g.group}/${g.version}/${g.kind}`;
      if (!target.has(key)) target.set(key, name);
    }
  }
  for (const [key, name] of shared) if (!exact.has(key)) exact.set(key, name);
  return exact;
}
