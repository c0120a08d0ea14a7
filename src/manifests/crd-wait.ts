/**
 * Waiting for CustomResourceDefinitions to be served: a CRD's custom objects can be applied
 * only once the CRD is Established. Each CRD of the batch is watched by name; a CRD whose names
 * were refused (NamesAccepted=False) fails at once with the server's reason.
 */
import type { Connection } from "../connection/types.ts";
import { api } from "../api/client.ts";
import { KubeError } from "../base/errors.ts";
import { informer } from "../runtime/informer.ts";
import { CustomResourceDefinition } from "../../generated/k8s/apiextensions/v1/index.ts";

function condition(crd: CustomResourceDefinition, type: string) {
  return crd.status?.conditions?.find((c) => c.type === type);
}

/**
 * Waits until each named CRD is Established; resolves with the error of each one that is not
 * (refused names, or the time limit), keyed by name. Never rejects for one CRD's sake.
 *
 * @example
 * const failures = await waitEstablished(conn, ["widgets.example.com"], { timeoutMs: 60_000 });
 */
export async function waitEstablished(
  conn: Connection,
  names: readonly string[],
  options: { timeoutMs: number; signal?: AbortSignal | undefined },
): Promise<Map<string, KubeError>> {
  const failures = new Map<string, KubeError>();
  // One informer per CRD, narrowed to its name: a cluster with hundreds of large CRDs is never listed whole.
  const informers = names.map((name) =>
    informer(api(conn, CustomResourceDefinition), { fieldSelector: { "metadata.name": name }, ...(options.signal && { signal: options.signal }) }),
  );
  try {
    const settled = await Promise.allSettled(
      names.map((name, i) =>
        (informers[i] as (typeof informers)[number]).waitFor(
          name,
          (crd) => condition(crd, "Established")?.status === "True" || condition(crd, "NamesAccepted")?.status === "False",
          { timeoutMs: options.timeoutMs },
        ),
      ),
    );
    settled.forEach((s, i) => {
      const name = names[i] as string;
      if (s.status === "rejected") {
        failures.set(name, s.reason instanceof KubeError ? s.reason : new KubeError(`CRD ${name}: ${String(s.reason)}`));
        return;
      }
      const refused = condition(s.value, "NamesAccepted");
      if (refused?.status === "False") failures.set(name, new KubeError(`CRD ${name} is not served: ${refused.reason ?? "NamesNotAccepted"}: ${refused.message ?? ""}`));
    });
  } finally {
    for (const inf of informers) inf.stop();
  }
  return failures;
}
