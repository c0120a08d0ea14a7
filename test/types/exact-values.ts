/**
 * Type-level tests of the value types: enums exact on write and open on read (NewerValue),
 * quantities read as strings and written as strings or numbers (Writable), JSON values for
 * preserve-unknown fields, and the real unions of the CRD schema types.
 * Checked by `npm run typecheck`; every @ts-expect-error must hit an error or tsc fails.
 */
import type { JsonValue, NewerValue, Writable } from "../../src/base/value-types.ts";
import type { ResourceClient } from "../../src/api/client-types.ts";
import type { ApplyConfiguration } from "../../src/request/patch-types.ts";
import type { Deployment, DeploymentStrategy } from "../../generated/k8s/apps/v1/index.ts";
import type { Container, Pod, ServicePort } from "../../generated/k8s/core/v1/index.ts";
import type { Quantity } from "../../generated/k8s/meta/v1/index.ts";
import type { JSONSchemaProps } from "../../generated/k8s/apiextensions/v1/index.ts";
import type { HelmReleaseSpec } from "../../generated/flux/helm/v2/index.ts";

type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
const assertType = <T extends true>(): T => true as T;

// Enums recovered from the Go definitions: what you write is checked against the known values.
export const recreate: DeploymentStrategy = { type: "Recreate" };
// @ts-expect-error "Recreat" is not a deployment strategy
export const typo: DeploymentStrategy = { type: "Recreat" };
// @ts-expect-error a ServicePort protocol is TCP, UDP or SCTP
export const protocol: ServicePort = { port: 80, protocol: "tcp" };
export const pull: Container = { name: "c", imagePullPolicy: "IfNotPresent" };
declare const someString: string;
// @ts-expect-error an arbitrary string is not a known value: it must be checked first
export const unchecked: DeploymentStrategy = { type: someString };

// On read, a newer value stays possible: an exhaustive switch keeps a branch for it.
export function describeStrategy(d: Deployment): string {
  const t = d.spec?.strategy?.type;
  switch (t) {
    case "Recreate":
      return "all at once";
    case "RollingUpdate":
      return "gradually";
    case undefined:
      return "default";
    default: {
      const newer: NewerValue = t;
      // @ts-expect-error the switch is not exhaustive without the NewerValue branch
      const impossible: never = t;
      return `${newer}${String(impossible)}`;
    }
  }
}
assertType<Equal<NonNullable<DeploymentStrategy["type"]>, "Recreate" | "RollingUpdate" | NewerValue>>();
// @ts-expect-error a literal is never a NewerValue, so no typo sneaks in through it
export const sneaky: NewerValue = "Recreat";

// Quantities: read as strings, written as strings or numbers.
declare const pod: Pod;
export const cpu: string | undefined = pod.spec?.containers[0]?.resources?.limits?.cpu;
export const quantity: Quantity = "500m";
// @ts-expect-error the server answers strings, so a quantity read back is never a number
export const readNumber: Quantity = 1;
// @ts-expect-error a Pod literal is the read form
export const podWithNumber: Pod = { spec: { containers: [{ name: "c", resources: { limits: { cpu: 1 } } }] } };
export const writable: Writable<Pod> = { spec: { containers: [{ name: "c", resources: { limits: { cpu: 1, memory: "1Gi" } } }] } };
export const readIsWritable: Writable<Pod> = pod;
// @ts-expect-error numbers only where the API takes quantities: a container name stays a string
export const badName: Writable<Pod> = { spec: { containers: [{ name: 1 }] } };
// @ts-expect-error enums stay exact in the write form
export const badPolicy: Writable<Pod> = { spec: { containers: [{ name: "c", imagePullPolicy: "Sometimes" }] } };
declare const pods: ResourceClient<Pod, "status", "create" | "update" | "patch">;
export const created = pods.create({ spec: { containers: [{ name: "c", resources: { requests: { cpu: 0.5 } } }] } });
export const replaced = pods.replace({ ...pod, spec: { containers: [{ name: "c", resources: { requests: { memory: 1024 } } }] } });
export const applyCfg: ApplyConfiguration<Pod> = { apiVersion: "v1", kind: "Pod", metadata: { name: "p" }, spec: { containers: [{ name: "c", resources: { limits: { cpu: 2 } } }] } };
export const merged = pods.patch("p", { type: "merge", patch: { spec: { overhead: { cpu: 1 } } } });
assertType<Equal<Awaited<typeof created>, Pod>>();

// Fields that keep unknown fields hold any JSON value.
export const values: HelmReleaseSpec["values"] = { image: { tag: "1.2" }, list: [1, "a", null], enabled: true };
export const arrayValues: HelmReleaseSpec["values"] = [1, 2];
export const scalarValues: HelmReleaseSpec["values"] = "plain";
// @ts-expect-error a function is no JSON value
export const fnValues: HelmReleaseSpec["values"] = { f: () => 1 };
export const json: JsonValue = { a: [{ b: null }] };

// CRD schemas: the real unions instead of unknown.
export const schema: JSONSchemaProps = {
  type: "object",
  properties: { list: { type: "array", items: { type: "string" } }, tuple: { type: "array", items: [{ type: "string" }, { type: "integer" }] } },
  additionalProperties: false,
  dependencies: { a: ["b"], c: { required: ["d"] } },
  default: { any: "json" },
  "x-kubernetes-preserve-unknown-fields": true,
};
// @ts-expect-error items is a schema or a list of schemas
export const badItems: JSONSchemaProps = { type: "array", items: "string" };
// @ts-expect-error additionalProperties is a schema or a boolean
export const badAdditional: JSONSchemaProps = { additionalProperties: "yes" };
// @ts-expect-error dependencies are schemas or lists of property names
export const badDependencies: JSONSchemaProps = { dependencies: { a: [1] } };
