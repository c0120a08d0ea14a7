/**
 * Type-level tests of the generated SDK (generated/ must exist: `npm run generate`).
 * Checked by `npm run typecheck`; every @ts-expect-error must hit an error or tsc fails.
 */
import type { ResourceType } from "../../src/base/resource.ts";
import { Deployment, type DeploymentSpec } from "../../generated/k8s/apps/v1/index.ts";
import { Namespace, Pod, type Container, type ServicePort } from "../../generated/k8s/core/v1/index.ts";
import type { ObjectMeta, Quantity } from "../../generated/k8s/meta/v1/index.ts";
import { resources, type ResourceTypeMap } from "../../generated/k8s/resources.ts";
import { GitRepository, type GitRepositorySpec } from "../../generated/flux/source/v1/index.ts";
import type { HelmReleaseSpec } from "../../generated/flux/helm/v2/index.ts";
import { resources as fluxResources } from "../../generated/flux/resources.ts";

type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
const assertType = <T extends true>(): T => true as T;

// Required fields are required.
export const template = { spec: { containers: [{ name: "web", image: "nginx" }] } };
export const spec: DeploymentSpec = { selector: { matchLabels: { app: "web" } }, template };
// @ts-expect-error template is required in DeploymentSpec
export const noTemplate: DeploymentSpec = { selector: {} };
// @ts-expect-error name is required in Container
export const noName: Container = { image: "nginx" };
// @ts-expect-error url is required in GitRepositorySpec
export const noUrl: GitRepositorySpec = { interval: "1m" };

// apiVersion and kind are literals.
export const dep: Deployment = { apiVersion: "apps/v1", kind: "Deployment", spec };
// @ts-expect-error wrong kind
export const wrongKind: Deployment = { kind: "StatefulSet", spec };
// @ts-expect-error wrong apiVersion
export const wrongVersion: Deployment = { apiVersion: "apps/v1beta1", spec };

// int-or-string, Quantity, preserve-unknown-fields, enums.
export const port: ServicePort = { port: 80, targetPort: "http" };
export const port2: ServicePort = { port: 80, targetPort: 8080 };
// @ts-expect-error targetPort is number | string
export const port3: ServicePort = { port: 80, targetPort: true };
export const cpu: Quantity = "500m";
export const values: HelmReleaseSpec["values"] = { image: { tag: "1.2" }, replicas: 3 };
export const provider: NonNullable<GitRepositorySpec["provider"]> = "github";
// @ts-expect-error provider is an enum
export const badProvider: NonNullable<GitRepositorySpec["provider"]> = "gitlab";
export const meta: ObjectMeta = { name: "x", labels: { a: "b" } };

// Resource values carry scope and subresources in their types.
assertType<Equal<typeof Deployment, ResourceType<Deployment, true, "scale" | "status">>>();
assertType<Equal<(typeof Namespace)["namespaced"], false>>();
assertType<Equal<(typeof GitRepository)["namespaced"], true>>();
assertType<Equal<(typeof Pod)["subresources"][number] extends infer S ? ("eviction" extends S ? true : false) : never, true>>();
// @ts-expect-error Namespace is cluster-scoped
export const nsScope: true = Namespace.namespaced;

// The type map is keyed "<apiVersion>/<kind>".
assertType<Equal<ResourceTypeMap["apps/v1/Deployment"], Deployment>>();
assertType<Equal<ResourceTypeMap["v1/Pod"], Pod>>();
export const plural: string = resources["apps/v1/Deployment"].plural;
export const fluxPlural: string = fluxResources["source.toolkit.fluxcd.io/v1/GitRepository"].plural;
// @ts-expect-error no such key
export const missing = resources["apps/v1/Nope"];
