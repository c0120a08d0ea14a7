/**
 * `flux export` (pure): a Flux object as a clean manifest to keep in Git — apiVersion, kind,
 * name, namespace, labels, annotations and spec, as `flux export` prints them; no status,
 * managedFields, uid, resourceVersion, generation, creationTimestamp, finalizers or owner
 * references. Re-applying an export changes nothing.
 */
import yaml from "js-yaml";
import { ValidationError } from "../base/errors.ts";
import { fluxApiVersion, isFluxKind, type FluxKind, type FluxObjectMap } from "./kinds.ts";

/** A Flux object as `flux export` writes it. */
export interface FluxManifest<K extends FluxKind = FluxKind> {
  apiVersion: string;
  kind: K;
  metadata: { name: string; namespace: string; labels?: { [key: string]: string }; annotations?: { [key: string]: string } };
  spec: FluxObjectMap[K]["spec"];
}

/**
 * The clean manifest of a Flux object read from the API.
 *
 * @example const manifest = exportFluxObject(await flux.get(ks)); // no status, no server-set metadata
 */
export function exportFluxObject<K extends FluxKind>(object: FluxObjectMap[K]): FluxManifest<K> {
  const kind = object.kind as unknown;
  if (!isFluxKind(kind)) throw new ValidationError(`export: not a Flux object (kind ${JSON.stringify(kind ?? null)})`);
  const { name, namespace, labels, annotations } = object.metadata ?? {};
  if (!name || !namespace) throw new ValidationError(`export: the ${kind} has no metadata.name or metadata.namespace`);
  return {
    // The version this SDK reads it at, as the CLI writes its own.
    apiVersion: object.apiVersion ?? fluxApiVersion(kind),
    kind: kind as K,
    metadata: {
      name,
      namespace,
      ...(labels && Object.keys(labels).length > 0 ? { labels: { ...labels } } : {}),
      ...(annotations && Object.keys(annotations).length > 0 ? { annotations: { ...annotations } } : {}),
    },
    spec: structuredClone(object.spec),
  };
}

/**
 * Manifests as one YAML stream, each document after `---`, keys sorted as the flux CLI's
 * YAML encoder writes them.
 *
 * @example writeFileSync("flux-system.yaml", formatFluxManifests(await flux.exportAll("Kustomization", { namespace: "flux-system" })));
 */
export function formatFluxManifests(manifests: readonly FluxManifest[]): string {
  return manifests.map((m) => `---\n${yaml.dump(m, { sortKeys: true, lineWidth: -1, noRefs: true })}`).join("");
}
