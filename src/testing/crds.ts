/**
 * Installing CustomResourceDefinitions for a test: from objects or YAML/JSON files, by
 * server-side apply, then waiting until each is Established AND served (a new CRD's storage
 * answers 404 or 429 for a moment after Established).
 */
import { readFileSync } from "node:fs";
import yaml from "js-yaml";
import { api } from "../api/client.ts";
import { applyConfigurationOf } from "../api/apply-configuration.ts";
import { dynamicResource } from "../api/dynamic.ts";
import { ConfigError, WaitTimeoutError } from "../base/errors.ts";
import { isRecord } from "../base/object.ts";
import { connectionOf, type KubeTarget } from "../controller/kube-target.ts";
import { CustomResourceDefinition } from "../../generated/k8s/apiextensions/v1/index.ts";

/** A CRD object, or the path of a YAML or JSON file holding one or more (other documents are skipped). */
export type CrdSource = CustomResourceDefinition | string;

/**
 * Applies the CRDs and resolves with their names once every served version answers a list.
 *
 * @example await installCrds(kube, ["config/crd/widgets.yaml", secretMirrorCrd]);
 */
export async function installCrds(kube: KubeTarget, sources: readonly CrdSource[], options: { fieldManager?: string; timeoutMs?: number } = {}): Promise<string[]> {
  const conn = connectionOf(kube);
  const crds = api(conn, CustomResourceDefinition);
  const docs = sources.flatMap((source) => (typeof source === "string" ? crdsInFile(source) : [source]));
  for (const doc of docs) {
    await crds.apply(applyConfigurationOf(CustomResourceDefinition, doc), { fieldManager: options.fieldManager ?? "bun-k8s-testing", force: true });
  }
  const deadline = Date.now() + (options.timeoutMs ?? 60_000);
  const names: string[] = [];
  for (const doc of docs) {
    const name = doc.metadata!.name!;
    for (;;) {
      const crd = await crds.get(name);
      const established = crd.status?.conditions?.some((c) => c.type === "Established" && c.status === "True");
      const served = established && (await allVersionsServed(conn, crd));
      if (served) break;
      if (Date.now() > deadline) throw new WaitTimeoutError(`CRD ${name} was not established and served within ${options.timeoutMs ?? 60_000} ms`);
      await new Promise((r) => setTimeout(r, 100));
    }
    names.push(name);
  }
  return names;
}

async function allVersionsServed(conn: ReturnType<typeof connectionOf>, crd: CustomResourceDefinition): Promise<boolean> {
  const spec = crd.spec;
  for (const version of spec.versions.filter((v) => v.served)) {
    const resource = dynamicResource({ group: spec.group, version: version.name, plural: spec.names.plural, namespaced: spec.scope === "Namespaced", kind: spec.names.kind, custom: true });
    const ok = await api(conn, resource).list({ limit: 1 }).then(
      () => true,
      () => false,
    );
    if (!ok) return false;
  }
  return true;
}

function crdsInFile(file: string): CustomResourceDefinition[] {
  let docs: unknown[];
  try {
    docs = yaml.loadAll(readFileSync(file, "utf8"));
  } catch (error) {
    throw new ConfigError(`cannot read CRDs from ${file}: ${error instanceof Error ? error.message.split("\n")[0] : String(error)}`);
  }
  const crds = docs.filter((d): d is CustomResourceDefinition => isRecord(d) && d.kind === "CustomResourceDefinition");
  if (crds.length === 0) throw new ConfigError(`${file} holds no CustomResourceDefinition`);
  return crds;
}
