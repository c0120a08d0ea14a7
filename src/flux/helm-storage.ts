/**
 * The objects of a Helm release, read from Helm's own storage (pure): helm-controller keeps
 * each release revision in a Secret `sh.helm.release.v1.<release>.v<revision>` whose
 * `release` key is base64 of gzip of the release as JSON; its `manifest` is the rendered
 * YAML. Used when a HelmRelease has no `status.inventory` (helm-controller before v1.1).
 */
import { gunzipSync } from "node:zlib";
import yaml from "js-yaml";
import { DecodeError } from "../base/errors.ts";
import type { Secret } from "../../generated/k8s/core/v1/index.ts";
import type { AppliedObject } from "./inventory.ts";

/** What the SDK reads of a stored Helm release. */
export interface HelmReleaseRecord {
  name: string;
  namespace: string;
  /** The release revision (the Secret's `v<N>`). */
  version: number;
  /** "deployed", "superseded", "failed", ... */
  status: string | undefined;
  chart: { name: string | undefined; version: string | undefined };
  /** The rendered manifests, as Helm applied them (multi-document YAML). */
  manifest: string;
}

/** Helm's storage Secrets are at most 1 MiB; a release decompresses to far less than this. */
const MAX_RELEASE_BYTES = 32 * 1024 * 1024;
const GZIP_MAGIC = [0x1f, 0x8b, 0x08];

/** @example helmStorageSecretName("podinfo", 3) // "sh.helm.release.v1.podinfo.v3" */
export function helmStorageSecretName(release: string, version: number): string {
  return `sh.helm.release.v1.${release}.v${version}`;
}

/**
 * Decodes a Helm storage Secret (as the API returns it: `data.release` base64 of Helm's own
 * base64 of gzipped JSON).
 *
 * @example const record = decodeHelmRelease(await api(conn, Secret, { namespace: "apps" }).get("sh.helm.release.v1.podinfo.v1"));
 */
export function decodeHelmRelease(secret: Secret): HelmReleaseRecord {
  const where = `Helm storage Secret ${secret.metadata?.namespace ?? ""}/${secret.metadata?.name ?? ""}`;
  const field = secret.data?.release;
  if (!field) throw new DecodeError(`${where} has no "release" key`);
  let json: string;
  try {
    // The API's base64 holds Helm's base64, which holds the (usually gzipped) JSON.
    const inner = Buffer.from(Buffer.from(field, "base64").toString("latin1"), "base64");
    const gzipped = GZIP_MAGIC.every((byte, i) => inner[i] === byte);
    json = (gzipped ? gunzipSync(inner, { maxOutputLength: MAX_RELEASE_BYTES }) : inner).toString("utf8");
  } catch (error) {
    throw new DecodeError(`${where}: the release is not gzip-compressed base64 (${(error as Error).message})`, {}, { cause: error });
  }
  let release: {
    name?: unknown;
    namespace?: unknown;
    version?: unknown;
    manifest?: unknown;
    info?: { status?: unknown };
    chart?: { metadata?: { name?: unknown; version?: unknown } };
  };
  try {
    release = JSON.parse(json) as typeof release;
  } catch (error) {
    throw new DecodeError(`${where}: the release is not JSON (${(error as Error).message})`, {}, { cause: error });
  }
  if (typeof release !== "object" || release === null || typeof release.name !== "string" || typeof release.version !== "number") {
    throw new DecodeError(`${where}: the release has no name or version`);
  }
  const text = (value: unknown): string | undefined => (typeof value === "string" ? value : undefined);
  return {
    name: release.name,
    namespace: text(release.namespace) ?? secret.metadata?.namespace ?? "",
    version: release.version,
    status: text(release.info?.status),
    chart: { name: text(release.chart?.metadata?.name), version: text(release.chart?.metadata?.version) },
    manifest: text(release.manifest) ?? "",
  };
}

/**
 * The objects a rendered manifest holds. Helm leaves the namespace out of namespaced
 * templates; `isNamespaced` says which kinds are (the SDK asks discovery), and those get
 * the release's namespace.
 *
 * @example await manifestObjects(record.manifest, "apps", () => true) // [{ apiVersion: "v1", kind: "ConfigMap", name: "podinfo", namespace: "apps" }]
 */
export async function manifestObjects(
  manifest: string,
  releaseNamespace: string,
  isNamespaced: (apiVersion: string, kind: string) => boolean | Promise<boolean>,
): Promise<AppliedObject[]> {
  const out: AppliedObject[] = [];
  let documents: unknown[];
  try {
    documents = yaml.loadAll(manifest);
  } catch (error) {
    throw new DecodeError(`the Helm release manifest is not YAML (${(error as Error).message})`, {}, { cause: error });
  }
  for (const doc of documents) {
    if (typeof doc !== "object" || doc === null) continue;
    const { apiVersion, kind, metadata } = doc as { apiVersion?: unknown; kind?: unknown; metadata?: { name?: unknown; namespace?: unknown } };
    if (typeof apiVersion !== "string" || typeof kind !== "string" || typeof metadata?.name !== "string") continue;
    const given = typeof metadata.namespace === "string" && metadata.namespace ? metadata.namespace : undefined;
    const namespace = given ?? ((await isNamespaced(apiVersion, kind)) ? releaseNamespace : undefined);
    out.push({ apiVersion, kind, name: metadata.name, namespace });
  }
  return out;
}
