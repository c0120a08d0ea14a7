/**
 * Reads the server, TLS material and token of a kubeconfig's current context, for the test
 * harness's mini client. Deliberately minimal and separate from src/config (under test).
 */
import { readFileSync } from "node:fs";
import { dirname, isAbsolute, join } from "node:path";
import yaml from "js-yaml";
import type { MiniTls } from "./mini-client.ts";

type Fields = Record<string, string | undefined>;
interface Named {
  name: string;
  cluster?: Fields;
  user?: Fields;
  context?: Fields;
}

export interface KubeconfigMaterial {
  server: string;
  tls: MiniTls;
  token: string | undefined;
}

function material(file: string, fields: Fields, key: string): string | undefined {
  const data = fields[`${key}-data`];
  if (data) return Buffer.from(data, "base64").toString("utf8");
  const path = fields[key];
  if (!path) return undefined;
  return readFileSync(isAbsolute(path) ? path : join(dirname(file), path), "utf8");
}

/** @example const { server, tls } = readKubeconfigMaterial(cluster.kubeconfigs.admin); */
export function readKubeconfigMaterial(file: string): KubeconfigMaterial {
  const config = yaml.load(readFileSync(file, "utf8")) as { "current-context"?: string; clusters?: Named[]; users?: Named[]; contexts?: Named[] };
  const context = config.contexts?.find((c) => c.name === config["current-context"])?.context ?? config.contexts?.[0]?.context;
  const cluster = config.clusters?.find((c) => c.name === context?.cluster)?.cluster;
  const user = config.users?.find((u) => u.name === context?.user)?.user ?? {};
  if (!cluster?.server) throw new Error(`${file}: no cluster server in its current context`);
  const ca = material(file, cluster, "certificate-authority");
  if (!ca) throw new Error(`${file}: the test harness needs the cluster CA in the kubeconfig`);
  return {
    server: cluster.server.replace(/\/$/, ""),
    tls: { ca, cert: material(file, user, "client-certificate"), key: material(file, user, "client-key") },
    token: user.token,
  };
}
