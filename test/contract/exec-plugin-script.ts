/**
 * Real exec credential plugins for contract tests: an executable /bin/sh script in a temp
 * folder that prints a prepared ExecCredential per run and counts its runs in a file. The
 * n-th run prints the n-th prepared answer (the last one from then on); an expiry
 * placeholder becomes "now + N seconds" at run time, computed by the script itself.
 */
import { existsSync, readFileSync } from "node:fs";
import type { TempDir } from "../unit/config/fixtures/temp-files.ts";

export const EXEC_V1 = "client.authentication.k8s.io/v1";
export const EXEC_V1BETA1 = "client.authentication.k8s.io/v1beta1";
const EXPIRY = "@EXPIRY@";

export interface PluginAnswer {
  token?: string;
  clientCertificateData?: string;
  clientKeyData?: string;
  /** Seconds from the moment the plugin runs. */
  expiresInSeconds?: number;
  /** Print this raw text instead of a well-formed ExecCredential. */
  raw?: string;
}

export interface ExecPlugin {
  command: string;
  /** How many times the plugin has run so far. */
  runs(): number;
  /** KUBERNETES_EXEC_INFO as the n-th run (from 1) received it. */
  execInfo(run: number): unknown;
  /** The arguments and the PLUGIN_MARKER env value of the last run. */
  lastArgs(): string[];
  lastMarker(): string;
}

/**
 * @example const p = writePlugin(t, "exec/token", EXEC_V1, [{ token: "abc" }]); // p.command for the kubeconfig
 */
export function writePlugin(t: TempDir, rel: string, apiVersion: string, answers: PluginAnswer[]): ExecPlugin {
  if (answers.length === 0) throw new Error("a plugin needs at least one answer");
  answers.forEach((a, i) => t.write(`${rel}.out.${i + 1}`, a.raw ?? credential(apiVersion, a)));
  const command = t.script(
    rel,
    [
      'n=$(( $(cat "$0.count" 2>/dev/null || echo 0) + 1 )); echo "$n" > "$0.count"',
      `i=$n; [ "$i" -gt ${answers.length} ] && i=${answers.length}`,
      'printf "%s" "$KUBERNETES_EXEC_INFO" > "$0.info.$n"',
      'printf "%s\\n" "$@" > "$0.args"; printf "%s" "$PLUGIN_MARKER" > "$0.marker"',
      // Seconds since the epoch plus the answer's lifetime, as RFC 3339 (GNU or BSD date).
      'ttl=$(cat "$0.ttl.$i" 2>/dev/null || echo 0); at=$(( $(date +%s) + ttl ))',
      'exp=$(date -u -d "@$at" +%Y-%m-%dT%H:%M:%SZ 2>/dev/null || date -u -r "$at" +%Y-%m-%dT%H:%M:%SZ)',
      `sed "s/${EXPIRY}/$exp/" "$0.out.$i"`,
    ].join("\n"),
  );
  answers.forEach((a, i) => {
    if (a.expiresInSeconds !== undefined) t.write(`${rel}.ttl.${i + 1}`, String(a.expiresInSeconds));
  });
  const read = (suffix: string): string => (existsSync(`${command}${suffix}`) ? readFileSync(`${command}${suffix}`, "utf8") : "");
  return {
    command,
    runs: () => Number(read(".count").trim() || 0),
    execInfo: (run) => JSON.parse(read(`.info.${run}`) || "null") as unknown,
    lastArgs: () => read(".args").split("\n").filter(Boolean),
    lastMarker: () => read(".marker"),
  };
}

function credential(apiVersion: string, a: PluginAnswer): string {
  const status: Record<string, string> = {};
  if (a.token !== undefined) status.token = a.token;
  if (a.clientCertificateData !== undefined) status.clientCertificateData = a.clientCertificateData;
  if (a.clientKeyData !== undefined) status.clientKeyData = a.clientKeyData;
  if (a.expiresInSeconds !== undefined) status.expirationTimestamp = EXPIRY;
  return JSON.stringify({ apiVersion, kind: "ExecCredential", status });
}
