import type { Config, NamedExtension } from "./kubeconfig.ts";
import { protectKubeconfig } from "./redact.ts";

/** One parsed kubeconfig file. */
export interface SourcedConfig {
  file: string;
  config: Config;
}

/** Where each named entry of a merged kubeconfig came from (for messages and relative paths). */
export interface ConfigOrigins {
  clusters: Map<string, string>;
  users: Map<string, string>;
  contexts: Map<string, string>;
}

/** Several kubeconfig files merged into one view. */
export interface MergedKubeconfig {
  config: Config;
  /** The files that were read, highest precedence first. */
  files: string[];
  origins: ConfigOrigins;
}

/**
 * Merges kubeconfig files by kubectl's rules: for every cluster, user and context name the
 * first file that defines it wins, and its entry is taken whole (fields are never mixed
 * across files). `current-context` and preferences come from the first file that sets them.
 *
 * @example
 * const merged = mergeKubeconfigs([{ file: "a.yaml", config: a }, { file: "b.yaml", config: b }]);
 * merged.origins.users.get("admin"); // "a.yaml" when both files define "admin"
 */
export function mergeKubeconfigs(sources: readonly SourcedConfig[]): MergedKubeconfig {
  const origins: ConfigOrigins = { clusters: new Map(), users: new Map(), contexts: new Map() };
  const config: Config = { apiVersion: "v1", kind: "Config", clusters: [], users: [], contexts: [] };
  const extensions: NamedExtension[] = [];
  const extensionNames = new Set<string>();
  for (const { file, config: c } of sources) {
    for (const entry of c.clusters) {
      if (origins.clusters.has(entry.name)) continue;
      origins.clusters.set(entry.name, file);
      config.clusters.push(entry);
    }
    for (const entry of c.users) {
      if (origins.users.has(entry.name)) continue;
      origins.users.set(entry.name, file);
      config.users.push(entry);
    }
    for (const entry of c.contexts) {
      if (origins.contexts.has(entry.name)) continue;
      origins.contexts.set(entry.name, file);
      config.contexts.push(entry);
    }
    if (!config["current-context"] && c["current-context"]) config["current-context"] = c["current-context"];
    if (c.preferences?.colors !== undefined && config.preferences?.colors === undefined) {
      config.preferences = { ...config.preferences, colors: c.preferences.colors };
    }
    for (const ext of c.extensions ?? []) {
      if (extensionNames.has(ext.name)) continue;
      extensionNames.add(ext.name);
      extensions.push(ext);
    }
  }
  if (extensions.length) config.extensions = extensions;
  return { config: protectKubeconfig(config), files: sources.map((s) => s.file), origins };
}
