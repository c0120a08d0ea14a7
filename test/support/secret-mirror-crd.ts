/**
 * Installs the example operator's CustomResourceDefinition (examples/operator/secret-mirror.ts)
 * with the SDK's own server-side apply, and waits until the API server serves the kind.
 */
import { api } from "../../src/api/client.ts";
import type { Connection } from "../../src/connection/types.ts";
import { CustomResourceDefinition } from "../../generated/k8s/apiextensions/v1/index.ts";
import { SecretMirror, secretMirrorCrd } from "../../examples/operator/secret-mirror.ts";

export async function installSecretMirrorCrd(conn: Connection): Promise<void> {
  const crds = api(conn, CustomResourceDefinition);
  await crds.apply({ ...secretMirrorCrd, apiVersion: "apiextensions.k8s.io/v1", kind: "CustomResourceDefinition", metadata: { name: secretMirrorCrd.metadata!.name! } }, { fieldManager: "bun-k8s-tests", force: true });
  const deadline = Date.now() + 60_000;
  for (;;) {
    const crd = await crds.get(secretMirrorCrd.metadata!.name!);
    const established = crd.status?.conditions?.some((c) => c.type === "Established" && c.status === "True");
    // Established is not yet served: a new CRD's storage answers 404/429 for a moment.
    if (established && (await api(conn, SecretMirror).list({ limit: 1 }).then(() => true, () => false))) return;
    if (Date.now() > deadline) throw new Error("the SecretMirror CRD was not served within 60 s");
    await new Promise((r) => setTimeout(r, 200));
  }
}
