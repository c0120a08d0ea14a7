import { ConfigError } from "../base/errors.ts";
import { configEnvironment, describeFsError, isMissingFile, pathsFor, type ConfigEnvironment } from "./environment.ts";
import type { AuthInfo, Cluster, Config } from "./kubeconfig.ts";
import { mergeKubeconfigs, type MergedKubeconfig, type SourcedConfig } from "./merge.ts";
import { protectKubeconfig } from "./redact.ts";

/** Which kubeconfig files to load, and the environment to read them from. */
export interface LoadKubeconfigOptions extends Partial<ConfigEnvironment> {
  /**
   * One kubeconfig file to use instead of KUBECONFIG / ~/.kube/config, like
   * `kubectl --kubeconfig`. Unlike KUBECONFIG entries, it must exist.
   */
  kubeconfigPath?: string;
}

/** The merged kubeconfig, with every relative path made absolute. */
export interface LoadedKubeconfig extends MergedKubeconfig {
  /** Every file considered, in order, including the missing ones (for messages). */
  searched: string[];
  /** Where the file list came from. */
  source: "kubeconfigPath" | "KUBECONFIG" | "default";
}

/**
 * Reads and merges the kubeconfig files kubectl would: `kubeconfigPath` if given, else
 * every file listed in KUBECONFIG (':'-separated, ';' on Windows; missing files skipped),
 * else ~/.kube/config. No file at all gives an empty config, not an error.
 *
 * @example
 * const { config, files } = await loadKubeconfig();
 * console.log(files, config["current-context"]);
 */
export async function loadKubeconfig(options: LoadKubeconfigOptions = {}): Promise<LoadedKubeconfig> {
  const env = configEnvironment(options);
  const { paths, source } = kubeconfigPaths(env, options.kubeconfigPath);
  const sources: SourcedConfig[] = [];
  for (const file of paths) {
    let text: string;
    try {
      text = await env.readFile(file);
    } catch (e) {
      if (isMissingFile(e) && source !== "kubeconfigPath") continue;
      throw new ConfigError(`cannot read kubeconfig ${file}: ${describeFsError(e)}`, {}, { cause: e });
    }
    // The YAML reader (js-yaml and kubectl's scalar rules) loads with the first file to parse, not with the
    // package: an in-cluster program never reads YAML, and importing bun-k8s stays cheaper.
    const { parseKubeconfig } = await import("./kubeconfig-parse.ts");
    const parsed = parseKubeconfig(text, file);
    sources.push({ file, config: resolveRelativePaths(parsed, pathsFor(env.platform).dirname(file), env.platform) });
  }
  return { ...mergeKubeconfigs(sources), searched: paths, source };
}

/**
 * The kubeconfig files to read, highest precedence first, as absolute paths.
 *
 * @example
 * kubeconfigPaths(configEnvironment({ env: { KUBECONFIG: "a:b" }, cwd: "/w" })).paths; // ["/w/a", "/w/b"]
 */
export function kubeconfigPaths(
  env: ConfigEnvironment,
  explicit?: string,
): { paths: string[]; source: LoadedKubeconfig["source"] } {
  const p = pathsFor(env.platform);
  if (explicit) return { paths: [p.resolve(env.cwd, explicit)], source: "kubeconfigPath" };
  const list = env.env.KUBECONFIG;
  if (list) {
    const entries = list.split(p.delimiter).filter((entry) => entry.trim() !== "");
    const unique = [...new Set(entries.map((entry) => p.resolve(env.cwd, entry)))];
    return { paths: unique, source: "KUBECONFIG" };
  }
  return { paths: [p.join(env.homeDir, ".kube", "config")], source: "default" };
}

/**
 * Makes a file's relative paths absolute against its folder, as client-go does: CA,
 * client certificate and key, tokenFile, and the exec command when it names a path
 * (a bare name is looked up on PATH instead). Returns a copy.
 *
 * @example
 * const absolute = resolveRelativePaths(parseKubeconfig(text, file), path.dirname(file), process.platform);
 */
export function resolveRelativePaths(config: Config, dir: string, platform: NodeJS.Platform): Config {
  const p = pathsFor(platform);
  const abs = (file: string | undefined): string | undefined =>
    file === undefined || file === "" || p.isAbsolute(file) ? file : p.resolve(dir, file);
  const separators = platform === "win32" ? /[\\/]/ : /\//;
  return protectKubeconfig({
    ...config,
    clusters: config.clusters.map(({ name, cluster }) => {
      const c: Cluster = { ...cluster };
      if (c["certificate-authority"]) c["certificate-authority"] = abs(c["certificate-authority"]);
      return { name, cluster: c };
    }),
    users: config.users.map(({ name, user }) => {
      const u: AuthInfo = { ...user };
      if (u["client-certificate"]) u["client-certificate"] = abs(u["client-certificate"]);
      if (u["client-key"]) u["client-key"] = abs(u["client-key"]);
      if (u.tokenFile) u.tokenFile = abs(u.tokenFile);
      if (u.exec && separators.test(u.exec.command)) u.exec = { ...u.exec, command: abs(u.exec.command) ?? "" };
      return { name, user: u };
    }),
  });
}
