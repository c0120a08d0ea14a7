/** Installs the example operator's CustomResourceDefinition (examples/operator/secret-mirror.ts) through bun-k8s/testing. */
import type { Connection } from "../../src/connection/types.ts";
import { installCrds } from "../../src/testing/crds.ts";
import { secretMirrorCrd } from "../../examples/operator/secret-mirror.ts";

export async function installSecretMirrorCrd(conn: Connection): Promise<void> {
  await installCrds(conn, [secretMirrorCrd], { fieldManager: "bun-k8s-tests" });
}
