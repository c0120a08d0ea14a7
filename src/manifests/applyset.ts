/**
 * ApplySets (KEP-3659), the standard kubectl's `apply --prune --applyset` uses: a parent object
 * (a Secret by default, or a ConfigMap) records which group-kinds and namespaces the set spans;
 * every member carries the label `applyset.kubernetes.io/part-of=<id>`. Pruning lists each
 * recorded group-kind in each recorded namespace by that label and deletes what this apply did
 * not touch. The parent is widened to the union of old and new before applying and narrowed to
 * the new set after a successful prune, so an interrupted run never orphans an object.
 */
import { createHash } from "node:crypto";
import type { Connection } from "../connection/types.ts";
import { api } from "../api/client.ts";
import { applyConfigurationOf } from "../api/apply-configuration.ts";
import { isConflict, isNotFound, KubeError, ValidationError } from "../base/errors.ts";
import { isStatus, type DynamicObject, type KubeObject } from "../base/object.ts";
import { PACKAGE_VERSION } from "../base/runtime-info.ts";
import { formatGroupKind, parseGroupKind, type GroupKind, type ObjectId } from "./object-id.ts";
import type { AnyResource, KindResolver } from "./kinds.ts";

/** KEP-3659: the label on the parent that holds the set's id. */
export const APPLYSET_ID_LABEL = "applyset.kubernetes.io/id";
/** KEP-3659: the label on each member naming the id of its set. */
export const APPLYSET_PART_OF_LABEL = "applyset.kubernetes.io/part-of";
/** KEP-3659: the parent's annotation naming the tool (and version) that manages the set. */
export const APPLYSET_TOOLING_ANNOTATION = "applyset.kubernetes.io/tooling";
/** KEP-3659: the parent's annotation listing the group-kinds the members have (`Kind.group`, comma-separated). */
export const APPLYSET_GROUP_KINDS_ANNOTATION = "applyset.kubernetes.io/contains-group-kinds";
/** KEP-3659: the parent's annotation listing namespaces with members besides the parent's own. */
export const APPLYSET_NAMESPACES_ANNOTATION = "applyset.kubernetes.io/additional-namespaces";

/** Our tooling value: tools refuse to change ApplySets that another tool manages. */
export const DEFAULT_TOOLING = `bun-k8s/v${PACKAGE_VERSION}`;

/** The parent object of an ApplySet. */
export interface ApplySetParent {
  /** Secret (kubectl's default) or ConfigMap. */
  kind?: "Secret" | "ConfigMap";
  name: string;
  /** Default: the apply's namespace. */
  namespace?: string;
}

/** The ApplySet an apply or diff belongs to: its parent object, and the tooling name written on it. */
export interface ApplySetOptions {
  parent: ApplySetParent;
  /**
   * `<tool>/<version>` recorded on the parent (default `bun-k8s/v<version>`). A parent recorded by
   * another tool is refused, as kubectl refuses ours; pass `kubectl/<version>` to take over a set
   * kubectl created.
   */
  tooling?: string;
}

/** The ApplySet parent of another tool, or a parent whose labels do not match: nothing was changed. */
export class ApplySetError extends KubeError {}

/**
 * The ApplySet id of a parent: "applyset-" + base64url(sha256("<name>.<namespace>.<kind>.<group>")) + "-v1",
 * the label value kubectl computes.
 *
 * @example applySetId({ name: "web", namespace: "prod", kind: "Secret", group: "" })
 */
export function applySetId(parent: { name: string; namespace: string; kind: string; group: string }): string {
  const digest = createHash("sha256").update([parent.name, parent.namespace, parent.kind, parent.group].join(".")).digest("base64url");
  return `applyset-${digest}-v1`;
}

/** The tool name of a tooling value: everything before the last "/" (kubectl's toolingBaseName). */
export function toolName(tooling: string): string {
  const slash = tooling.lastIndexOf("/");
  return slash < 0 ? tooling : tooling.slice(0, slash);
}

const ParentTypes = {
  Secret: { group: "", version: "v1", kind: "Secret", listKind: "SecretList", plural: "secrets", namespaced: true, verbs: ["get", "patch", "list"], subresources: [] },
  ConfigMap: { group: "", version: "v1", kind: "ConfigMap", listKind: "ConfigMapList", plural: "configmaps", namespaced: true, verbs: ["get", "patch", "list"], subresources: [] },
} as const satisfies Record<string, AnyResource>;

function splitList(value: string | undefined): string[] {
  return value ? value.split(",").filter((s) => s !== "") : [];
}

/** One ApplySet during one apply: what the parent recorded before, what this apply adds. */
export class ApplySet {
  readonly id: string;
  readonly tooling: string;
  readonly parentId: ObjectId;
  readonly #conn: Connection;
  readonly #parentType: AnyResource;
  readonly #dryRun: boolean;
  /** Group-kinds and namespaces the parent recorded before this apply (the namespace of the parent included). */
  current = { groupKinds: new Set<string>(), namespaces: new Set<string>() };
  readonly updated = { groupKinds: new Set<string>(), namespaces: new Set<string>() };

  constructor(conn: Connection, options: ApplySetOptions, namespace: string, dryRun: boolean) {
    const kind = options.parent.kind ?? "Secret";
    if (!(kind in ParentTypes)) throw new ValidationError(`ApplySet parent kind must be Secret or ConfigMap, not ${kind}`);
    const parentNamespace = options.parent.namespace ?? namespace;
    if (!options.parent.name) throw new ValidationError("ApplySet parent needs a name");
    this.#conn = conn;
    this.#parentType = ParentTypes[kind];
    this.#dryRun = dryRun;
    this.tooling = options.tooling ?? DEFAULT_TOOLING;
    if (!/^[^/]+(\/[^/]+)*\/[^/]+$/.test(this.tooling)) throw new ValidationError(`ApplySet tooling must be <tool>/<version>, not "${this.tooling}"`);
    this.parentId = { apiVersion: "v1", kind, namespace: parentNamespace, name: options.parent.name };
    this.id = applySetId({ name: options.parent.name, namespace: parentNamespace, kind, group: "" });
  }

  /** Field manager of the parent's annotations, as kubectl names it ("<tool>-applyset"). */
  get fieldManager(): string {
    return `${toolName(this.tooling)}-applyset`;
  }

  #parentClient() {
    return api(this.#conn, this.#parentType, { namespace: this.parentId.namespace as string });
  }

  /** Reads the parent: refuses another tool's set or a mismatched id; an absent parent is an empty set. */
  async load(): Promise<void> {
    const parent = await this.#parentClient().getOpt(this.parentId.name);
    const where = `ApplySet parent ${this.parentId.kind} ${this.parentId.namespace}/${this.parentId.name}`;
    this.current = { groupKinds: new Set(), namespaces: new Set([this.parentId.namespace as string]) };
    if (!parent) return;
    const annotations = parent.metadata?.annotations ?? {};
    const tooling = annotations[APPLYSET_TOOLING_ANNOTATION];
    if (tooling === undefined) throw new ApplySetError(`${where} exists and has no ${APPLYSET_TOOLING_ANNOTATION} annotation`);
    if (toolName(tooling) !== toolName(this.tooling)) {
      throw new ApplySetError(`${where} is managed by tooling "${toolName(tooling)}", not "${toolName(this.tooling)}"`);
    }
    const id = parent.metadata?.labels?.[APPLYSET_ID_LABEL];
    if (id !== this.id) throw new ApplySetError(`${where} has ${APPLYSET_ID_LABEL}=${id ?? "(none)"}, expected ${this.id}`);
    if (annotations[APPLYSET_GROUP_KINDS_ANNOTATION] === undefined) {
      throw new ApplySetError(`${where} has no ${APPLYSET_GROUP_KINDS_ANNOTATION} annotation`);
    }
    for (const gk of splitList(annotations[APPLYSET_GROUP_KINDS_ANNOTATION])) this.current.groupKinds.add(gk);
    for (const ns of splitList(annotations[APPLYSET_NAMESPACES_ANNOTATION])) this.current.namespaces.add(ns);
  }

  /** The object with the member label added; rejects a member label of another set. */
  label<T extends KubeObject>(object: T): T {
    const existing = object.metadata?.labels?.[APPLYSET_PART_OF_LABEL];
    if (existing !== undefined && existing !== this.id) {
      throw new ApplySetError(`the object already has ${APPLYSET_PART_OF_LABEL}=${existing}, another ApplySet's label`);
    }
    return { ...object, metadata: { ...object.metadata, labels: { ...object.metadata?.labels, [APPLYSET_PART_OF_LABEL]: this.id } } };
  }

  /** Records a member about to be applied. */
  add(resource: AnyResource, namespace: string | undefined): void {
    this.updated.groupKinds.add(formatGroupKind(resource));
    if (resource.namespaced && namespace) this.updated.namespaces.add(namespace);
  }

  /** Writes the parent: "superset" before applying, "latest" after a successful prune. */
  async writeParent(mode: "superset" | "latest"): Promise<void> {
    const union = <T>(a: Set<T>, b: Set<T>) => new Set([...a, ...b]);
    const groupKinds = mode === "superset" ? union(this.current.groupKinds, this.updated.groupKinds) : this.updated.groupKinds;
    const namespaces = mode === "superset" ? union(this.current.namespaces, this.updated.namespaces) : this.updated.namespaces;
    const sorted = (s: Set<string>) => [...s].sort().join(",");
    const body: DynamicObject = {
      apiVersion: "v1",
      kind: this.parentId.kind,
      metadata: {
        name: this.parentId.name,
        namespace: this.parentId.namespace as string,
        labels: { [APPLYSET_ID_LABEL]: this.id },
        annotations: {
          [APPLYSET_TOOLING_ANNOTATION]: this.tooling,
          [APPLYSET_GROUP_KINDS_ANNOTATION]: sorted(groupKinds),
          [APPLYSET_NAMESPACES_ANNOTATION]: sorted(new Set([...namespaces].filter((n) => n !== this.parentId.namespace))),
        },
      },
    };
    const config = applyConfigurationOf(this.#parentType, body);
    const options = { fieldManager: this.fieldManager, ...(this.#dryRun && { dryRun: true }) };
    try {
      await this.#parentClient().apply(config, options);
    } catch (e) {
      // A dry run creates no namespace, so the parent cannot be recorded in a new one: nothing is stored anyway.
      if (this.#dryRun && isNotFound(e)) return;
      // As kubectl: the set's own manager should own these fields; take them if another does.
      if (!isConflict(e)) throw e;
      await this.#parentClient().apply(config, { ...options, force: true });
    }
  }

  /**
   * Members of the set recorded before this apply that this apply did not touch: each recorded
   * group-kind listed by the member label in each recorded namespace.
   */
  async findPrunable(resolver: KindResolver, applied: ReadonlySet<string>): Promise<{ prunable: { id: ObjectId; resource: AnyResource; uid: string }[]; errors: { groupKind: GroupKind; error: KubeError }[] }> {
    const prunable: { id: ObjectId; resource: AnyResource; uid: string }[] = [];
    const errors: { groupKind: GroupKind; error: KubeError }[] = [];
    const selector = { labelSelector: { [APPLYSET_PART_OF_LABEL]: this.id } };
    await Promise.all(
      [...this.current.groupKinds].sort().map(async (text) => {
        const groupKind = parseGroupKind(text);
        try {
          const resource = await resolver.resolveGroupKind(groupKind.group, groupKind.kind);
          const scopes = resource.namespaced ? [...this.current.namespaces].sort() : [undefined];
          for (const namespace of scopes) {
            const list = await api(this.#conn, resource, namespace === undefined ? {} : { namespace }).list(selector);
            for (const item of list.items) {
              const uid = item.metadata?.uid ?? "";
              if (applied.has(uid)) continue;
              const apiVersion = resource.group === "" ? resource.version : `${resource.group}/${resource.version}`;
              prunable.push({ id: { apiVersion, kind: resource.kind, namespace, name: item.metadata?.name ?? "" }, resource, uid });
            }
          }
        } catch (e) {
          errors.push({ groupKind, error: e instanceof KubeError ? e : new KubeError(String(e)) });
        }
      }),
    );
    return { prunable, errors };
  }

  /** Deletes one prunable member (background propagation, as kubectl), only if its uid still matches. */
  async delete(member: { id: ObjectId; resource: AnyResource; uid: string }): Promise<DynamicObject | undefined> {
    const client = api(this.#conn, member.resource, member.id.namespace === undefined ? {} : { namespace: member.id.namespace });
    try {
      const result = await client.delete(member.id.name, {
        propagationPolicy: "Background",
        preconditions: { uid: member.uid },
        ...(this.#dryRun && { dryRun: true }),
      });
      return isStatus(result) ? undefined : result;
    } catch (e) {
      if (isNotFound(e)) return undefined;
      throw e;
    }
  }
}
