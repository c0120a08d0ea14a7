/**
 * Loads CustomResourceDefinition YAML (e.g. Flux's config/crd/bases/*.yaml) into the
 * resource model. Each served version becomes one kind, named the way the API server names
 * CRD schemas in its own OpenAPI (reversed group, version, kind), so a model built from a live
 * cluster and one built from the YAML line up.
 */
import { DecodeError } from "../src/base/errors.ts";
import { loadYamlDocuments } from "../src/base/yaml-documents.ts";
import { type ApiModel, crdVerbs, type KindModel, type SchemaObject, schemaRefPrefix, type SubresourceModel, sortKinds } from "./model.ts";

const objectMetaRef = `${schemaRefPrefix}io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta`;
const listMetaRef = `${schemaRefPrefix}io.k8s.apimachinery.pkg.apis.meta.v1.ListMeta`;

const apiVersionDoc =
  "APIVersion defines the versioned schema of this representation of an object. Servers should convert recognized schemas to the latest internal value, and may reject unrecognized values. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#resources";
const kindDoc =
  "Kind is a string value representing the REST resource this object represents. Servers may infer this from the endpoint the client submits requests to. Cannot be updated. In CamelCase. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#types-kinds";

/**
 * "source.toolkit.fluxcd.io", "v1", "GitRepository" → "io.fluxcd.toolkit.source.v1.GitRepository",
 * the name kube-apiserver gives a CRD's schema in /openapi/v3.
 *
 * @example
 * crdSchemaName("source.toolkit.fluxcd.io", "v1", "GitRepository");
 */
export function crdSchemaName(group: string, version: string, kind: string): string {
  return `${group.split(".").reverse().join(".")}.${version}.${kind}`;
}

interface CrdVersion {
  name?: unknown;
  served?: unknown;
  schema?: { openAPIV3Schema?: unknown };
  subresources?: { status?: unknown; scale?: unknown };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function requireString(value: unknown, what: string, where: string): string {
  if (typeof value !== "string" || value === "") throw new DecodeError(`${where}: CRD has no ${what}`);
  return value;
}

/**
 * Parses one or more CRDs from YAML text (multi-document allowed; other kinds are ignored;
 * bad YAML is a DocumentError naming the file, document and line).
 *
 * @example
 * const model = loadCrdYaml([{ name: "gitrepositories.yaml", text }]);
 * model.kinds[0]?.plural; // "gitrepositories"
 */
export function loadCrdYaml(files: readonly { name: string; text: string }[]): ApiModel {
  const crds: { name: string; crd: Record<string, unknown> }[] = [];
  for (const file of files) {
    // Read as kubectl reads what it applies (YAML 1.1 scalars, size and alias limits).
    const docs = loadYamlDocuments(file.text, { source: file.name }).map((d) => d.value);
    for (const doc of docs) {
      if (isRecord(doc) && doc.kind === "CustomResourceDefinition") crds.push({ name: file.name, crd: doc });
    }
  }
  return loadCrdObjects(crds);
}

/**
 * Builds the model from already parsed CRD objects (from YAML, or listed from a cluster).
 *
 * @example
 * const model = loadCrdObjects([{ name: "crd", crd: parsedCrd }]);
 */
export function loadCrdObjects(crds: readonly { name: string; crd: Record<string, unknown> }[]): ApiModel {
  const schemas = new Map<string, SchemaObject>();
  const kinds: KindModel[] = [];
  for (const { name: where, crd } of crds) {
    const spec = isRecord(crd.spec) ? crd.spec : {};
    const names = isRecord(spec.names) ? spec.names : {};
    const group = requireString(spec.group, "spec.group", where);
    const kind = requireString(names.kind, "spec.names.kind", where);
    const plural = requireString(names.plural, "spec.names.plural", where);
    const listKind = typeof names.listKind === "string" ? names.listKind : `${kind}List`;
    const namespaced = spec.scope !== "Cluster";
    const versions = Array.isArray(spec.versions) ? (spec.versions as CrdVersion[]) : [];
    for (const v of versions) {
      if (v.served === false) continue;
      const version = requireString(v.name, "spec.versions[].name", where);
      const raw = v.schema?.openAPIV3Schema;
      const objectSchema = isRecord(raw) ? withStandardFields(raw) : openObject();
      const schemaName = crdSchemaName(group, version, kind);
      const listSchemaName = crdSchemaName(group, version, listKind);
      schemas.set(schemaName, { ...objectSchema, "x-kubernetes-group-version-kind": [{ group, version, kind }] });
      schemas.set(listSchemaName, listSchema(schemaName, { group, version, kind: listKind }));
      // As the API server publishes them: /scale speaks autoscaling/v1 Scale, /status the kind itself.
      const subresources: SubresourceModel[] = [];
      if (v.subresources?.scale !== undefined) {
        subresources.push({ name: "scale", verbs: ["get", "patch", "update"], kind: { group: "autoscaling", version: "v1", kind: "Scale" } });
      }
      if (v.subresources?.status !== undefined) {
        subresources.push({ name: "status", verbs: ["get", "patch", "update"], kind: { group, version, kind } });
      }
      kinds.push({
        group,
        version,
        kind,
        listKind,
        plural,
        namespaced,
        verbs: crdVerbs,
        subresources,
        schema: schemaName,
        listSchema: listSchemaName,
        custom: true,
      });
    }
  }
  return { kinds: sortKinds(kinds), schemas };
}

function openObject(): SchemaObject {
  return { type: "object", "x-kubernetes-preserve-unknown-fields": true };
}

/** What the API server adds to a CRD's published schema: typed metadata, apiVersion and kind. */
function withStandardFields(schema: Record<string, unknown>): SchemaObject {
  const properties = isRecord(schema.properties) ? { ...schema.properties } : {};
  properties.apiVersion = { description: apiVersionDoc, type: "string" };
  properties.kind = { description: kindDoc, type: "string" };
  properties.metadata = {
    allOf: [{ $ref: objectMetaRef }],
    description: "Standard object's metadata. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#metadata",
  };
  return { ...schema, type: "object", properties };
}

function listSchema(itemSchema: string, gvk: { group: string; version: string; kind: string }): SchemaObject {
  return {
    description: `${gvk.kind} is a list of ${gvk.kind.replace(/List$/, "")}`,
    type: "object",
    required: ["items"],
    properties: {
      apiVersion: { description: apiVersionDoc, type: "string" },
      items: {
        description: `List of ${gvk.kind.replace(/List$/, "").toLowerCase()}s. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md`,
        type: "array",
        items: { $ref: `${schemaRefPrefix}${itemSchema}` },
      },
      kind: { description: kindDoc, type: "string" },
      metadata: { allOf: [{ $ref: listMetaRef }], description: "Standard list metadata." },
    },
    "x-kubernetes-group-version-kind": [gvk],
  };
}
