/** Kubeconfig, in-cluster config and auth providers. */
export { loadConfig, type LoadConfigOptions } from "./load-config.ts";
export { loadKubeconfig, kubeconfigPaths, resolveRelativePaths, type LoadKubeconfigOptions, type LoadedKubeconfig } from "./kubeconfig-files.ts";
export { resolveContext, type ResolveOptions } from "./resolve.ts";
export { selectContext, type ContextOverrides, type ContextSelection } from "./select.ts";
export { inClusterConfig, isInCluster, type InClusterOptions } from "./in-cluster.ts";
export { parseKubeconfig } from "./kubeconfig-parse.ts";
export { mergeKubeconfigs, type MergedKubeconfig, type SourcedConfig, type ConfigOrigins } from "./merge.ts";
export { minifyKubeconfig } from "./minify.ts";
export {
  redactKubeconfig,
  redactResolvedConfig,
  protectKubeconfig,
  protectResolvedConfig,
  REDACTED,
  DATA_OMITTED,
} from "./redact.ts";
export { configEnvironment, type ConfigEnvironment } from "./environment.ts";
export type * from "./kubeconfig.ts";
export { EXEC_API_GROUP, EXEC_API_VERSIONS, emptyConfig } from "./kubeconfig.ts";
export type { AuthProvider, CredentialWait, Credentials, Impersonation, ResolvedConfig } from "./types.ts";
export { AnonymousAuth, TokenAuth } from "./auth/token.ts";
export { TokenFileAuth } from "./auth/token-file.ts";
export { ClientCertificateAuth, type PemSource } from "./auth/client-certificate.ts";
export { CombinedAuth } from "./auth/combined.ts";
export { ExecAuth, type ExecAuthOptions, type ExecClusterInfo } from "./auth/exec-credential.ts";
export { OidcAuth, type OidcAuthOptions, jwtExpiry } from "./auth/oidc.ts";
export { persistOidcTokens } from "./auth/oidc-persist.ts";
export { authProviderFor, type AuthSelection } from "./auth/from-auth-info.ts";
