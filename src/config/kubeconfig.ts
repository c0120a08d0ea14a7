/**
 * The kubeconfig file model, field for field as kubectl writes it (kebab-case keys,
 * named lists). Parsing lives in kubeconfig-parse.ts; merging in merge.ts.
 */

/** A kubeconfig file (kind: Config, apiVersion: v1). */
export interface Config {
  apiVersion?: string;
  kind?: string;
  preferences?: Preferences;
  clusters: NamedCluster[];
  users: NamedAuthInfo[];
  contexts: NamedContext[];
  "current-context"?: string;
  extensions?: NamedExtension[];
}

/** The kubeconfig `preferences` block (kept, not used). */
export interface Preferences {
  colors?: boolean;
  extensions?: NamedExtension[];
}

/** An entry of the kubeconfig's `clusters` list. */
export interface NamedCluster {
  name: string;
  cluster: Cluster;
}

/** How to reach an API server: its URL and how to verify it. */
export interface Cluster {
  /** https://host:port, optionally with a path prefix. */
  server?: string;
  "tls-server-name"?: string;
  "insecure-skip-tls-verify"?: boolean;
  /** Path of a PEM CA bundle (absolute after loading). */
  "certificate-authority"?: string;
  /** Base64 of a PEM CA bundle. */
  "certificate-authority-data"?: string;
  "proxy-url"?: string;
  "disable-compression"?: boolean;
  extensions?: NamedExtension[];
}

/** An entry of the kubeconfig's `users` list. */
export interface NamedAuthInfo {
  name: string;
  user: AuthInfo;
}

/** A kubeconfig "user": how to authenticate, and whom to impersonate. */
export interface AuthInfo {
  /** Path of a PEM client certificate (absolute after loading). */
  "client-certificate"?: string;
  /** Base64 of a PEM client certificate. */
  "client-certificate-data"?: string;
  "client-key"?: string;
  "client-key-data"?: string;
  token?: string;
  /** Path of a file holding a bearer token; re-read when it changes. */
  tokenFile?: string;
  as?: string;
  "as-uid"?: string;
  "as-groups"?: string[];
  "as-user-extra"?: Record<string, string[]>;
  username?: string;
  password?: string;
  "auth-provider"?: AuthProviderConfig;
  exec?: ExecConfig;
  extensions?: NamedExtension[];
}

/** The legacy in-tree auth provider block (only "oidc" is still supported upstream). */
export interface AuthProviderConfig {
  name: string;
  config?: Record<string, string>;
}

/** Whether an exec plugin may read standard input (kubeconfig `interactiveMode`). */
export type ExecInteractiveMode = "Never" | "IfAvailable" | "Always";

/** A client-go credential plugin. */
export interface ExecConfig {
  command: string;
  args?: string[];
  env?: ExecEnvVar[];
  /** client.authentication.k8s.io/v1 or v1beta1. */
  apiVersion: string;
  installHint?: string;
  provideClusterInfo?: boolean;
  /** Required for v1; v1beta1 defaults to IfAvailable. */
  interactiveMode?: ExecInteractiveMode;
}

/** An environment variable set for an exec plugin. */
export interface ExecEnvVar {
  name: string;
  value: string;
}

/** An entry of the kubeconfig's `contexts` list. */
export interface NamedContext {
  name: string;
  context: Context;
}

/** A cluster, a user and a default namespace, chosen together by name. */
export interface Context {
  cluster: string;
  user?: string;
  namespace?: string;
  extensions?: NamedExtension[];
}

/** A named extension object (kept as read, not interpreted). */
export interface NamedExtension {
  name: string;
  extension: unknown;
}

/** The API group of exec credential plugins; also the cluster extension handed to them. */
export const EXEC_API_GROUP = "client.authentication.k8s.io";
/** The exec credential API versions we speak, newest first. */
export const EXEC_API_VERSIONS = [`${EXEC_API_GROUP}/v1`, `${EXEC_API_GROUP}/v1beta1`] as const;

/**
 * A Config with nothing in it.
 *
 * @example
 * const config = emptyConfig();
 * config.clusters.push({ name: "local", cluster: { server: "https://127.0.0.1:6443" } });
 */
export function emptyConfig(): Config {
  return { clusters: [], users: [], contexts: [] };
}
